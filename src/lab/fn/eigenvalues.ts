/**
 * Eigenvalues of a real, general (non-symmetric) square matrix in float64, for the spectral radius
 * of f(X) in the eigen experiment. The standard dense algorithm (Golub & Van Loan, "Matrix
 * Computations", 4th ed., §7.5; EISPACK balanc/orthes/hqr):
 *
 * 1. balancing: a diagonal similarity D^-1 A D (powers of 2, so exact) that makes row and column
 *    norms comparable — it leaves the spectrum unchanged and shrinks the rounding error of the later
 *    steps, which scales with ||A|| (matters for companion-like matrices, harmless for Gaussian ones);
 * 2. reduction to upper Hessenberg form H = Q^T A Q by Householder reflections (orthogonal, so
 *    backward stable; ~10/3 n^3 flops);
 * 3. the Francis implicit double-shift QR iteration on H (real arithmetic; complex pairs come out of
 *    2x2 blocks), eigenvalues only, deflating when a subdiagonal entry is negligible next to its
 *    diagonal neighbours; exceptional shifts after 10 and 20 iterations without deflation.
 *
 * Each computed eigenvalue is an exact eigenvalue of A + E with ||E|| ~ n u ||A|| (u = 2^-53), so the
 * spectral radius is accurate to about that absolute error. Power iteration is not used: for a
 * non-symmetric matrix whose dominant eigenvalues have (nearly) equal modulus — a complex pair, or
 * the edge of the circular-law disk when the mean of f(X) is near 0 — it does not converge.
 */

/** A real square matrix, row-major: a[i * n + j]. */
export interface SquareMatrix {
  n: number;
  data: Float64Array;
}

export interface Eigenvalues {
  /** Real parts. */
  re: Float64Array;
  /** Imaginary parts (complex pairs are adjacent, conjugate). */
  im: Float64Array;
  /** QR iterations used in total. */
  iterations: number;
}

/** Iterations allowed per eigenvalue before giving up (LAPACK allows 30 per eigenvalue, too). */
const MAX_ITERATIONS_PER_EIGENVALUE = 60;
/** Unit roundoff of float64. */
const DEFLATION_EPSILON = 2 ** -53;

function checkMatrix(m: SquareMatrix): void {
  if (!(Number.isInteger(m.n) && m.n >= 1))
    throw new RangeError(`matrix size must be a positive integer, got ${m.n}`);
  if (m.data.length !== m.n * m.n) {
    throw new RangeError(
      `matrix data must hold n*n = ${m.n * m.n} entries for n = ${m.n}, got ${m.data.length}`,
    );
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      throw new RangeError(
        `matrix entry (${Math.floor(i / m.n)}, ${i % m.n}) must be finite, got ${m.data[i]}`,
      );
    }
  }
}

/**
 * Balancing (Parlett & Reinsch 1969, EISPACK balanc without the permutation step): scales row i by
 * 1/d_i and column i by d_i, d_i a power of 2, until no scaling reduces row + column norm by 5 %.
 * In place.
 */
export function balance(a: Float64Array, n: number): void {
  const radix = 2;
  const sqrRadix = radix * radix;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 0; i < n; i++) {
      let r = 0;
      let c = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j * n + i]);
        r += Math.abs(a[i * n + j]);
      }
      if (c === 0 || r === 0) continue;
      let g = r / radix;
      let f = 1;
      const s = c + r;
      while (c < g) {
        f *= radix;
        c *= sqrRadix;
      }
      g = r * radix;
      while (c > g) {
        f /= radix;
        c /= sqrRadix;
      }
      if ((c + r) / f < 0.95 * s) {
        done = false;
        const inv = 1 / f;
        for (let j = 0; j < n; j++) a[i * n + j] *= inv;
        for (let j = 0; j < n; j++) a[j * n + i] *= f;
      }
    }
  }
}

/**
 * Householder reduction to upper Hessenberg form, in place (entries below the subdiagonal are set to
 * 0). For column k, v annihilates a[k+2.., k]; H <- (I - beta v v^T) H (I - beta v v^T). Both
 * updates run along rows, the contiguous direction of the row-major layout.
 */
export function hessenberg(a: Float64Array, n: number): void {
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // Scale the column to avoid overflow/underflow in the norm.
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(a[i * n + k]);
    if (scale === 0) continue;
    let sigma = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = a[i * n + k] / scale;
      sigma += v[i] * v[i];
    }
    const x0 = v[k + 1];
    // alpha has the sign opposite to x0, so v[k+1] = x0 - alpha does not cancel.
    const alpha = x0 >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
    v[k + 1] = x0 - alpha;
    const vNorm2 = sigma - x0 * x0 + v[k + 1] * v[k + 1];
    if (vNorm2 === 0) continue;
    const beta = 2 / vNorm2;
    // Left: A <- A - beta v (v^T A) on rows k+1.., columns k.. (w = v^T A first).
    w.fill(0, k, n);
    for (let i = k + 1; i < n; i++) {
      const vi = v[i];
      const row = i * n;
      for (let j = k; j < n; j++) w[j] += vi * a[row + j];
    }
    // Right: A <- A - beta (A v) v^T on columns k+1... Rows 0..k only need the right update; the
    // others get the left update and then the right one in the same sweep while the row is in cache
    // (the reduction is memory-bound at n = 1000: one pass over the matrix saved per column).
    for (let i = 0; i < n; i++) {
      const row = i * n;
      if (i > k) {
        const f = beta * v[i];
        for (let j = k; j < n; j++) a[row + j] -= f * w[j];
      }
      let dot = 0;
      for (let j = k + 1; j < n; j++) dot += a[row + j] * v[j];
      const f = beta * dot;
      for (let j = k + 1; j < n; j++) a[row + j] -= f * v[j];
    }
    // Exact Hessenberg structure: the annihilated entries are zero by construction.
    a[(k + 1) * n + k] = alpha * scale;
    for (let i = k + 2; i < n; i++) a[i * n + k] = 0;
  }
}

/**
 * Francis double-shift QR on an upper Hessenberg matrix (destroyed), eigenvalues only: each sweep
 * touches only the active window [l, end] (no Schur vectors are accumulated).
 */
export function hessenbergEigenvalues(h: Float64Array, n: number): Eigenvalues {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const at = (i: number, j: number) => h[i * n + j];
  let norm = 0;
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(i - 1, 0); j < n; j++) norm += Math.abs(at(i, j));
  }
  let end = n - 1;
  let shiftSum = 0; // accumulated exceptional shifts
  let its = 0;
  let total = 0;
  while (end >= 0) {
    // Find the start l of the unreduced block ending at `end`.
    let l = end;
    while (l > 0) {
      let s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
      if (s === 0) s = norm;
      const sub = Math.abs(at(l, l - 1));
      // Relative test (EISPACK), or negligible next to ||H||: setting it to 0 is then a perturbation
      // of size u ||H||, within the backward error the solver promises anyway. The second test is what
      // lets zero eigenvalues of defective (nilpotent) blocks deflate, e.g. relu(X) for mean -1.
      if (sub + s === s || sub <= DEFLATION_EPSILON * norm) {
        h[l * n + l - 1] = 0;
        break;
      }
      l--;
    }
    let x = at(end, end);
    if (l === end) {
      re[end] = x + shiftSum;
      im[end] = 0;
      end--;
      its = 0;
      continue;
    }
    let y = at(end - 1, end - 1);
    let w = at(end, end - 1) * at(end - 1, end);
    if (l === end - 1) {
      // A 2x2 block: its eigenvalues in closed form, without cancellation in the real case.
      const p = 0.5 * (y - x);
      const q = p * p + w;
      const z = Math.sqrt(Math.abs(q));
      x += shiftSum;
      if (q >= 0) {
        const zz = p + (p >= 0 ? z : -z);
        re[end - 1] = x + zz;
        re[end] = zz !== 0 ? x - w / zz : x + zz;
        im[end - 1] = 0;
        im[end] = 0;
      } else {
        re[end - 1] = x + p;
        re[end] = x + p;
        im[end - 1] = z;
        im[end] = -z;
      }
      end -= 2;
      its = 0;
      continue;
    }
    if (its >= MAX_ITERATIONS_PER_EIGENVALUE) {
      throw new Error(
        `eigenvalues: the QR iteration did not converge for eigenvalue ${end + 1} of ${n} after ${its} iterations`,
      );
    }
    if (its > 0 && its % 10 === 0) {
      // Exceptional shift (EISPACK): breaks cycles of the standard shift.
      shiftSum += x;
      for (let i = 0; i <= end; i++) h[i * n + i] -= x;
      const s = Math.abs(at(end, end - 1)) + Math.abs(at(end - 1, end - 2));
      x = 0.75 * s;
      y = x;
      w = -0.4375 * s * s;
    }
    its++;
    total++;
    // Look for two consecutive small subdiagonal entries: start the bulge at m.
    let m = end - 2;
    let p = 0;
    let q = 0;
    let r = 0;
    for (; m >= l; m--) {
      const z = at(m, m);
      const rr = x - z;
      const ss = y - z;
      p = (rr * ss - w) / at(m + 1, m) + at(m, m + 1);
      q = at(m + 1, m + 1) - z - rr - ss;
      r = at(m + 2, m + 1);
      const s = Math.abs(p) + Math.abs(q) + Math.abs(r);
      p /= s;
      q /= s;
      r /= s;
      if (m === l) break;
      const u = Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r));
      const v = Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1)));
      if (u + v === v) break;
    }
    for (let i = m + 2; i <= end; i++) {
      h[i * n + i - 2] = 0;
      if (i !== m + 2) h[i * n + i - 3] = 0;
    }
    // Chase the bulge with 3x3 Householder reflections.
    for (let k = m; k <= end - 1; k++) {
      let scale = 0;
      if (k !== m) {
        p = at(k, k - 1);
        q = at(k + 1, k - 1);
        r = k !== end - 1 ? at(k + 2, k - 1) : 0;
        scale = Math.abs(p) + Math.abs(q) + Math.abs(r);
        if (scale !== 0) {
          p /= scale;
          q /= scale;
          r /= scale;
        }
      }
      const norm3 = Math.sqrt(p * p + q * q + r * r);
      const s = p >= 0 ? norm3 : -norm3;
      if (s === 0) continue;
      if (k === m) {
        if (l !== m) h[k * n + k - 1] = -at(k, k - 1);
      } else {
        h[k * n + k - 1] = -s * scale;
      }
      p += s;
      const fx = p / s;
      const fy = q / s;
      const fz = r / s;
      q /= p;
      r /= p;
      const third = k !== end - 1;
      // Row modification, columns k..end.
      const r0 = k * n;
      const r1 = (k + 1) * n;
      const r2 = (k + 2) * n;
      for (let j = k; j <= end; j++) {
        let t = h[r0 + j] + q * h[r1 + j];
        if (third) {
          t += r * h[r2 + j];
          h[r2 + j] -= t * fz;
        }
        h[r1 + j] -= t * fy;
        h[r0 + j] -= t * fx;
      }
      // Column modification, rows l..min(end, k+3).
      const last = Math.min(end, k + 3);
      for (let i = l; i <= last; i++) {
        const row = i * n;
        let t = fx * h[row + k] + fy * h[row + k + 1];
        if (third) {
          t += fz * h[row + k + 2];
          h[row + k + 2] -= t * r;
        }
        h[row + k + 1] -= t * q;
        h[row + k] -= t;
      }
    }
  }
  return { re, im, iterations: total };
}

/** All eigenvalues of a general real matrix (not modified). */
export function eigenvalues(matrix: SquareMatrix): Eigenvalues {
  checkMatrix(matrix);
  const { n } = matrix;
  const a = Float64Array.from(matrix.data);
  balance(a, n);
  hessenberg(a, n);
  return hessenbergEigenvalues(a, n);
}

/** max |lambda| over the eigenvalues of a general real matrix. */
export function spectralRadius(matrix: SquareMatrix): number {
  const { re, im } = eigenvalues(matrix);
  let best = 0;
  for (let i = 0; i < re.length; i++) best = Math.max(best, Math.hypot(re[i], im[i]));
  return best;
}
