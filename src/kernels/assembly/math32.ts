// Vector math on f32x4 lanes (AssemblyScript). Every helper is @inline so each kernel
// becomes one straight-line loop body. No constant arrays and no Mathf.*: the module must
// have no data segments so it can run on any caller-owned WebAssembly.Memory.
//
// Accuracy notes are per helper; `npm run accuracy -- --path fast` measures the kernels.

@inline export function splat32(v: f64): v128 {
  return f32x4.splat(<f32>v);
}


/** Lanes where x is NaN become all-ones (a quiet NaN); used to make selects propagate NaN. */
@inline export function nanMask32(x: v128): v128 {
  return f32x4.ne(x, x);
}

/** |x| by clearing the sign bit. */
@inline export function abs32(x: v128): v128 {
  return v128.and(x, i32x4.splat(0x7fffffff));
}

/** The sign bit of x (0 or 0x80000000 per lane). */
@inline export function signBit32(x: v128): v128 {
  return v128.and(x, i32x4.splat(0x80000000));
}

/** mask ? a : b per lane. */
@inline export function select32(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

/** 0/1 indicator of a comparison mask, with NaN lanes of x turned into NaN. */
@inline export function indicator32(mask: v128, x: v128): v128 {
  return v128.or(v128.and(mask, f32x4.splat(1.0)), nanMask32(x));
}

// Cody-Waite split of ln 2: LN2_HI has 9 significant bits, so k * LN2_HI is exact for |k| < 2^15.
@inline const LN2_HI: f32 = 0.693359375;
@inline const LN2_LO: f32 = -2.12194440e-4;
@inline const LOG2E: f32 = 1.44269504088896341;

/**
 * e^r - 1 - r over |r| <= ln2/2, as r^2 * P(r) (Cephes expf minimax coefficients),
 * returned as e^r - 1 = r + r^2 P(r).
 */
@inline export function expm1Reduced32(r: v128): v128 {
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.mul(f32x4.mul(r, r), p), r);
}

// ln(2^-126): below it e^x is subnormal in float32.
@inline const EXP_MIN_NORMAL_ARG: f32 = -87.33654;
// 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer (ties to even) that then sits in the low
// mantissa bits, so one add gives both k = round(v) (as s - MAGIC) and 2^k (from s's bits).
@inline const ROUND_MAGIC: f32 = 12582912.0;
@inline const ROUND_MAGIC_BITS: i32 = 0x4b400000;

/**
 * e^x, about 1 ulp, NaN kept. Results that would be float32 subnormals (x < -87.33654) are flushed
 * to +0: subnormal arithmetic costs ~100 cycles per lane on x86 and the absolute error (< 2^-126)
 * is far inside every kernel tolerance. Overflows to +Inf from x = 88.38 (the true overflow is at
 * 88.72): every caller either has x <= 0 or caps the result far below that.
 */
@inline export function exp32(x: v128): v128 {
  // pmin/pmax keep a NaN first operand (they compile to one minps/maxps).
  const xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.7)), f32x4.splat(EXP_MIN_NORMAL_ARG));
  const shifted = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const kf = f32x4.sub(shifted, f32x4.splat(ROUND_MAGIC));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(kf, f32x4.splat(LN2_HI))), f32x4.mul(kf, f32x4.splat(LN2_LO)));
  const er = f32x4.add(expm1Reduced32(r), f32x4.splat(1.0));
  // 2^k = (k + 127) << 23, k = bits(shifted) - ROUND_MAGIC_BITS; k = 128 gives +Inf.
  const scale = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - ROUND_MAGIC_BITS)), 23);
  return v128.andnot(f32x4.mul(er, scale), f32x4.lt(x, f32x4.splat(EXP_MIN_NORMAL_ARG)));
}

/**
 * e^x - 1 with small relative error near 0 (2^k * q + (2^k - 1), q = e^r - 1), for x <= 88.
 * Inputs below -30 give -1 (exactly the float32 result).
 */
@inline export function expm1_32(x: v128): v128 {
  const xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-30.0));
  const shifted = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const kf = f32x4.sub(shifted, f32x4.splat(ROUND_MAGIC));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(kf, f32x4.splat(LN2_HI))), f32x4.mul(kf, f32x4.splat(LN2_LO)));
  const q = expm1Reduced32(r);
  // 2^k for k in [-44, 127] is a normal float.
  const s = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - ROUND_MAGIC_BITS)), 23);
  return f32x4.add(f32x4.mul(s, q), f32x4.sub(s, f32x4.splat(1.0)));
}

/**
 * log(1 + t) for t in [0, 1] (the softplus range), via s = t / (2 + t) and
 * log1p(t) = 2 atanh(s) = 2s + 2s^3/3 + ...; s <= 1/3 so the series (to s^15) is below 2^-26.
 */
@inline export function log1pUnit32(t: v128): v128 {
  const s = f32x4.div(t, f32x4.add(t, f32x4.splat(2.0)));
  const z = f32x4.mul(s, s);
  let p = f32x4.splat(<f32>(2.0 / 15.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(<f32>(2.0 / 13.0)));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(<f32>(2.0 / 11.0)));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(<f32>(2.0 / 9.0)));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(<f32>(2.0 / 7.0)));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(<f32>(2.0 / 5.0)));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(<f32>(2.0 / 3.0)));
  const twoS = f32x4.add(s, s);
  return f32x4.add(twoS, f32x4.mul(f32x4.mul(s, z), p));
}

/**
 * e^(-a^2/2) for a >= 0 with a^2 split exactly (a = hi + lo, hi with 12 significant bits, so
 * hi^2 is exact): relative accuracy ~1 ulp even where a^2/2 is large. Inputs above 20 give 0.
 */
@inline export function gaussian32(a: v128): v128 {
  const ac = f32x4.pmin(a, f32x4.splat(20.0));
  const hi = v128.and(ac, i32x4.splat(0xfffff000));
  const lo = f32x4.sub(ac, hi);
  const main = exp32(f32x4.mul(f32x4.mul(hi, hi), f32x4.splat(-0.5)));
  // delta = (a^2 - hi^2)/2 = lo (a + hi) / 2 <= a^2 2^-12 (< 0.05 where the result is not 0).
  const d = f32x4.mul(f32x4.mul(lo, f32x4.add(ac, hi)), f32x4.splat(0.5));
  let p = f32x4.splat(<f32>(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, d), f32x4.splat(<f32>(-1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(p, d), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, d), f32x4.splat(-1.0));
  const corr = f32x4.add(f32x4.mul(p, d), f32x4.splat(1.0));
  return f32x4.mul(main, corr);
}

/** sigmoid(z) and sigmoid(-z) from t = e^-|z| and r = 1 / (1 + t), without cancellation. */
@inline export function sigmoidFromParts32(z: v128, t: v128, r: v128): v128 {
  return select32(f32x4.ge(z, f32x4.splat(0.0)), r, f32x4.mul(t, r));
}
@inline export function sigmoidNegFromParts32(z: v128, t: v128, r: v128): v128 {
  return select32(f32x4.ge(z, f32x4.splat(0.0)), f32x4.mul(t, r), r);
}
