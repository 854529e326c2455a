// biome-ignore-all lint/correctness/noPrecisionLoss: fdlibm coefficients kept digit for digit as published
/**
 * Float32 building blocks for the jax-js adapter, written as plain jax-js array compositions so
 * that `grad`, `jvp`, `vmap` and `jit` all see through them and derivatives of every order come
 * out of autodiff accurate and finite.
 *
 * Why not jax-js's own `np.exp` / `np.log` / `np.tanh` / `scipySpecial.erfc`: on the wasm device
 * (0.1.25) exp is a 6th-order Taylor kernel with a float32 ln2 (4e-6 relative error near |x| = 80),
 * log a 4-term atanh series (1e-5 absolute error), tanh(x) = (e^-2|x| - 1)/(e^-2|x| + 1) loses its
 * relative accuracy near 0, and erf/erfc are Abramowitz-Stegun 7.1.26 (1.5e-7 absolute, none
 * relative in the tail). `JAX_ACCURACY_TABLE=1 npx vitest run test/adapter-jax.test.ts` prints the
 * measured comparison.
 *
 * Ownership follows jax-js: every function consumes its array arguments (pass `x.ref` to keep x).
 *
 * Rule used throughout: no branch of a `where` may produce Inf or NaN for a finite input, even
 * when it is not selected, because reverse mode multiplies the zero cotangent of the unused
 * branch by that branch's partials (0 * Inf = NaN). Inputs are clamped into each branch's domain
 * first (the "double where" pattern).
 */
import { lax, numpy as np } from '@jax-js/jax';

export type JaxArray = np.Array;

/**
 * x with -Infinity replaced by 0 (NaN stays NaN). For a self-gated x * g(x) whose gate g(-Inf) = 0,
 * the product is then 0 (the limit) instead of -Inf * 0 = NaN, on every device (the most negative
 * finite float instead of 0 gave -2.3e-7 on the cpu device, which keeps float64 intermediates); the
 * derivative there is g + 0 g' = 0 as before. Consumes x.
 */
export function finiteBelow(x: JaxArray): JaxArray {
  return np.where(x.ref.equal(Number.NEGATIVE_INFINITY), 0, x);
}

/**
 * y, except where x is NaN: there NaN for the value and for the gradient. For piecewise-linear
 * activations written with `where(x <= 0, ...)`, whose gradient at NaN would otherwise be the slope
 * of the branch NaN falls into. At NaN y is q * q with q = x (derivative 2q = NaN); elsewhere q = 0,
 * so that unselected branch contributes 0 to the gradient, also at +-Infinity. Consumes x and y.
 */
export function withNaNGradient(x: JaxArray, y: JaxArray): JaxArray {
  const notANumber = x.ref.notEqual(x.ref);
  const q = np.where(notANumber.ref, x, 0);
  return np.where(notANumber, q.ref.mul(q), y);
}

/**
 * g(x) with the limits at +-Infinity set by hand, for a g that behaves like x as x -> +Infinity
 * (value +Infinity, slope 1) and tends to `belowValue` with slope `belowSlope` (0 or 1: 0 gives the
 * constant, 1 gives x itself) as x -> -Infinity. g only ever sees finite inputs (0 at the
 * infinities), so no unselected branch produces the NaN partials that reverse mode would multiply
 * by a zero cotangent. NaN stays NaN. Consumes x.
 */
export function withInfiniteLimits(
  x: JaxArray,
  g: (finite: JaxArray) => JaxArray,
  below: 'zero' | 'identity',
): JaxArray {
  const infinite = np.isinf(x.ref);
  const inner = g(np.where(infinite.ref, 0, x.ref));
  const outer = below === 'identity' ? x : np.where(x.ref.less(0), 0, x);
  return np.where(infinite, outer, inner);
}

/** c[0] + z (c[1] + z (c[2] + ...)), Horner. Consumes z. */
export function polynomial(z: JaxArray, c: readonly number[]): JaxArray {
  let acc = z.ref.mul(c[c.length - 1]).add(c[c.length - 2]);
  for (let i = c.length - 3; i >= 0; i--) acc = acc.mul(z.ref).add(c[i]);
  z.dispose();
  return acc;
}

/** 1/k! for k = 0..n. */
function inverseFactorials(n: number): number[] {
  const out = [1];
  for (let k = 1; k <= n; k++) out.push(out[k - 1] / k);
  return out;
}

/** Taylor coefficients of e^r on |r| <= ln2/2: the degree-8 remainder is 0.347^9/9! < 2.1e-10. */
const EXP_TAYLOR = inverseFactorials(8);
/** ln 2 split so that k * LN2_HI is exact for |k| < 2^15 (Cody-Waite reduction). */
const LN2_HI = 0.693359375;
const LN2_LO = Math.LN2 - LN2_HI;
/** Below e^-104 every float32 result is 0 (smallest subnormal 1.4e-45 = e^-103.3). */
const EXP_MIN_ARGUMENT = -104;
/**
 * Every caller passes x <= 88 (gates clamp their exponents, the rest pass -|x|): keeping k <= 127
 * means no factor 2^k ever overflows, in the forward or the reverse pass.
 */
const EXP_MAX_ARGUMENT = 88;

/** 1.5 * 2^23: adding it to a small integer-valued float puts the integer in the low significand bits. */
const ROUNDING_MAGIC = 12582912;

/**
 * 2^k for an integer-valued float32 array k in [-126, 127], built from the exponent bits. Consumes k.
 *
 * The bit pattern of 2^k is (k + 127) << 23. It is made without a float-to-int conversion (which
 * makes jax-js's generated wasm loop scalar): k + 127 + 1.5 * 2^23 is exact and its float32 bits are
 * 0x4B400000 + (k + 127); shifting left by 23 drops the 0x4B4 prefix out of the 32 bits.
 */
function powerOfTwo(k: JaxArray): JaxArray {
  const k32 = k.dtype === np.float32 ? k : k.astype(np.float32); // small integers: exact
  const bits = lax.bitcastConvertType(k32.add(127 + ROUNDING_MAGIC), np.int32);
  // jax-js shifts take integer operands on both sides.
  return lax.bitcastConvertType(np.leftShift(bits, np.array(23, { dtype: np.int32 })), np.float32);
}

/**
 * e^x to about 1 float32 ulp for x in [-104, 88] (subnormal results included; arguments beyond
 * are clamped, so this is not a general exp: callers here never pass x > 88). Consumes x.
 *
 * x = k ln2 + r with k = round(x / ln2), |r| <= ln2/2; e^r by its Taylor polynomial (degree 8,
 * so the autodiff derivative p'(r) is accurate to 6e-9 and p'' to 1.3e-7); the scale 2^k is
 * applied as two powers of two so that subnormal results round once.
 */
export function exp(x: JaxArray): JaxArray {
  const clamped = np.clip(x.ref, EXP_MIN_ARGUMENT, EXP_MAX_ARGUMENT);
  const k = np.floor(clamped.ref.mul(Math.LOG2E).add(0.5));
  const r = clamped.sub(k.ref.mul(LN2_HI)).sub(k.ref.mul(LN2_LO));
  const p = polynomial(r, EXP_TAYLOR);
  const kHalf = np.floor(k.ref.mul(0.5));
  const kRest = k.sub(kHalf.ref);
  // Exactly 0 below the clamp: the cpu device keeps float64 intermediates, where e^-104 (6.8e-46,
  // 0 in float32) times a factor of 2 would still round to the smallest subnormal.
  return np.where(x.less(EXP_MIN_ARGUMENT), 0, p.mul(powerOfTwo(kHalf)).mul(powerOfTwo(kRest)));
}

/** Taylor coefficients of e^r to degree 7: remainder 0.347^8/8! < 5.3e-9 (0.09 float32 ulp). */
const EXP_TAYLOR_FIRST_ORDER = inverseFactorials(7);
/** ln(2^-126): below it e^x is subnormal in float32. */
const EXP_NORMAL_MIN = -87.33654475055310898657;

/**
 * e^x to about 1 float32 ulp for x <= 88, for the first-order forms, which never differentiate through
 * it: a degree-7 polynomial and one power of two; results below 2^-126 (subnormal) are flushed to 0, as
 * in most SIMD math (the exact form's `exp` keeps them). Consumes x.
 *
 * Its power of two is a bit-cast, which jax-js 0.1.25's wasm backend does not vectorise: the fused
 * kernel around an exponential runs scalar. That backend emits SIMD code (f32x4) only for kernels made
 * of add, sub, mul, min, max, floor, ceil, sqrt, compare and where (`npx tsx bench/wasm-simd.ts`: a
 * degree-32 polynomial about 3x slower with one bit-cast in the kernel); a power of two from compares
 * and selects alone (eight steps) costs more than the scalar bit-cast. So the first-order forms keep each exponential
 * in a small kernel of its own (jax-js materialises a value that two outputs need), and GELU builds the
 * rest of its normal CDF from vectorisable operations (reciprocalBounded instead of a division, a
 * polynomial instead of a second exponential). A division in a small kernel of its own costs less than
 * the Newton steps, so the sigmoid-based forms keep theirs.
 */
export function expFlushed(x: JaxArray): JaxArray {
  const clamped = np.clip(x.ref, EXP_NORMAL_MIN, EXP_MAX_ARGUMENT);
  const k = np.floor(clamped.ref.mul(Math.LOG2E).add(0.5));
  const r = clamped.sub(k.ref.mul(LN2_HI)).sub(k.ref.mul(LN2_LO));
  const value = polynomial(r, EXP_TAYLOR_FIRST_ORDER).mul(powerOfTwo(np.maximum(k, -126)));
  return np.where(x.less(EXP_NORMAL_MIN), 0, value);
}

/**
 * 1/a for a in [1, limit] (limit <= 16), without a division, for the first-order forms: jax-js's wasm
 * backend does not vectorise division (see expFlushed). a is scaled into [1, 2) by exact
 * powers of two chosen by comparison, then Newton's iteration y <- y + y (1 - d y) runs from the
 * linear start 24/17 - 8/17 d (relative error <= 1/17, squared by each step: 1/17^8 < 1.4e-10 after
 * three, below float32 rounding). About 1 ulp (a division rounds to 0.5). NaN stays NaN. Consumes a.
 */
export function reciprocalBounded(a: JaxArray, limit: number): JaxArray {
  if (!(limit >= 1 && limit <= 16)) throw new RangeError(`reciprocalBounded: limit ${limit} not in [1, 16]`);
  let d = a;
  let scale: JaxArray | number = 1;
  for (const step of [8, 4, 2].filter((s) => s < limit)) {
    const large = d.ref.greaterEqual(step);
    const factor = np.where(large, 1 / step, 1);
    scale = typeof scale === 'number' ? factor.ref : scale.mul(factor.ref);
    d = d.mul(factor);
  }
  let y = d.ref.mul(-8 / 17).add(24 / 17);
  for (let i = 0; i < 3; i++) {
    const residual = d.ref.mul(y.ref).neg().add(1);
    y = y.ref.add(y.mul(residual));
  }
  d.dispose();
  return typeof scale === 'number' ? y : y.mul(scale);
}

/** expm1(x)/x = sum x^k/(k+1)! for |x| < 0.7: the degree-10 remainder is 0.7^11/12! < 5e-12. */
const EXPM1_TAYLOR = inverseFactorials(12).slice(1);
const EXPM1_SERIES_LIMIT = 0.7;

/**
 * e^x - 1 without cancellation near 0: a Taylor series for |x| < 0.7, e^x - 1 beyond (where the
 * subtraction loses at most one bit). Consumes x.
 */
export function expm1(x: JaxArray): JaxArray {
  const near = np.abs(x.ref).less(EXPM1_SERIES_LIMIT);
  const xNear = np.where(near.ref, x.ref, 0);
  const series = polynomial(xNear.ref, EXPM1_TAYLOR).mul(xNear);
  return np.where(near, series, exp(x).sub(1));
}

/** log1p(u) = 2 atanh(s), s = u/(2+u) <= 1/3: coefficients 2/(2k+1); remainder < 1e-9 at u = 1. */
const LOG1P_ATANH = [2, 2 / 3, 2 / 5, 2 / 7, 2 / 9, 2 / 11, 2 / 13, 2 / 15];

/**
 * log(1 + u) for u in [0, 1] (all that softplus needs: u = e^-|z|), a few ulp, relative accuracy
 * kept for tiny u. Consumes u.
 */
export function log1pUnit(u: JaxArray): JaxArray {
  return log1pOfRatio(u.ref.div(u.add(2)));
}

/** log(1 + u) = 2 atanh(s) from s = u / (2 + u), u in [0, 1] (for a caller that has 1/(2 + u)). Consumes s. */
export function log1pOfRatio(s: JaxArray): JaxArray {
  return polynomial(s.ref.mul(s.ref), LOG1P_ATANH).mul(s);
}

/**
 * -|x| and the sign test it was derived from. Both pieces must come from the same comparison so
 * that the derivative at x = 0 is the limit from one consistent side.
 */
function negativeMagnitude(x: JaxArray): { negative: JaxArray; minusAbs: JaxArray } {
  const negative = x.ref.less(0);
  const minusAbs = np.where(negative.ref, x.ref, x.neg());
  return { negative, minusAbs };
}

/** sigmoid(x) = 1/(1+e^-x), branched on sign so exp never overflows. Consumes x. */
export function sigmoid(x: JaxArray): JaxArray {
  const { negative, minusAbs } = negativeMagnitude(x);
  const e = exp(minusAbs);
  const inverse = np.reciprocal(e.ref.add(1));
  return np.where(negative, e.mul(inverse.ref), inverse);
}

/**
 * sigmoid(z) and sigmoid'(z) = sigmoid(z) sigmoid(-z) = e / (1 + e)^2 with e = e^-|z|: one exp, and the
 * derivative keeps its relative accuracy in both tails (no 1 - sigmoid cancellation). For the
 * first-order forms (expFlushed: subnormal results are 0). Consumes z.
 */
export function sigmoidWithDerivative(z: JaxArray): { value: JaxArray; derivative: JaxArray } {
  const { negative, minusAbs } = negativeMagnitude(z);
  const e = expFlushed(minusAbs);
  const inverse = np.reciprocal(e.ref.add(1));
  const value = np.where(negative, e.ref.mul(inverse.ref), inverse.ref);
  return { value, derivative: e.mul(inverse.ref).mul(inverse) };
}

/**
 * tanh(x) and tanh'(x) = 1 - tanh^2 = 4 e / (2 + m)^2, where e = e^-2|x| and m = expm1(-2|x|) = e - 1
 * (series near 0): relative accuracy in the tails, where 1 - tanh^2 would cancel. For the first-order
 * forms (expFlushed). Consumes x.
 */
export function tanhWithDerivative(x: JaxArray): { value: JaxArray; derivative: JaxArray } {
  const { negative, minusAbs } = negativeMagnitude(x);
  const z = minusAbs.mul(2);
  const e = expFlushed(z.ref);
  const m = expm1Given(z, e.ref);
  const denominator = m.ref.add(2);
  const magnitude = m.neg().div(denominator.ref);
  const value = np.where(negative, magnitude.ref.neg(), magnitude);
  return { value, derivative: e.mul(4).div(denominator.ref.mul(denominator)) };
}

/**
 * expm1(x) when e^x is already known (e): the series for |x| < 0.7, e - 1 beyond. Consumes both.
 */
export function expm1Given(x: JaxArray, e: JaxArray): JaxArray {
  const near = np.abs(x.ref).less(EXPM1_SERIES_LIMIT);
  const xNear = np.where(near.ref, x, 0);
  const series = polynomial(xNear.ref, EXPM1_TAYLOR).mul(xNear);
  return np.where(near, series, e.sub(1));
}

/** tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)) with the sign restored: relative accuracy near 0. Consumes x. */
export function tanh(x: JaxArray): JaxArray {
  const { negative, minusAbs } = negativeMagnitude(x);
  const m = expm1(minusAbs.mul(2));
  const magnitude = m.ref.neg().div(m.add(2));
  return np.where(negative, magnitude.ref.neg(), magnitude);
}

/** softplus(z) = max(z, 0) + log1p(e^-|z|): no overflow, no loss for large negative z. Consumes z. */
export function softplus(z: JaxArray): JaxArray {
  const { negative, minusAbs } = negativeMagnitude(z.ref);
  const positivePart = np.where(negative, 0, z);
  return positivePart.add(log1pUnit(exp(minusAbs)));
}

/** x^m for a whole number m >= 1 by repeated squaring (exact up to rounding; no exp/log). Consumes x. */
export function integerPower(x: JaxArray, m: number): JaxArray {
  let result: JaxArray | undefined;
  let base = x;
  let e = m;
  while (true) {
    if (e & 1) result = result === undefined ? base.ref : result.mul(base.ref);
    e >>>= 1;
    if (e === 0) break;
    base = base.ref.mul(base);
  }
  base.dispose();
  return result as JaxArray;
}

// --- Normal CDF -----------------------------------------------------------------------------
// Piecewise rational approximations of erf/erfc and their coefficients as published with Sun's
// fdlibm (s_erf.c), the same ones src/math/erf.ts uses in float64; evaluated here in float32 they
// are accurate to rounding, and so are their autodiff derivatives (checked: < 1e-8 relative).

const ERX = 8.45062911510467529297e-1;
const PP = [
  1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2,
  -5.77027029648944159157e-3, -2.37630166566501626084e-5,
];
const QQ = [
  1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3,
  1.32494738004321644526e-4, -3.9602282787753681232e-6,
];
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
  3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.166375594868790843e-3,
];
const QA = [
  1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2,
  1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.1984499846799107417e-2,
];
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
  -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1,
  -9.81432934416914548592,
];
const SA = [
  1, 1.96512716674392571292e1, 1.376577541435190426e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
  4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
];
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
  -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
  2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1,
];

/** Beyond |x| = 17 (a = 12), Phi(x) is exactly 0 or 1 in float32; clamping there is lossless. */
const NORMAL_CDF_CLAMP = 17;

/**
 * x = hi + lo with hi carrying the top 12 significand bits, so hi*hi is exact in float32
 * (Veltkamp splitting; needs |x| < 3.4e38/4097, callers clamp). Consumes x.
 */
function split(x: JaxArray): { hi: JaxArray; lo: JaxArray } {
  const c = x.ref.mul(4097);
  const hi = c.ref.sub(c.sub(x.ref));
  return { hi: hi.ref, lo: x.sub(hi) };
}

/** 1/sqrt(2 pi). */
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * phi(x) = e^(-x^2/2) / sqrt(2 pi), the standard normal density, with -x^2/2 formed from an exact
 * split of x so the large exponent carries no rounding error. Consumes x.
 */
export function normalPdf(x: JaxArray): JaxArray {
  const { hi, lo } = split(np.clip(x, -NORMAL_CDF_CLAMP, NORMAL_CDF_CLAMP));
  const bigExponent = hi.ref.mul(hi.ref).mul(-0.5);
  const smallExponent = hi.mul(lo.ref).add(lo.ref.mul(lo).mul(0.5)).neg();
  return exp(bigExponent).mul(exp(smallExponent)).mul(INV_SQRT_2PI);
}

/**
 * Phi(x) = erfc(-x/sqrt2)/2, the standard normal CDF, accurate to a few float32 ulp in both tails
 * (relative accuracy for x -> -Inf, where GELU needs it). Consumes x.
 *
 * With a = |x|/sqrt2: |x| < 0.84375 sqrt2 uses erf(a) = a + a P/Q(a^2); up to 1.25 sqrt2 erf(a) = erx
 * + P/Q(a - 1); beyond, erfc(a) = exp(-a^2 - 0.5625 + R/S(1/a^2)) / a, where e^-a^2 = e^-x^2/2 is
 * formed from an exact split of x (hi^2 exact), so the large exponent carries no rounding error.
 */
export function normalCdf(x: JaxArray): JaxArray {
  const xc = np.clip(x, -NORMAL_CDF_CLAMP, NORMAL_CDF_CLAMP);
  const negative = xc.ref.less(0);
  const a = np.abs(xc.ref).mul(Math.SQRT1_2);

  // Near zero: Phi = 1/2 + erf(x/sqrt2)/2, signed, |x|/sqrt2 < 0.84375.
  const inner = a.ref.less(0.84375);
  const y = np.where(inner.ref, xc.ref.mul(Math.SQRT1_2), 0);
  const z = y.ref.mul(y.ref);
  const erfNear = y.ref.add(y.mul(polynomial(z.ref, PP).div(polynomial(z, QQ))));
  const phiInner = erfNear.mul(0.5).add(0.5);

  // Around 1: erf(a) = erx + P/Q(a - 1), a in [0.84375, 1.25).
  const middle = a.ref.less(1.25);
  const s = np.where(middle.ref, a.ref, 1).sub(1);
  const ratio = polynomial(s.ref, PA).div(polynomial(s, QA));
  // 1 - erf(a) = (1 - erx) - ratio has no cancellation (fdlibm's erfc form).
  const halfErfcMiddle = ratio.ref
    .neg()
    .add(1 - ERX)
    .mul(0.5);
  const halfErfMiddle = ratio.add(ERX).mul(0.5);
  const phiMiddle = np.where(negative.ref, halfErfcMiddle, halfErfMiddle.add(0.5));

  // Tails: a >= 1.25.
  const aTail = np.maximum(a, 1.25);
  const xTail = np.where(middle.ref, 1.25 * Math.SQRT2, np.abs(xc));
  const w = np.reciprocal(aTail.ref.mul(aTail.ref));
  const nearTail = aTail.ref.less(1 / 0.35);
  const wA = np.where(nearTail.ref, w.ref, 0.1225);
  const wB = np.where(nearTail.ref, 0.1225, w);
  const rsA = polynomial(wA.ref, RA).div(polynomial(wA, SA));
  const rsB = polynomial(wB.ref, RB).div(polynomial(wB, SB));
  const rs = np.where(nearTail, rsA, rsB);
  const { hi, lo } = split(xTail);
  // -x^2/2 = -hi^2/2 - (hi lo + lo^2/2); the first part is exact.
  const bigExponent = hi.ref.mul(hi.ref).mul(-0.5);
  const smallExponent = hi.mul(lo.ref).add(lo.ref.mul(lo).mul(0.5)).neg();
  const erfcTail = exp(bigExponent)
    .mul(exp(smallExponent.sub(0.5625).add(rs)))
    .div(aTail);
  const halfErfcTail = erfcTail.mul(0.5);
  const phiTail = np.where(negative, halfErfcTail.ref, halfErfcTail.neg().add(1));

  return np.where(inner, phiInner, np.where(middle, phiMiddle, phiTail));
}

/**
 * Chebyshev fit of erfc (Press et al., Numerical Recipes, 2nd ed., section 6.2, `erfcc`):
 * erfc(z) = t exp(-z^2 + P(t)), t = 1/(1 + z/2), fractional error < 1.2e-7 for every z >= 0.
 */
const ERFC_CHEBYSHEV = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Centre of the range [-1.2656, 0.0001] of the Chebyshev fit P(t) below, for t in [0.14, 1]. */
const ERFC_EXPONENT_CENTRE = -0.63;
/**
 * e^y for y within 0.65 of ERFC_EXPONENT_CENTRE, by its Taylor polynomial around that centre: the
 * degree-9 remainder is 0.65^10 / 10! < 3.7e-9 (0.06 float32 ulp). No range reduction, no power of
 * two: vectorisable (see expFlushed). Consumes y.
 */
function expNearErfcCentre(y: JaxArray): JaxArray {
  const coefficients = inverseFactorials(9).map((c) => c * Math.exp(ERFC_EXPONENT_CENTRE));
  return polynomial(y.sub(ERFC_EXPONENT_CENTRE), coefficients);
}

/**
 * Phi(x) and phi(x) together, for GELU's first-order form: both take e^(-x^2/2), formed once from an
 * exact split of x (hi^2 exact; e^small by a short series, |small| < 0.08), and Phi's tail is
 * erfc(|x|/sqrt2)/2 with the fit above, erfc(z) = t e^(-z^2) e^(P(t)): relative accuracy in the left
 * tail. One exponential with a power of two (in a kernel of its own, since Phi and phi both need it);
 * e^(P(t)) is a polynomial (P(t) lies in [-1.27, 0] for the t in [1/8, 1] that occur) and 1/(1 + z/2)
 * a division-free reciprocal, so Phi's kernel is vectorised. Subnormal results flush to 0. Consumes x.
 */
export function normalCdfAndPdf(x: JaxArray): { cdf: JaxArray; pdf: JaxArray } {
  const xc = np.clip(x, -NORMAL_CDF_CLAMP, NORMAL_CDF_CLAMP);
  const negative = xc.ref.less(0);
  const z = np.abs(xc.ref).mul(Math.SQRT1_2);
  const { hi, lo } = split(xc);
  const bigExponent = hi.ref.mul(hi.ref).mul(-0.5);
  const small = hi.mul(lo.ref).add(lo.ref.mul(lo).mul(0.5)).neg();
  // e^small to 1.4e-8 relative: degree 4, |small| <= 17^2 2^-12 < 0.08.
  const gaussian = expFlushed(bigExponent).mul(polynomial(small, EXP_TAYLOR.slice(0, 5)));
  // 1 + z/2 <= 1 + 17/(2 sqrt 2) < 8.
  const t = reciprocalBounded(z.mul(0.5).add(1), 8);
  const halfErfc = gaussian.ref
    .mul(t.ref)
    .mul(expNearErfcCentre(polynomial(t, ERFC_CHEBYSHEV)))
    .mul(0.5);
  const cdf = np.where(negative, halfErfc.ref, halfErfc.neg().add(1));
  return { cdf, pdf: gaussian.mul(INV_SQRT_2PI) };
}

/** x sigmoid(z) with z = beta x, and its derivative sigmoid(z) + z sigmoid'(z). Consumes x. */
export function selfGatedWithDerivative(
  x: JaxArray,
  beta: number,
): { value: JaxArray; derivative: JaxArray } {
  const z = beta === 1 ? x.ref : x.ref.mul(beta);
  const gate = sigmoidWithDerivative(z.ref);
  const value = x.mul(gate.value.ref);
  return { value, derivative: z.mul(gate.derivative).add(gate.value) };
}
