/**
 * Elementary and special functions of the oracle, in decimal.js at the current precision of `Dec`.
 *
 * Every function here is accurate to (nearly) the full working precision in the *relative* sense for
 * every finite argument: where a textbook formula would cancel (exp(x) - 1 for tiny x, 1 - erf(x)
 * for large x, 1 + tanh(u) for u << 0), we use a series or an identity that does not, or raise the
 * working precision by the number of digits the cancellation costs. Nothing here is shared with the
 * library's float64 code (src/math), so the two can check each other.
 */
import type Decimal from 'decimal.js';
import { Dec } from './decimal.js';

/** A few guard digits on top of the working precision for series sums. */
const GUARD = 10;

function one(): Decimal {
  return new Dec(1);
}

/**
 * The relative size below which a series term or a continued-fraction step no longer matters:
 * three digits past the caller's precision (called inside `withGuard(GUARD, ...)`, so it sits
 * above the rounding noise of the guarded working precision).
 */
function tolerance(): Decimal {
  return new Dec(10).pow(-(Dec.precision - GUARD + 3));
}

/** Runs `fn` at the current precision plus `extra` digits and rounds its result back. */
export function withGuard(extra: number, fn: () => Decimal): Decimal {
  const saved = Dec.precision;
  Dec.set({ precision: saved + extra });
  let r: Decimal;
  try {
    r = fn();
  } finally {
    Dec.set({ precision: saved });
  }
  return r.toSignificantDigits(saved);
}

const piCache = new Map<number, Decimal>();
const sqrtPiCache = new Map<number, Decimal>();

/** pi to the current precision (decimal.js computes it from its stored digits of pi); cached. */
export function pi(): Decimal {
  let v = piCache.get(Dec.precision);
  if (v === undefined) {
    v = Dec.acos(-1);
    piCache.set(Dec.precision, v);
  }
  return v;
}

/** sqrt(pi) to the current precision; cached. */
export function sqrtPi(): Decimal {
  let v = sqrtPiCache.get(Dec.precision);
  if (v === undefined) {
    v = pi().sqrt();
    sqrtPiCache.set(Dec.precision, v);
  }
  return v;
}

/** e^x; decimal.js's exp is correctly rounded. exp(+-Infinity) = Infinity / 0. */
export function exp(x: Decimal): Decimal {
  return Dec.exp(x);
}

/** e^x - 1 without cancellation: Taylor series for |x| < 1/2. */
export function expm1(x: Decimal): Decimal {
  if (!x.isFinite() || x.abs().gte(0.5)) return Dec.exp(x).minus(1);
  if (x.isZero()) return x;
  return withGuard(GUARD, () => {
    const tol = tolerance();
    let term = x;
    let sum = x;
    for (let k = 2; ; k++) {
      term = term.times(x).div(k);
      sum = sum.plus(term);
      if (term.abs().lte(sum.abs().times(tol))) return sum;
    }
  });
}

/** ln(1 + x) without cancellation: 2 atanh(x / (2 + x)) as a series for |x| < 1/2. */
export function log1p(x: Decimal): Decimal {
  if (!x.isFinite() || x.abs().gte(0.5)) return Dec.ln(x.plus(1));
  if (x.isZero()) return x;
  return withGuard(GUARD, () => {
    const tol = tolerance();
    const u = x.div(x.plus(2));
    const u2 = u.times(u);
    let power = u;
    let sum = u;
    for (let k = 3; ; k += 2) {
      power = power.times(u2);
      const term = power.div(k);
      sum = sum.plus(term);
      if (term.abs().lte(sum.abs().times(tol))) return sum.times(2);
    }
  });
}

/** The logistic function 1 / (1 + e^-x), written so neither branch overflows into Inf/Inf. */
export function sigmoid(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.gte(0)) return one().div(Dec.exp(x.neg()).plus(1));
  const e = Dec.exp(x);
  return e.div(e.plus(1));
}

/** tanh(x): expm1(2x) / (expm1(2x) + 2) near 0, (1 - e^-2x) / (1 + e^-2x) further out; odd. */
export function tanh(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.isNeg()) return tanh(x.neg()).neg();
  if (x.lt(1)) {
    const m = expm1(x.times(2));
    return m.div(m.plus(2));
  }
  const e = Dec.exp(x.times(-2));
  return one().minus(e).div(one().plus(e));
}

/** sech^2(x) = 4 e^-2|x| / (1 + e^-2|x|)^2, free of the cancellation in 1 - tanh^2. */
export function sech2(x: Decimal): Decimal {
  const e = Dec.exp(x.abs().times(-2));
  const d = e.plus(1);
  return e.times(4).div(d.times(d));
}

/** softplus(x) = ln(1 + e^x) = max(x, 0) + log1p(e^-|x|). */
export function softplus(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.lte(0)) return log1p(Dec.exp(x));
  return x.plus(log1p(Dec.exp(x.neg())));
}

/** Below this |x| erf uses its power series; above, erfc's continued fraction. */
export const ERF_SERIES_LIMIT = 9;

/**
 * erf(x) for moderate |x| by the series with positive terms
 *   erf(x) = 2/sqrt(pi) e^(-x^2) sum_{n>=0} 2^n x^(2n+1) / (1*3*5*...*(2n+1))
 * (Abramowitz & Stegun 7.1.6). No cancellation, so only a few guard digits are needed.
 */
export function erfSeries(x: Decimal): Decimal {
  if (x.isZero()) return x;
  return withGuard(GUARD, () => {
    const tol = tolerance();
    const x2 = x.times(x);
    const twoX2 = x2.times(2);
    let term = x;
    let sum = x;
    for (let n = 1; ; n++) {
      term = term.times(twoX2).div(2 * n + 1);
      sum = sum.plus(term);
      if (term.abs().lte(sum.abs().times(tol))) break;
    }
    return sum.times(2).div(sqrtPi()).times(Dec.exp(x2.neg()));
  });
}

/**
 * erfc(x) for x > 0 by the continued fraction (A&S 7.1.14, Laplace)
 *   erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
 * evaluated by the modified Lentz method until a step changes the value by less than the
 * tolerance. It converges for every x > 0 and quickly for x >= ERF_SERIES_LIMIT.
 */
export function erfcContinuedFraction(x: Decimal): Decimal {
  return withGuard(GUARD, () => {
    const tol = tolerance();
    let f = x;
    let c = x;
    let d = new Dec(0);
    for (let k = 1; k < 100_000; k++) {
      const a = k / 2; // exact in binary and in decimal
      d = x.plus(d.times(a));
      d = one().div(d);
      c = x.plus(new Dec(a).div(c));
      const delta = c.times(d);
      f = f.times(delta);
      if (delta.minus(1).abs().lte(tol)) {
        return Dec.exp(x.times(x).neg()).div(sqrtPi().times(f));
      }
    }
    throw new Error(`oracle: erfc continued fraction did not converge at x = ${x.toString()}`);
  });
}

/** The error function, accurate to the working precision for every argument. */
export function erf(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (!x.isFinite()) return new Dec(x.s);
  if (x.abs().lt(ERF_SERIES_LIMIT)) return erfSeries(x);
  // erfc(|x|) < 1e-36 here, so 1 - erfc loses nothing.
  const tail = erfcContinuedFraction(x.abs());
  return x.isNeg() ? tail.minus(1) : one().minus(tail);
}

/**
 * The complementary error function 1 - erf(x), accurate in the relative sense for every argument:
 * x < 0 uses 1 + erf(-x) (no cancellation); 0 <= x < ERF_SERIES_LIMIT uses 1 - erf(x) with the
 * digits the cancellation costs (about x^2 / ln 10) added to the working precision; larger x uses
 * the continued fraction.
 */
export function erfc(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (!x.isFinite()) return new Dec(x.isNeg() ? 2 : 0);
  if (x.lte(0)) return one().plus(erfSeriesOrTail(x.neg()));
  if (x.lt(ERF_SERIES_LIMIT)) {
    const lost = Math.ceil(x.toNumber() ** 2 / Math.LN10) + 2;
    return withGuard(lost, () => one().minus(erfSeries(x)));
  }
  return erfcContinuedFraction(x);
}

/** erf(x) for x >= 0 (the helper behind erfc of a negative argument). */
function erfSeriesOrTail(x: Decimal): Decimal {
  return x.lt(ERF_SERIES_LIMIT) ? erfSeries(x) : one().minus(erfcContinuedFraction(x));
}
