/**
 * The gate of a self-gated activation, read as a probability distribution.
 *
 * Definition. Write f(x) = x * G(x) with G(x) = f(x) / x (and G(0) = f'(0)). We call G a CDF gate when
 * f(0) = 0 and G is continuous, nondecreasing, G(-inf) = 0 and G(+inf) = c with 0 < c < inf. Then
 * H = G / c is the CDF of a distribution (c is GoLU's alpha, 1 for the others) and f(x) = c x H(x):
 * GoLU's H is the Gumbel CDF, GELU's the normal CDF, Swish's the logistic CDF, Mish's tanh(softplus(x)),
 * GEM's x^2n / (1 + x^2n) on x > 0. The definition is checked numerically for the given parameters,
 * not looked up in a list, so it also tells you that ELU and CELU (alpha <= 1) are x times a CDF
 * supported on x <= 0, and why ReLU (G jumps at 0: a point mass), leaky ReLU (G(-inf) = slope),
 * SE-GEM (G(-inf) = lambda), softplus, tanh, sigmoid, softsign, SELU and ReLU6 do not qualify.
 *
 * Moments come from the distribution's density h = H' = (x f'(x) - f(x)) / (c x^2), integrated by
 * parts so that only H itself is needed (this avoids the cancellation in x f' - f near 0):
 *   E[(X - s)^k] = k * int_0^inf x^(k-1) (1 - H(s + x)) dx + (-1)^k k * int_0^inf x^(k-1) H(s - x) dx.
 * A moment is reported as Infinity when a tail of the distribution decays like x^-p with p <= k
 * (GEM with n = 1 has 1 - H(x) = 1/(1 + x^2): finite mean, infinite variance).
 */
import { bisectRoot } from './minimize.js';
import { integrate } from './quadrature.js';

export type GateStats =
  | {
      applies: true;
      /** c = G(+inf): the gate's upper level (GoLU's alpha). */
      level: number;
      /** x with H(x) = 1/2. */
      median: number;
      mean: number;
      /** Standard deviation of the gate distribution (Infinity when the variance diverges). */
      std: number;
      /** Third standardised moment; > 0 means the gate's distribution leans right (GoLU: 1.1395). */
      skewness: number;
      /** Polynomial decay exponents of the left tail H(-x) and right tail 1 - H(x); Infinity = faster. */
      tailExponents: { left: number; right: number };
    }
  | { applies: false; reason: string };

const LARGE = 1e8;

/** Decay exponent p of a tail t(x) ~ x^-p, measured between x = 1e3 and 2e3. */
function tailExponent(tail: (x: number) => number): number {
  const t1 = tail(1e3);
  const t2 = tail(2e3);
  if (t1 <= 0 || t2 <= 0) return Number.POSITIVE_INFINITY;
  const p = Math.log(t1 / t2) / Math.LN2;
  // An exponential tail has a huge apparent exponent; call anything beyond 50 "faster than polynomial".
  return p > 50 ? Number.POSITIVE_INFINITY : p;
}

/** The gate's level c if f(x)/x is a CDF gate (see the module comment), or the reason it is not. */
export function cdfGate(
  f: (x: number) => number,
  df: (x: number) => number,
): { applies: true; level: number; gate: (x: number) => number } | { applies: false; reason: string } {
  const f0 = f(0);
  if (f0 !== 0) return { applies: false, reason: `f(0) = ${fmt(f0)} is not 0, so f(x)/x is unbounded at 0` };
  const gate = (x: number) => (x === 0 ? df(0) : f(x) / x);
  const level = gate(LARGE);
  if (!(level > 0) || !Number.isFinite(level)) {
    return { applies: false, reason: `f(x)/x tends to ${fmt(level)} as x -> +inf, not a positive level` };
  }
  const settled = gate(LARGE / 10);
  if (Math.abs(settled - level) > 1e-6 * level) {
    return { applies: false, reason: 'f(x)/x does not settle to a positive level as x -> +inf' };
  }
  const leftLevel = gate(-LARGE);
  if (Math.abs(leftLevel) > 1e-6 * level) {
    return { applies: false, reason: `f(x)/x tends to ${fmt(leftLevel)} as x -> -inf, not 0` };
  }
  const jump = gate(1e-9) - gate(-1e-9);
  if (Math.abs(jump) > 1e-6 * level) {
    return { applies: false, reason: `f(x)/x jumps by ${fmt(jump)} at 0 (a point mass, no density)` };
  }
  // Nondecreasing on a fine grid over [-60, 60] and on log-spaced points out to 1e8 on both sides.
  const grid: number[] = [];
  for (let e = 8; e > Math.log10(60); e -= 0.05) grid.push(-(10 ** e));
  for (let i = -12000; i <= 12000; i++) if (i !== 0) grid.push(i * 0.005);
  for (let e = Math.log10(60) + 0.05; e <= 8; e += 0.05) grid.push(10 ** e);
  let previous = gate(grid[0]);
  for (let i = 1; i < grid.length; i++) {
    const g = gate(grid[i]);
    if (Number.isNaN(g)) return { applies: false, reason: `f(x)/x is NaN at x = ${fmt(grid[i])}` };
    if (g < previous - 1e-12 * level) {
      return { applies: false, reason: `f(x)/x decreases near x = ${fmt(grid[i])}, so it is not a CDF` };
    }
    if (g > level * (1 + 1e-9)) {
      return { applies: false, reason: `f(x)/x exceeds its limit ${fmt(level)} at x = ${fmt(grid[i])}` };
    }
    previous = g;
  }

  return { applies: true, level, gate };
}

/** Gate statistics of f, or the reason f(x)/x is not a CDF gate. */
export function gateStats(f: (x: number) => number, df: (x: number) => number): GateStats {
  const check = cdfGate(f, df);
  if (!check.applies) return check;
  const { level, gate } = check;
  const cdf = (x: number) => gate(x) / level;
  const tailExponents = {
    left: tailExponent((x) => cdf(-x)),
    right: tailExponent((x) => 1 - cdf(x)),
  };
  const heaviest = Math.min(tailExponents.left, tailExponents.right);
  // Moment k exists iff both tails decay faster than x^-k (margin for the exponent's rounding).
  const finite = (k: number) => k < heaviest - 0.01;

  // 1 - H(x) = 1 - f(x)/(c x) cancels once H is within ~1e-8 of 1; its rounding noise (~1e-16 absolute)
  // times x^(k-1) would swamp a polynomial tail's moments. Beyond x where 1 - H = 1e-7 we therefore use
  // the tail's power law T(x) = T0 (x / X0)^-p (exponent measured locally), integrated exactly.
  const rightTail = (x: number) => 1 - cdf(x);
  let powerLaw: { from: number; t0: number; p: number } | undefined;
  if (Number.isFinite(tailExponents.right)) {
    let lo = 1;
    let hi = 1e8;
    while (rightTail(lo) < 1e-7 && lo > 1e-8) lo /= 2;
    for (let i = 0; i < 200 && hi / lo > 1 + 1e-6; i++) {
      const mid = Math.sqrt(lo * hi);
      if (rightTail(mid) > 1e-7) lo = mid;
      else hi = mid;
    }
    const from = lo;
    const t0 = rightTail(from);
    powerLaw = { from, t0, p: Math.log(t0 / rightTail(from * 1.5)) / Math.log(1.5) };
  }
  const tail = (y: number) => {
    if (powerLaw === undefined || y < powerLaw.from) return rightTail(y);
    return powerLaw.t0 * (y / powerLaw.from) ** -powerLaw.p;
  };

  /** E[(X - s)^k] by the tail formula. */
  const moment = (k: number, s: number): number => {
    if (!finite(k)) {
      // The heavy tail decides the sign: +inf from the right; (-1)^k inf from the left; both: undefined.
      const rightHeavy = k >= tailExponents.right - 0.01;
      const leftHeavy = k >= tailExponents.left - 0.01;
      if (rightHeavy && leftHeavy && k % 2 === 1) return Number.NaN;
      return leftHeavy && !rightHeavy && k % 2 === 1 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    const breakpoints = [Math.abs(s), ...(powerLaw ? [powerLaw.from - s] : [])];
    const options = { relTol: 1e-11, absTol: 1e-14, breakpoints, maxIntervals: 4000 };
    const right = integrate((x) => k * x ** (k - 1) * tail(s + x), 0, Number.POSITIVE_INFINITY, options);
    const left = integrate((x) => k * x ** (k - 1) * cdf(s - x), 0, Number.POSITIVE_INFINITY, options);
    if (!right.converged || !left.converged) return Number.NaN;
    return right.value + (k % 2 === 0 ? left.value : -left.value);
  };

  const mean = moment(1, 0);
  const variance = moment(2, mean);
  const third = moment(3, mean);
  const std = Math.sqrt(variance);
  const skewness = Number.isFinite(variance) && Number.isFinite(third) ? third / variance ** 1.5 : Number.NaN;

  // Median: expand a bracket around 0 until H changes sides of 1/2.
  let lo = -1;
  let hi = 1;
  while (cdf(lo) > 0.5) lo *= 2;
  while (cdf(hi) < 0.5) hi *= 2;
  const median = bisectRoot((x) => cdf(x) - 0.5, lo, hi);

  return { applies: true, level, median, mean, std, skewness, tailExponents };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x);
}
