/**
 * One-dimensional minimisation and root finding in float64: Brent's method (golden-section steps
 * safeguarding parabolic interpolation, Brent 1973, ch. 5) for a minimum in a bracket, bisection
 * with a final secant polish for roots, and a global scan that finds the minimum of an activation
 * over the real line (or says the infimum is only approached as x -> -inf).
 */

const GOLDEN = (3 - Math.sqrt(5)) / 2;
const SQRT_EPS = Math.sqrt(Number.EPSILON);

export interface MinimumResult {
  x: number;
  value: number;
  iterations: number;
}

/**
 * The minimum of f in [lo, hi] by Brent's method, to |dx| <= tol * |x| + 1e-12 * ... (the
 * method's usual tolerance). f should be unimodal in the bracket.
 */
export function brentMinimize(
  f: (x: number) => number,
  lo: number,
  hi: number,
  tol = SQRT_EPS,
  maxIterations = 200,
): MinimumResult {
  let a = Math.min(lo, hi);
  let b = Math.max(lo, hi);
  let x = a + GOLDEN * (b - a);
  let w = x;
  let v = x;
  let fx = f(x);
  let fw = fx;
  let fv = fx;
  let step = 0; // distance moved on the step before last
  let lastStep = 0;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const mid = 0.5 * (a + b);
    const tol1 = tol * Math.abs(x) + 1e-15;
    const tol2 = 2 * tol1;
    if (Math.abs(x - mid) <= tol2 - 0.5 * (b - a)) break;
    let useGolden = true;
    if (Math.abs(step) > tol1) {
      // Parabola through (v, fv), (w, fw), (x, fx).
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const previous = step;
      step = lastStep;
      // Accept the parabolic step only if it falls inside the bracket and shrinks fast enough.
      if (Math.abs(p) < Math.abs(0.5 * q * previous) && p > q * (a - x) && p < q * (b - x)) {
        lastStep = p / q;
        const u = x + lastStep;
        if (u - a < tol2 || b - u < tol2) lastStep = x < mid ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      step = x < mid ? b - x : a - x;
      lastStep = GOLDEN * step;
    }
    const u = Math.abs(lastStep) >= tol1 ? x + lastStep : x + (lastStep > 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, value: fx, iterations };
}

/**
 * A root of f in [lo, hi] where f(lo) and f(hi) differ in sign: bisection to the last float64
 * between the ends (about 60-1100 halvings), so the answer is as exact as f's own evaluation allows.
 */
export function bisectRoot(f: (x: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  const fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Math.sign(fa) === Math.sign(fb)) {
    throw new RangeError(`bisectRoot: f(${lo}) = ${fa} and f(${hi}) = ${fb} have the same sign`);
  }
  for (let i = 0; i < 2200; i++) {
    const mid = 0.5 * (a + b);
    if (mid <= a || mid >= b) break;
    const fm = f(mid);
    if (fm === 0) return mid;
    if (Math.sign(fm) === Math.sign(fa)) {
      a = mid;
      fa = fm;
    } else {
      b = mid;
    }
  }
  return 0.5 * (a + b);
}

/** Where and what the minimum of an activation over the real line is. */
export type GlobalMinimum =
  /** A strict minimum at x (found by Brent's method from the best grid point). */
  | { kind: 'attained'; x: number; value: number }
  /** f equals its minimum on a whole half-line x <= upTo (ReLU, GEM: 0 for all x <= 0). */
  | { kind: 'flat'; value: number; upTo: number }
  /** f decreases towards -inf and its infimum is the limit f(-inf) (ELU: -alpha; sigmoid: 0). */
  | { kind: 'asymptote'; value: number }
  /** f is unbounded below (leaky ReLU). */
  | { kind: 'unbounded' };

/**
 * Scans f on [-scanRange, scanRange] with step 0.01,
 * then polishes the best interior grid point with Brent's method. A minimum at the left end of the
 * scan is classified by looking much further left (x = -1e6, -1e12); a constant piece counts as flat
 * only if it ends at one of `kinkPoints`.
 */
export function globalMinimum(
  f: (x: number) => number,
  scanRange = 30,
  kinkPoints: readonly number[] = [0, 6],
): GlobalMinimum {
  const step = 0.01;
  const count = Math.round((2 * scanRange) / step);
  let bestIndex = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  const xs: number[] = [];
  const fs: number[] = [];
  for (let i = 0; i <= count; i++) {
    const x = -scanRange + i * step;
    const fx = f(x);
    xs.push(x);
    fs.push(fx);
    if (fx < bestValue) {
      bestValue = fx;
      bestIndex = i;
    }
  }
  if (Number.isNaN(bestValue)) return { kind: 'asymptote', value: Number.NaN };
  if (bestIndex === 0) {
    // The scan minimum sits on its left end: f is still falling (or flat) as x -> -inf.
    const far = f(-1e6);
    const farther = f(-1e12);
    if (farther < -1e6) return { kind: 'unbounded' };
    if (far === bestValue && farther === bestValue) {
      // Constant in float64 on a half-line: find where that stops. It is a true flat piece (ReLU, GEM)
      // only if the edge is a kink; tanh is also exactly -1 in float64 left of x = -19, but approaches it.
      let last = 0;
      while (last + 1 <= count && fs[last + 1] === bestValue) last++;
      const upTo =
        last === count ? xs[count] : bisectRoot((x) => (f(x) === bestValue ? -1 : 1), xs[last], xs[last + 1]);
      const kink = kinkPoints.find((k) => Math.abs(upTo - k) < 1e-6);
      if (kink !== undefined) return { kind: 'flat', value: bestValue, upTo: kink };
    }
    return { kind: 'asymptote', value: Math.min(far, farther) };
  }
  const lo = xs[Math.max(0, bestIndex - 1)];
  const hi = xs[Math.min(count, bestIndex + 1)];
  const polished = brentMinimize(f, lo, hi, 1e-10);
  if (polished.value <= bestValue) return { kind: 'attained', x: polished.x, value: polished.value };
  return { kind: 'attained', x: xs[bestIndex], value: bestValue };
}
