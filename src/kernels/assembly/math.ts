// Vector math over one v128 of lanes of type T (AssemblyScript generics): T = f32 is four float32
// lanes (f32x4), T = f64 two float64 lanes (f64x2). Every kernel is written once over T and
// instantiated for both widths; `isNarrow<T>()` is a compile-time constant, so where the widths need
// different constants or algorithms only the branch for T is compiled.
//
// Every helper is @inline so each kernel becomes one straight-line loop body. No constant arrays and
// no Mathf.*: the module must have no data segments so it can run on any caller-owned
// WebAssembly.Memory. NaN propagates through every helper.
//
// Accuracy notes are per helper; `npm run accuracy -- --path fast` measures the kernels.

/** True for float32 lanes (f32x4), false for float64 lanes (f64x2); a compile-time constant. */
@inline export function isNarrow<T>(): bool {
  return sizeof<T>() == 4;
}

/** v in every lane (rounded to float32 for f32 lanes). */
@inline export function splat<T>(v: f64): v128 {
  if (isNarrow<T>()) return f32x4.splat(<f32>v);
  return f64x2.splat(v);
}

/** One constant per width, in every lane: `narrow` for f32 lanes, `wide` for f64 lanes. */
@inline export function perWidth<T>(narrow: f64, wide: f64): v128 {
  return isNarrow<T>() ? splat<T>(narrow) : splat<T>(wide);
}

/** The largest finite value of the lane type. */
@inline export function maxFinite<T>(): f64 {
  return isNarrow<T>() ? 3.4028234663852886e38 : 1.7976931348623157e308;
}

/** x with -Inf raised to the lowest finite value: x * gate then gives -0, not NaN, where the gate is 0. */
@inline export function finiteBelow<T>(x: v128): v128 {
  return v128.pmax<T>(x, splat<T>(-maxFinite<T>()));
}

/** x clamped to the finite range (keeps x * (a gate's derivative) from being Inf * 0 at +-Inf). */
@inline export function clampFinite<T>(x: v128): v128 {
  return v128.pmin<T>(v128.pmax<T>(x, splat<T>(-maxFinite<T>())), splat<T>(maxFinite<T>()));
}

/** Lanes where x is NaN become all-ones (a quiet NaN); used to make selects propagate NaN. */
@inline export function nanMask<T>(x: v128): v128 {
  return v128.ne<T>(x, x);
}

/** |x| by clearing the sign bit. */
@inline export function magnitude<T>(x: v128): v128 {
  if (isNarrow<T>()) return v128.and(x, i32x4.splat(0x7fffffff));
  return v128.and(x, i64x2.splat(0x7fffffffffffffff));
}

/** The sign bit of x (the other bits 0). */
@inline export function signBit<T>(x: v128): v128 {
  if (isNarrow<T>()) return v128.and(x, i32x4.splat(0x80000000));
  return v128.and(x, i64x2.splat(0x8000000000000000));
}

/** mask ? a : b per lane. */
@inline export function where(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

/** 0/1 indicator of a comparison mask, with NaN lanes of x turned into NaN. */
@inline export function indicator<T>(mask: v128, x: v128): v128 {
  return v128.or(v128.and(mask, splat<T>(1.0)), nanMask<T>(x));
}

/** One Horner step: p z + c. */
@inline export function mad<T>(p: v128, z: v128, c: f64): v128 {
  return v128.add<T>(v128.mul<T>(p, z), splat<T>(c));
}

/** Four Horner steps: ((((p z + c0) z + c1) z + c2) z + c3). */
@inline export function mad4<T>(p: v128, z: v128, c0: f64, c1: f64, c2: f64, c3: f64): v128 {
  return mad<T>(mad<T>(mad<T>(mad<T>(p, z, c0), z, c1), z, c2), z, c3);
}

// ---- exp, expm1 ----
//
// x = k ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 = LN2_HI + LN2_LO, LN2_HI with few enough significant
// bits that k * LN2_HI is exact: float32's has 9 bits (|k| < 2^15), fdlibm's float64 one has its low 32
// bits zero (|k| < 2^20)). k comes from one add of ROUND_MAGIC = 1.5 * 2^(mantissa bits): that rounds
// |x log2 e| < 2^22 (2^51) to an integer (ties to even) held in the low mantissa bits, so the same sum
// gives k (as shifted - ROUND_MAGIC) and 2^k (from shifted's bits).
@inline const LN2_HI_32: f64 = 0.693359375;
@inline const LN2_LO_32: f64 = -2.12194440e-4;
@inline const LN2_HI_64: f64 = 6.93147180369123816490e-1;
@inline const LN2_LO_64: f64 = 1.90821492927058770002e-10;
@inline const LOG2E_32: f64 = 1.44269504088896341;
@inline const LOG2E_64: f64 = 1.4426950408889634074;
@inline const ROUND_MAGIC_32: f64 = 12582912.0; // 1.5 * 2^23
@inline const ROUND_MAGIC_64: f64 = 6755399441055744.0; // 1.5 * 2^52
@inline const ROUND_MAGIC_BITS_32: i32 = 0x4b400000;
@inline const ROUND_MAGIC_BITS_64: i64 = 0x4338000000000000;
// ln of the smallest normal (2^-126, 2^-1022): below it e^x is subnormal.
@inline const EXP_MIN_NORMAL_ARG_32: f64 = -87.33654;
@inline const EXP_MIN_NORMAL_ARG_64: f64 = -708.39;

/**
 * e^r - 1 for |r| <= ln2/2, as r + r^2 P(r). float32: Cephes expf's minimax P; float64: the Taylor
 * series to r^13 (truncation < 2^-58 relative).
 */
@inline export function expm1Reduced<T>(r: v128): v128 {
  let p: v128;
  if (isNarrow<T>()) {
    p = mad4<T>(splat<T>(1.9875691500e-4), r, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1);
    p = mad<T>(p, r, 5.0000001201e-1);
  } else {
    // 1/13!, then 1/12! ... 1/2!.
    p = mad4<T>(splat<T>(1.6059043836821614599e-10), r, 2.0876756987868098979e-9, 2.5052108385441718775e-8, 2.7557319223985890653e-7, 2.7557319223985890653e-6);
    p = mad4<T>(p, r, 2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3, 8.3333333333333333333e-3);
    p = mad<T>(mad<T>(mad<T>(p, r, 4.1666666666666666667e-2), r, 1.6666666666666666667e-1), r, 0.5);
  }
  return v128.add<T>(v128.mul<T>(v128.mul<T>(r, r), p), r);
}

/** shifted = v + ROUND_MAGIC (v = x log2 e) -> (k, r): kf = k as a float in every lane, r = x - k ln2. */
@inline function reduceKf<T>(shifted: v128): v128 {
  return v128.sub<T>(shifted, perWidth<T>(ROUND_MAGIC_32, ROUND_MAGIC_64));
}
@inline function reduceR<T>(xc: v128, kf: v128): v128 {
  const lnHi = perWidth<T>(LN2_HI_32, LN2_HI_64);
  const lnLo = perWidth<T>(LN2_LO_32, LN2_LO_64);
  return v128.sub<T>(v128.sub<T>(xc, v128.mul<T>(kf, lnHi)), v128.mul<T>(kf, lnLo));
}
@inline function shiftedLog2<T>(xc: v128): v128 {
  return v128.add<T>(v128.mul<T>(xc, perWidth<T>(LOG2E_32, LOG2E_64)), perWidth<T>(ROUND_MAGIC_32, ROUND_MAGIC_64));
}

/** 2^k from shifted = k + ROUND_MAGIC: (k + bias) << mantissa bits (k = bias + 1 gives +Inf). */
@inline function powerOfTwo<T>(shifted: v128): v128 {
  if (isNarrow<T>()) return i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - ROUND_MAGIC_BITS_32)), 23);
  return i64x2.shl(i64x2.add(shifted, i64x2.splat(1023 - ROUND_MAGIC_BITS_64)), 52);
}

/**
 * e^x, about 1 ulp, NaN kept. Results that would be subnormal (x below ln of the smallest normal) are
 * flushed to +0: subnormal arithmetic costs ~100 cycles per lane on x86 and the absolute error is far
 * inside every kernel tolerance. Overflows to +Inf from x = 88.38 in float32 (true overflow 88.72) and
 * 709.44 in float64 (true 709.78): every caller either has x <= 0 or caps the result far below that.
 */
@inline export function exp<T>(x: v128): v128 {
  const minArg = perWidth<T>(EXP_MIN_NORMAL_ARG_32, EXP_MIN_NORMAL_ARG_64);
  // pmin/pmax keep a NaN first operand (they compile to one minps/maxps).
  const xc = v128.pmax<T>(v128.pmin<T>(x, perWidth<T>(88.7, 709.8)), minArg);
  const shifted = shiftedLog2<T>(xc);
  const kf = reduceKf<T>(shifted);
  const r = reduceR<T>(xc, kf);
  const er = v128.add<T>(expm1Reduced<T>(r), splat<T>(1.0));
  return v128.andnot(v128.mul<T>(er, powerOfTwo<T>(shifted)), v128.lt<T>(x, minArg));
}

/**
 * e^x - 1 with small relative error near 0 (2^k q + (2^k - 1), q = e^r - 1), for x <= 88 (float32) or
 * 709 (float64). Inputs below -30 (float32) or -40 (float64) give -1, exactly the rounded result; 2^k
 * over the clamped range is a normal number.
 */
@inline export function expm1<T>(x: v128): v128 {
  const xc = v128.pmax<T>(v128.pmin<T>(x, perWidth<T>(88.0, 709.0)), perWidth<T>(-30.0, -40.0));
  const shifted = shiftedLog2<T>(xc);
  const kf = reduceKf<T>(shifted);
  const r = reduceR<T>(xc, kf);
  const q = expm1Reduced<T>(r);
  const s = powerOfTwo<T>(shifted);
  return v128.add<T>(v128.mul<T>(s, q), v128.sub<T>(s, splat<T>(1.0)));
}

// ---- log1p on [0, 1] ----

/**
 * float32: s = t / (2 + t), log1p(t) = 2 atanh(s) = 2s + 2s^3/3 + ...; s <= 1/3 so the series (to
 * s^15) is below 2^-26.
 */
@inline function log1pUnit32(t: v128): v128 {
  const s = f32x4.div(t, f32x4.add(t, f32x4.splat(2.0)));
  const z = f32x4.mul(s, s);
  let p = mad4<f32>(f32x4.splat(<f32>(2.0 / 15.0)), z, 2.0 / 13.0, 2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0);
  p = mad<f32>(mad<f32>(p, z, 2.0 / 5.0), z, 2.0 / 3.0);
  const twoS = f32x4.add(s, s);
  return f32x4.add(twoS, f32x4.mul(f32x4.mul(s, z), p));
}

/**
 * float64: u = 1 + t rounded, correction c = (t - (u - 1)) / u, u = 2^k m with m in [sqrt(1/2),
 * sqrt(2)), log m by fdlibm's s = f/(2+f) minimax series (Lg1..Lg7).
 */
@inline function log1pUnit64(t: v128): v128 {
  const one = f64x2.splat(1.0);
  const u = f64x2.add(one, t);
  const c = f64x2.div(f64x2.sub(t, f64x2.sub(u, one)), u);
  const big = f64x2.gt(u, f64x2.splat(1.4142135623730951));
  const m = where(big, f64x2.mul(u, f64x2.splat(0.5)), u);
  const kf = v128.and(big, one);
  const f = f64x2.sub(m, one);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  // fdlibm: R = w (Lg2 + w (Lg4 + w Lg6)) + z (Lg1 + w (Lg3 + w (Lg5 + w Lg7))), w = z^2.
  const t1 = f64x2.mul(mad<f64>(mad<f64>(f64x2.splat(1.531383769920937332e-1), w, 2.222219843214978396e-1), w, 3.999999999940941908e-1), w);
  let t2 = mad<f64>(mad<f64>(f64x2.splat(1.479819860511658591e-1), w, 1.818357216161805012e-1), w, 2.857142874366239149e-1);
  t2 = f64x2.mul(mad<f64>(t2, w, 6.666666666666735130e-1), z);
  const rr = f64x2.add(t1, t2);
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, rr)), f64x2.add(f64x2.mul(kf, f64x2.splat(LN2_LO_64)), c));
  return f64x2.sub(f64x2.mul(kf, f64x2.splat(LN2_HI_64)), f64x2.sub(f64x2.sub(hfsq, inner), f));
}

/** log(1 + t) for t in [0, 1] (the softplus range). */
@inline export function log1pUnit<T>(t: v128): v128 {
  return isNarrow<T>() ? log1pUnit32(t) : log1pUnit64(t);
}

// ---- Gaussian ----

/**
 * e^(-a^2/2) for a >= 0 with a^2 split exactly (a = hi + lo, hi with 12 (float32) or 26 (float64)
 * significant bits, so hi^2 is exact): relative accuracy ~1 ulp even where a^2/2 is large. float32
 * inputs above 20 give 0 (float64 callers cap a themselves).
 */
@inline export function gaussian<T>(a: v128): v128 {
  const ac = isNarrow<T>() ? f32x4.pmin(a, f32x4.splat(20.0)) : a;
  const hi = isNarrow<T>() ? v128.and(ac, i32x4.splat(0xfffff000)) : v128.and(ac, i64x2.splat(0xfffffffff8000000));
  const lo = v128.sub<T>(ac, hi);
  const main = exp<T>(v128.mul<T>(v128.mul<T>(hi, hi), splat<T>(-0.5)));
  // delta = (a^2 - hi^2)/2 = lo (a + hi) / 2 <= a^2 2^-12 (2^-26): e^-delta by its series to delta^4
  // (float32, delta < 0.05 where the result is not 0) or delta^5 (float64).
  const d = v128.mul<T>(v128.mul<T>(lo, v128.add<T>(ac, hi)), splat<T>(0.5));
  let p = isNarrow<T>() ? splat<T>(1.0 / 24.0) : mad<T>(splat<T>(-1.0 / 120.0), d, 1.0 / 24.0);
  p = mad<T>(mad<T>(mad<T>(p, d, -1.0 / 6.0), d, 0.5), d, -1.0);
  return v128.mul<T>(main, mad<T>(p, d, 1.0));
}

// ---- sigmoid from its parts ----

/** sigmoid(z) and sigmoid(-z) from t = e^-|z| and r = 1 / (1 + t), without cancellation. */
@inline export function sigmoidFromParts<T>(z: v128, t: v128, r: v128): v128 {
  return where(v128.ge<T>(z, splat<T>(0.0)), r, v128.mul<T>(t, r));
}
@inline export function sigmoidNegFromParts<T>(z: v128, t: v128, r: v128): v128 {
  return where(v128.ge<T>(z, splat<T>(0.0)), v128.mul<T>(t, r), r);
}

/** t = e^-|z|, the first part of sigmoid(z). */
@inline export function expNegAbs<T>(z: v128): v128 {
  return exp<T>(v128.neg<T>(magnitude<T>(z)));
}
/** r = 1 / (1 + t), the second part. */
@inline export function reciprocalOnePlus<T>(t: v128): v128 {
  return v128.div<T>(splat<T>(1.0), v128.add<T>(splat<T>(1.0), t));
}
