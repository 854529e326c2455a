/**
 * Eigenvalues and eigenvectors of a real symmetric matrix (float64) by the cyclic Jacobi method
 * (Golub & Van Loan, "Matrix Computations", 4th ed., §8.5; Rutishauser's stable rotation formulas).
 * Each rotation zeroes one off-diagonal pair; sweeps over all pairs repeat until the off-diagonal mass
 * is negligible next to the diagonal. Jacobi is slower than tridiagonal QR (~3-5 n^3 flops per sweep,
 * 6-10 sweeps) but simple, backward stable and accurate to high relative precision for small
 * eigenvalues of well-scaled matrices, which is what the Frechet distance's matrix square roots need
 * (covariances of a few dozen features). The general eigenvalue solver in ./eigenvalues.ts gives
 * eigenvalues only, of non-symmetric matrices.
 */

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as columns, row-major n x n: vectors[i * n + k] is component i of vector k. */
  vectors: Float64Array;
  sweeps: number;
}

/** Sweeps allowed before giving up (convergence is quadratic; 10 suffice for n in the hundreds). */
const MAX_SWEEPS = 60;

/**
 * The eigen-decomposition A = V diag(values) V^T of a symmetric n x n matrix (row-major; only its
 * symmetry up to rounding is assumed: the average of A and A^T is decomposed). NaN or infinite entries
 * throw (no meaningful decomposition exists).
 */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  if (!(Number.isInteger(n) && n >= 1) || matrix.length !== n * n) {
    throw new RangeError(
      `symmetric eigen: expected an n x n matrix (n >= 1), got ${matrix.length} entries for n = ${n}`,
    );
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
      if (!Number.isFinite(v))
        throw new RangeError(`symmetric eigen: entry (${i}, ${j}) is ${matrix[i * n + j]}`);
      a[i * n + j] = v;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let off = 0;
    let diagonal = 0;
    for (let i = 0; i < n; i++) {
      diagonal += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    // Converged when the off-diagonal norm is at rounding level of the matrix norm.
    if (off <= 1e-30 * (diagonal + off) || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // tan of the rotation angle, the smaller root (|theta| <= pi/4): t = sign(tau) / (|tau| + sqrt(1 + tau^2)).
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (sweeps === MAX_SWEEPS)
    throw new Error(`symmetric eigen: no convergence after ${MAX_SWEEPS} Jacobi sweeps`);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x] - a[y * n + y]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from];
    for (let i = 0; i < n; i++) vectors[i * n + to] = v[i * n + from];
  });
  return { values, vectors, sweeps };
}

/**
 * f(A) = V diag(f(lambda)) V^T for a symmetric A (e.g. the square root of a covariance with f =
 * sqrt(max(lambda, 0)): rounding can leave a PSD matrix's smallest eigenvalues slightly negative).
 */
export function symmetricFunction(
  matrix: Float64Array,
  n: number,
  f: (lambda: number) => number,
): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const fv = values.map(f);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += vectors[i * n + k] * fv[k] * vectors[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}
