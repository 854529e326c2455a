// Vector math on f64x2 lanes (AssemblyScript), the float64 twins of math32.ts. Same rules:
// everything @inline, constants built inline (no data segments), NaN propagated.

@inline export function splat64(v: f64): v128 {
  return f64x2.splat(v);
}

@inline export function nanMask64(x: v128): v128 {
  return f64x2.ne(x, x);
}

@inline export function abs64(x: v128): v128 {
  return v128.and(x, i64x2.splat(0x7fffffffffffffff));
}

@inline export function signBit64(x: v128): v128 {
  return v128.and(x, i64x2.splat(0x8000000000000000));
}

@inline export function select64(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

/** 0/1 indicator of a comparison mask, NaN lanes of x turned into NaN. */
@inline export function indicator64(mask: v128, x: v128): v128 {
  return v128.or(v128.and(mask, f64x2.splat(1.0)), nanMask64(x));
}

// fdlibm's split of ln 2: LN2_HI has its low 32 bits zero, so k * LN2_HI is exact for |k| < 2^20.
@inline const LN2_HI: f64 = 6.93147180369123816490e-1;
@inline const LN2_LO: f64 = 1.90821492927058770002e-10;
@inline const LOG2E: f64 = 1.4426950408889634074;

/** e^r - 1 for |r| <= ln2/2: Taylor series to r^13 (truncation < 2^-58 relative). */
@inline export function expm1Reduced64(r: v128): v128 {
  let p = f64x2.splat(1.6059043836821614599e-10); // 1/13!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.0876756987868098979e-9)); // 1/12!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.5052108385441718775e-8)); // 1/11!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.7557319223985890653e-7)); // 1/10!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.7557319223985890653e-6)); // 1/9!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.4801587301587301587e-5)); // 1/8!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.9841269841269841270e-4)); // 1/7!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.3888888888888888889e-3)); // 1/6!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(8.3333333333333333333e-3)); // 1/5!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(4.1666666666666666667e-2)); // 1/4!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.6666666666666666667e-1)); // 1/3!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  return f64x2.add(f64x2.mul(f64x2.mul(r, r), p), r);
}

// ln(2^-1022): below it e^x is a float64 subnormal.
@inline const EXP_MIN_NORMAL_ARG: f64 = -708.39;
// 1.5 * 2^52: adding it rounds |v| < 2^51 to an integer held in the low mantissa bits (see exp32).
@inline const ROUND_MAGIC: f64 = 6755399441055744.0;
@inline const ROUND_MAGIC_BITS: i64 = 0x4338000000000000;

/**
 * e^x, about 1 ulp, NaN kept; results below 2^-1022 are flushed to +0 (as exp32 does, for speed;
 * far inside every tolerance). Overflows to +Inf from x = 709.44 (true overflow at 709.78).
 */
@inline export function exp64(x: v128): v128 {
  const xc = f64x2.pmax(f64x2.pmin(x, f64x2.splat(709.8)), f64x2.splat(EXP_MIN_NORMAL_ARG));
  const shifted = f64x2.add(f64x2.mul(xc, f64x2.splat(LOG2E)), f64x2.splat(ROUND_MAGIC));
  const kf = f64x2.sub(shifted, f64x2.splat(ROUND_MAGIC));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  const er = f64x2.add(expm1Reduced64(r), f64x2.splat(1.0));
  const scale = i64x2.shl(i64x2.add(shifted, i64x2.splat(1023 - ROUND_MAGIC_BITS)), 52);
  return v128.andnot(f64x2.mul(er, scale), f64x2.lt(x, f64x2.splat(EXP_MIN_NORMAL_ARG)));
}

/** e^x - 1, small relative error near 0; inputs clamped to [-40, 709] (exact results there). */
@inline export function expm1_64(x: v128): v128 {
  const xc = f64x2.pmax(f64x2.pmin(x, f64x2.splat(709.0)), f64x2.splat(-40.0));
  const shifted = f64x2.add(f64x2.mul(xc, f64x2.splat(LOG2E)), f64x2.splat(ROUND_MAGIC));
  const kf = f64x2.sub(shifted, f64x2.splat(ROUND_MAGIC));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  const q = expm1Reduced64(r);
  const s = i64x2.shl(i64x2.add(shifted, i64x2.splat(1023 - ROUND_MAGIC_BITS)), 52);
  return f64x2.add(f64x2.mul(s, q), f64x2.sub(s, f64x2.splat(1.0)));
}

/**
 * log(1 + t) for t in [0, 1]: u = 1 + t rounded, correction c = (t - (u - 1)) / u, u = 2^k m with
 * m in [sqrt(1/2), sqrt(2)), log m by fdlibm's s = f/(2+f) minimax series (Lg1..Lg7).
 */
@inline export function log1pUnit64(t: v128): v128 {
  const one = f64x2.splat(1.0);
  const u = f64x2.add(one, t);
  const c = f64x2.div(f64x2.sub(t, f64x2.sub(u, one)), u);
  const big = f64x2.gt(u, f64x2.splat(1.4142135623730951));
  const m = select64(big, f64x2.mul(u, f64x2.splat(0.5)), u);
  const kf = v128.and(big, one);
  const f = f64x2.sub(m, one);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  // fdlibm: R = w (Lg2 + w (Lg4 + w Lg6)) + z (Lg1 + w (Lg3 + w (Lg5 + w Lg7))), w = z^2.
  let t1 = f64x2.splat(1.531383769920937332e-1);
  t1 = f64x2.add(f64x2.mul(t1, w), f64x2.splat(2.222219843214978396e-1));
  t1 = f64x2.add(f64x2.mul(t1, w), f64x2.splat(3.999999999940941908e-1));
  t1 = f64x2.mul(t1, w);
  let t2 = f64x2.splat(1.479819860511658591e-1);
  t2 = f64x2.add(f64x2.mul(t2, w), f64x2.splat(1.818357216161805012e-1));
  t2 = f64x2.add(f64x2.mul(t2, w), f64x2.splat(2.857142874366239149e-1));
  t2 = f64x2.add(f64x2.mul(t2, w), f64x2.splat(6.666666666666735130e-1));
  t2 = f64x2.mul(t2, z);
  const rr = f64x2.add(t1, t2);
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, rr)), f64x2.add(f64x2.mul(kf, f64x2.splat(LN2_LO)), c));
  return f64x2.sub(f64x2.mul(kf, f64x2.splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
}

/** e^(-a^2/2) with a^2 split exactly (Dekker: a = hi + lo, hi with 26 bits) so large a keep full relative accuracy. */
@inline export function gaussian64(a: v128): v128 {
  const hi = v128.and(a, i64x2.splat(0xfffffffff8000000));
  const lo = f64x2.sub(a, hi);
  const main = exp64(f64x2.mul(f64x2.mul(hi, hi), f64x2.splat(-0.5)));
  // delta = (a^2 - hi^2)/2 = lo (a + hi) / 2 <= a^2 2^-26: e^-delta by its series to delta^5.
  const d = f64x2.mul(f64x2.mul(lo, f64x2.add(a, hi)), f64x2.splat(0.5));
  let p = f64x2.splat(-1.0 / 120.0);
  p = f64x2.add(f64x2.mul(p, d), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, d), f64x2.splat(-1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, d), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, d), f64x2.splat(-1.0));
  const corr = f64x2.add(f64x2.mul(p, d), f64x2.splat(1.0));
  return f64x2.mul(main, corr);
}

@inline export function sigmoidFromParts64(z: v128, t: v128, r: v128): v128 {
  return select64(f64x2.ge(z, f64x2.splat(0.0)), r, f64x2.mul(t, r));
}
@inline export function sigmoidNegFromParts64(z: v128, t: v128, r: v128): v128 {
  return select64(f64x2.ge(z, f64x2.splat(0.0)), f64x2.mul(t, r), r);
}
