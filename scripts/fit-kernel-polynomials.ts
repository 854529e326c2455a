/**
 * Fits the two polynomials the float32 GELU kernel uses (src/kernels/assembly/gelu.ts) and prints
 * them with their fit errors. Reproducible: `npx tsx scripts/fit-kernel-polynomials.ts`.
 *
 * Phi(x) is split at |x| = 0.8:
 * - |x| <= 0.8: Phi(x) = 1/2 + x R(x^2), R of degree 4 (relative minimax).
 * - |x| >  0.8: Phi(-a) = phi(a) M(a), M the Mills ratio, written M(a) = t P(t) with t = 3 / (3 + a),
 *   P of degree 7 (relative minimax over a in (0.8, 13.3]; beyond 13.3 phi(a) underflows float32).
 *
 * Method: Lawson's iteratively reweighted least squares (converges to the relative minimax fit),
 * each step solved by Householder QR in float64. References from the catalog's float64 erf/erfc.
 */
import { erf, erfc } from '../src/math/erf.js';

const GELU_SPLIT = 0.8;
const MILLS_T_SCALE = 3;
const MILLS_A_MAX = 13.3;

/** Least squares min ||A c - b|| by Householder QR (A is m x n, m >= n). */
function leastSquares(a: number[][], b: number[]): number[] {
  const m = a.length;
  const n = a[0].length;
  const r = a.map((row) => row.slice());
  const y = b.slice();
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i][k] * r[i][k];
    norm = Math.sqrt(norm);
    const alpha = r[k][k] > 0 ? -norm : norm;
    const v = new Array<number>(m).fill(0);
    for (let i = k; i < m; i++) v[i] = r[i][k];
    v[k] -= alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * r[i][j];
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) r[i][j] -= f * v[i];
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += v[i] * y[i];
    const f = (2 * dot) / vv;
    for (let i = k; i < m; i++) y[i] -= f * v[i];
  }
  const c = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = y[k];
    for (let j = k + 1; j < n; j++) s -= r[k][j] * c[j];
    c[k] = s / r[k][k];
  }
  return c;
}

function horner(c: readonly number[], t: number): number {
  let p = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) p = p * t + c[i];
  return p;
}

/** Relative minimax polynomial fit of f(t) over the sample points, by Lawson iterations. */
function fitRelative(ts: number[], fs: number[], degree: number): { coeffs: number[]; maxRelError: number } {
  let weights = ts.map(() => 1 / ts.length);
  let coeffs: number[] = [];
  let maxRelError = 0;
  for (let iter = 0; iter < 80; iter++) {
    const rows = ts.map((t, i) => {
      const scale = Math.sqrt(weights[i]) / Math.abs(fs[i]);
      return Array.from({ length: degree + 1 }, (_, j) => t ** j * scale);
    });
    const rhs = fs.map((f, i) => (f * Math.sqrt(weights[i])) / Math.abs(f));
    coeffs = leastSquares(rows, rhs);
    const errors = ts.map((t, i) => Math.abs((horner(coeffs, t) - fs[i]) / fs[i]));
    maxRelError = Math.max(...errors);
    const next = weights.map((w, i) => w * errors[i]);
    const total = next.reduce((s, w) => s + w, 0);
    weights = next.map((w) => w / total);
  }
  return { coeffs, maxRelError };
}

/** Chebyshev-distributed points on [lo, hi]. */
function chebyshevPoints(lo: number, hi: number, count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => lo + ((hi - lo) * (1 - Math.cos((Math.PI * (i + 0.5)) / count))) / 2,
  );
}

const INV_SQRT_2PI = 0.3989422804014327;

/** Mills ratio M(a) = Phi(-a) / phi(a). */
function millsRatio(a: number): number {
  return (0.5 * erfc(a * Math.SQRT1_2)) / (INV_SQRT_2PI * Math.exp(-0.5 * a * a));
}

function show(name: string, coeffs: number[], maxRelError: number): void {
  console.log(`${name}: max relative fit error ${maxRelError.toExponential(2)} (float64 evaluation)`);
  coeffs.forEach((c, i) => {
    console.log(`  c${i} = ${Math.fround(c).toPrecision(9)}`);
  });
}

const tLo = MILLS_T_SCALE / (MILLS_T_SCALE + MILLS_A_MAX);
const tHi = MILLS_T_SCALE / (MILLS_T_SCALE + GELU_SPLIT);
const millsTs = chebyshevPoints(tLo, tHi, 1500);
const millsFs = millsTs.map((t) => millsRatio(MILLS_T_SCALE * (1 / t - 1)) / t);
const mills = fitRelative(millsTs, millsFs, 7);
show(
  `Mills ratio M(a) = t P(t), t = ${MILLS_T_SCALE}/(${MILLS_T_SCALE} + a), a in [${GELU_SPLIT}, ${MILLS_A_MAX}]`,
  mills.coeffs,
  mills.maxRelError,
);

const xs = chebyshevPoints(1e-3, GELU_SPLIT, 1500);
const centralFs = xs.map((x) => (0.5 * erf(x * Math.SQRT1_2)) / x);
const central = fitRelative(
  xs.map((x) => x * x),
  centralFs,
  4,
);
show(`Phi(x) = 1/2 + x R(x^2), |x| <= ${GELU_SPLIT}`, central.coeffs, central.maxRelError);
