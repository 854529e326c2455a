/**
 * The Gompertz gate g(x) = exp(-beta * exp(-gamma * x)) and the pieces GoLU and its derivative need.
 *
 * Why double-double: with t = exp(-gamma x), g = exp(-beta t) has relative error beta*t times the
 * relative error of t, i.e. up to ~745 ulp near underflow if t is a plain float64. We carry t, beta*t
 * and g as double-doubles, and keep g as mantissa * 2^k so products like x * g or t * g are formed
 * before the one final scaling (no premature underflow).
 */
import {
  type DD,
  ddAdd,
  ddDiv,
  ddMul,
  ddMulNumber,
  expDD,
  expm1DD,
  ldexp,
  twoProd,
  twoSum,
} from './double-double.js';
import { lambertWOfReciprocal } from './lambert-w.js';

/** Beyond this, beta*t is so large that g = exp(-beta t) underflows every product (e^-2000 * 1e308^3 = 0). */
const HUGE_EXPONENT = 2000;
/** exp(-gamma x) is 0 or Inf for every parameter once |gamma x| exceeds this. */
const EXP_ARGUMENT_LIMIT = 1e5;

/** The gate as g = gm * 2^gk, and a = beta * t = am * 2^ak. `underflow` marks g == 0 for all purposes. */
export interface GompertzParts {
  readonly gm: DD;
  readonly gk: number;
  readonly am: DD;
  readonly ak: number;
  readonly underflow: boolean;
}

const ZERO_A: GompertzParts = { gm: [1, 0], gk: 0, am: [0, 0], ak: 0, underflow: false };
const UNDERFLOW: GompertzParts = { gm: [0, 0], gk: 0, am: [Infinity, 0], ak: 0, underflow: true };

/** Gate pieces for finite x. */
export function gompertzParts(x: number, beta: number, gamma: number): GompertzParts {
  const [yh, yl] = twoProd(-gamma, x); // y = -gamma x, exactly as hi + lo
  if (yh < -EXP_ARGUMENT_LIMIT) return ZERO_A;
  if (yh > EXP_ARGUMENT_LIMIT || yh + Math.log(beta) > Math.log(HUGE_EXPONENT)) return UNDERFLOW;
  const t = expDD(yh, yl);
  const am = ddMulNumber(t.m, beta);
  const ak = t.k;
  const ah = ldexp(am[0], ak);
  const al = ldexp(am[1], ak);
  const g = expDD(-ah, -al);
  return { gm: g.m, gk: g.k, am, ak, underflow: false };
}

/** alpha * x * g(x): GoLU. */
export function goluValue(x: number, alpha: number, beta: number, gamma: number): number {
  if (x !== x) return x;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === Number.NEGATIVE_INFINITY) return -0;
  if (x === 0) return x; // keeps the sign of a zero (the double-double product would give +0 for -0)
  const parts = gompertzParts(x, beta, gamma);
  if (parts.underflow) return x < 0 ? -0 : 0;
  if (parts.am[0] === 0) return alpha * x; // t = 0: the gate is exactly 1 (also avoids Inf * 0 at x ~ MAX_VALUE)
  const product = ddMul(twoProd(alpha, x), parts.gm);
  return ldexp(product[0] + product[1], parts.gk);
}

/**
 * GoLU'(x) = alpha * g * (1 + beta gamma x t). Formed as g * (1 + gamma x a) with a = beta t in
 * double-double, so there is no 0 * Inf for large negative x and no cancellation near the minimum
 * (x = -W(1/beta) / gamma, -0.567 for beta = gamma = 1), where 1 + gamma x a crosses zero: within
 * 0.25 of it in w = gamma x the factor comes from goluFactorNearRoot (<= 0.5 ulp there, any beta).
 */
export function goluDerivative(x: number, alpha: number, beta: number, gamma: number): number {
  if (x !== x) return x;
  if (x === Number.POSITIVE_INFINITY) return alpha;
  if (x === Number.NEGATIVE_INFINITY) return -0;
  const parts = gompertzParts(x, beta, gamma);
  if (parts.underflow) return x < 0 ? -0 : 0;
  if (parts.am[0] === 0) return alpha; // t = 0: g = 1 and the product term vanishes (x -> +Inf side)
  const nearMinimum = goluFactorNearRoot(x, beta, gamma);
  if (nearMinimum !== undefined) {
    const product = ddMulNumber(ddMul(parts.gm, nearMinimum), alpha);
    return ldexp(product[0] + product[1], parts.gk);
  }
  const gxa = ddMul(twoProd(gamma, x), parts.am); // gamma x a, as mantissa * 2^ak
  const s: DD = [ldexp(gxa[0], parts.ak), ldexp(gxa[1], parts.ak)];
  const onePlusS = ddAdd([1, 0], s);
  const product = ddMulNumber(ddMul(parts.gm, onePlusS), alpha);
  return ldexp(product[0] + product[1], parts.gk);
}

/** Within this distance of the root in w = gamma x, the derivative factor uses the closed form below. */
const ROOT_WINDOW = 0.25;

let cachedBeta = Number.NaN;
let cachedRoot: readonly [number, number, number] = [0, 0, 0];

/**
 * v = W(1/beta) as three doubles: GoLU's minimum is at w0 = -v (x = w0 / gamma). Held to ~1e-44
 * relative because next to the root f' is proportional to w - w0 (see math/lambert-w.ts); computed
 * once per beta.
 */
function goluRoot(beta: number): readonly [number, number, number] {
  if (beta !== cachedBeta) {
    cachedRoot = lambertWOfReciprocal(beta);
    cachedBeta = beta;
  }
  return cachedRoot;
}

/**
 * 1 + beta w e^{-w} near its zero w0 = -v, from the exact identity beta e^{v} = 1/v: with d = w - w0,
 * it equals -expm1(-d) + (d / v) e^{-d}. Both terms have the sign of d, so there is no cancellation;
 * d = (wh + wl) + (v0 + v1 + v2) is formed exactly (twoSum) and the rest runs in double-double, so the
 * factor carries ~1e-30 relative error into the final product. Returns undefined outside the window.
 */
function goluFactorNearRoot(x: number, beta: number, gamma: number): DD | undefined {
  const [wh, wl] = twoProd(gamma, x);
  const [v0, v1, v2] = goluRoot(beta);
  const [s, e] = twoSum(wh, v0);
  if (!(Math.abs(s) <= ROOT_WINDOW)) return undefined;
  // wl and v1 are both up to ~1e-16 and may cancel: add each exactly, then the ~1e-32 remainders.
  const [t, f] = twoSum(s, v1);
  const [u, g] = twoSum(t, wl);
  const d = twoSum(u, g + f + e + v2);
  const minusD: DD = [-d[0], -d[1]];
  const em1 = expm1DD(minusD); // e^{-d} - 1
  const dOverV = ddDiv(d, [v0, v1]);
  return ddAdd([-em1[0], -em1[1]], ddMul(dOverV, ddAdd([1, 0], em1)));
}

/** alpha * g(x): the Gompertz gate. */
export function gompertzValue(x: number, alpha: number, beta: number, gamma: number): number {
  if (x !== x) return x;
  if (x === Number.POSITIVE_INFINITY) return alpha;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  const parts = gompertzParts(x, beta, gamma);
  if (parts.underflow) return 0;
  const product = ddMulNumber(parts.gm, alpha);
  return ldexp(product[0] + product[1], parts.gk);
}

/** d/dx alpha * g(x) = alpha * gamma * a * g, with a = beta t, formed before one final scaling. */
export function gompertzDerivative(x: number, alpha: number, beta: number, gamma: number): number {
  if (x !== x) return x;
  if (!Number.isFinite(x)) return 0;
  const parts = gompertzParts(x, beta, gamma);
  if (parts.underflow) return 0;
  const product = ddMulNumber(ddMulNumber(ddMul(parts.am, parts.gm), alpha), gamma);
  return ldexp(product[0] + product[1], parts.gk + parts.ak);
}
