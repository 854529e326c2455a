// GELU (exact, erf), its tanh approximation and its sigmoid form.
//
// float32 GELU: Phi(x) = 1/2 + x R(x^2) for |x| <= 0.8, else Phi(-a) = phi(a) M(a) with the Mills
// ratio M(a) = t P(t), t = 3/(3+a). R and P are relative-minimax fits made by
// scripts/fit-kernel-polynomials.ts (fit errors 4.6e-9 and 3.0e-8); phi(a) = e^(-a^2/2)/sqrt(2 pi)
// comes from `gaussian` (exact a^2 split). Absolute error of Phi about 1 ulp(1).
//
// float64 GELU: fdlibm's erfc regions (the coefficients published with s_erf.c), evaluated on all
// lanes with per-region masks, plus a first-order correction for the rounding of a/sqrt(2).
import { FORWARD, valueOrDerivative } from './common';
import {
  clampFinite,
  exp,
  expNegAbs,
  finiteBelow,
  gaussian,
  isNarrow,
  mad,
  mad4,
  magnitude,
  nanMask,
  perWidth,
  reciprocalOnePlus,
  sigmoidFromParts,
  sigmoidNegFromParts,
  splat,
  where,
} from './math';
import { xSigmoid } from './logistic';

@inline const INV_SQRT_2PI: f64 = 0.3989422804014327;
@inline const GELU_SPLIT: f32 = 0.8;

/** float32 Phi(x) from a = |x| and phi = phi(a). */
@inline function normalCdf32(x: v128, a: v128, phi: v128): v128 {
  // |x| <= 0.8: 1/2 + x R(x^2).
  const s = f32x4.mul(x, x);
  const r = mad4<f32>(f32x4.splat(<f32>0.000101337740), s, -0.00117959012, 0.00997179840, -0.0664902404, 0.398942292);
  const central = f32x4.add(f32x4.splat(0.5), f32x4.mul(x, r));
  // |x| > 0.8: Phi(-a) = phi(a) t P(t).
  const t = f32x4.div(f32x4.splat(3.0), f32x4.add(f32x4.splat(3.0), a));
  let p = mad4<f32>(f32x4.splat(<f32>0.103543118), t, -0.315609783, 0.217039585, 0.0484778956, 0.238893613);
  p = mad<f32>(mad<f32>(mad<f32>(p, t, 0.294328898), t, 0.333426118), t, 0.333333760);
  const lower = f32x4.mul(phi, f32x4.mul(t, p));
  const tail = where(f32x4.lt(x, f32x4.splat(0.0)), lower, f32x4.sub(f32x4.splat(1.0), lower));
  return where(f32x4.le(a, f32x4.splat(GELU_SPLIT)), central, tail);
}

@inline const ERX: f64 = 8.45062911510467529297e-1;

/** Horner step with a per-lane choice of coefficient (mask ? a : b). */
@inline function madSel64(p: v128, z: v128, mask: v128, a: f64, b: f64): v128 {
  return f64x2.add(f64x2.mul(p, z), where(mask, f64x2.splat(a), f64x2.splat(b)));
}

/** erfc(z) for z >= 0 (fdlibm regions); NaN kept. */
@inline function erfcNonNegative64(z: v128): v128 {
  const zc = f64x2.pmin(z, f64x2.splat(30.0));
  const one = f64x2.splat(1.0);
  const inner = f64x2.lt(zc, f64x2.splat(0.84375));
  const middle = v128.and(f64x2.ge(zc, f64x2.splat(0.84375)), f64x2.lt(zc, f64x2.splat(1.25)));
  const outer = f64x2.ge(zc, f64x2.splat(1.25));
  let result = nanMask<f64>(zc);
  if (v128.any_true(inner)) {
    const zz = f64x2.mul(zc, zc);
    const pp = mad4<f64>(f64x2.splat(-2.37630166566501626084e-5), zz, -5.77027029648944159157e-3, -2.84817495755985104766e-2, -3.25042107247001499370e-1, 1.28379167095512558561e-1);
    const qq = mad<f64>(mad4<f64>(f64x2.splat(-3.96022827877536812320e-6), zz, 1.32494738004321644526e-4, 5.08130628187576562776e-3, 6.50222499887672944485e-2, 3.97917223959155352819e-1), zz, 1.0);
    const y = f64x2.div(pp, qq);
    const small = f64x2.sub(one, f64x2.add(zc, f64x2.mul(zc, y)));
    const mid = f64x2.sub(f64x2.splat(0.5), f64x2.add(f64x2.mul(zc, y), f64x2.sub(zc, f64x2.splat(0.5))));
    result = where(inner, where(f64x2.lt(zc, f64x2.splat(0.25)), small, mid), result);
  }
  if (v128.any_true(middle)) {
    const s = f64x2.sub(zc, one);
    let pa = mad4<f64>(f64x2.splat(-2.16637559486879084300e-3), s, 3.54783043256182359371e-2, -1.10894694282396677476e-1, 3.18346619901161753674e-1, -3.72207876035701323847e-1);
    pa = mad<f64>(mad<f64>(pa, s, 4.14856118683748331666e-1), s, -2.36211856075265944077e-3);
    let qa = mad4<f64>(f64x2.splat(1.19844998467991074170e-2), s, 1.36370839120290507362e-2, 1.26171219808761642112e-1, 7.18286544141962662868e-2, 5.40397917702171048937e-1);
    qa = mad<f64>(mad<f64>(qa, s, 1.06420880400844228286e-1), s, 1.0);
    const v = f64x2.sub(f64x2.splat(1.0 - ERX), f64x2.div(pa, qa));
    result = where(middle, v, result);
  }
  if (v128.any_true(outer)) {
    const s = f64x2.div(one, f64x2.mul(zc, zc));
    // z < 1/0.35: coefficients RA/SA, else RB/SB (RB padded with a leading zero to RA's degree);
    // the two Horner chains run side by side, one step of each per line.
    const m = f64x2.lt(zc, f64x2.splat(1.0 / 0.35));
    let rr = where(m, f64x2.splat(-9.81432934416914548592), f64x2.splat(0.0));
    let ss = where(m, f64x2.splat(-6.04244152148580987438e-2), f64x2.splat(0.0));
    rr = madSel64(rr, s, m, -8.12874355063065934246e1, -4.83519191608651397019e2); ss = madSel64(ss, s, m, 6.57024977031928170135, -2.24409524465858183362e1);
    rr = madSel64(rr, s, m, -1.84605092906711035994e2, -1.02509513161107724954e3); ss = madSel64(ss, s, m, 1.08635005541779435134e2, 4.74528541206955367215e2);
    rr = madSel64(rr, s, m, -1.62396669462573470355e2, -6.37566443368389627722e2); ss = madSel64(ss, s, m, 4.29008140027567833386e2, 2.55305040643316442583e3);
    rr = madSel64(rr, s, m, -6.23753324503260060396e1, -1.60636384855821916062e2); ss = madSel64(ss, s, m, 6.45387271733267880336e2, 3.19985821950859553908e3);
    rr = madSel64(rr, s, m, -1.05586262253232909814e1, -1.77579549177547519889e1); ss = madSel64(ss, s, m, 4.34565877475229228821e2, 1.53672958608443695994e3);
    rr = madSel64(rr, s, m, -6.93858572707181764372e-1, -7.99283237680523006574e-1); ss = madSel64(ss, s, m, 1.37657754143519042600e2, 3.25792512996573918826e2);
    rr = madSel64(rr, s, m, -9.86494403484714822705e-3, -9.86494292470009928597e-3); ss = madSel64(ss, s, m, 1.96512716674392571292e1, 3.03380607434824582924e1);
    ss = mad<f64>(ss, s, 1.0);
    // z = zh + (z - zh) with zh's low 32 bits cleared, so zh^2 is exact.
    const zh = v128.and(zc, i64x2.splat(0xffffffff00000000));
    const e1 = exp<f64>(f64x2.sub(f64x2.mul(f64x2.neg(zh), zh), f64x2.splat(0.5625)));
    const e2 = exp<f64>(f64x2.add(f64x2.mul(f64x2.sub(zh, zc), f64x2.add(zh, zc)), f64x2.div(rr, ss)));
    result = where(outer, f64x2.div(f64x2.mul(e1, e2), zc), result);
  }
  return result;
}

// 1/sqrt(2) = SQRT1_2_HI + SQRT1_2_LO; SQRT1_2_HI's low 27 bits split off for exact products.
@inline const SQRT1_2_HI: f64 = 0.7071067811865476;
@inline const SQRT1_2_LO: f64 = -4.833646656726457e-17;

/** x * c exactly as hi + lo for the constant c = 1/sqrt(2) (Dekker's product, masks instead of FMA). */
@inline function halfSqrt2ProductLow64(a: v128, hi: v128): v128 {
  const mask = i64x2.splat(0xfffffffff8000000);
  const ah = v128.and(a, mask);
  const al = f64x2.sub(a, ah);
  const ch = v128.and(f64x2.splat(SQRT1_2_HI), mask);
  const cl = f64x2.sub(f64x2.splat(SQRT1_2_HI), ch);
  const err = f64x2.add(
    f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(ah, ch), hi), f64x2.mul(ah, cl)), f64x2.mul(al, ch)),
    f64x2.mul(al, cl),
  );
  return f64x2.add(err, f64x2.mul(a, f64x2.splat(SQRT1_2_LO)));
}

/** float64 Phi(x) from ac = min(|x|, 40) and gauss = e^(-ac^2/2). */
@inline function normalCdf64(x: v128, ac: v128, gauss: v128): v128 {
  const zh = f64x2.mul(ac, f64x2.splat(SQRT1_2_HI));
  const zl = halfSqrt2ProductLow64(ac, zh);
  const e = erfcNonNegative64(zh);
  // erfc(zh + zl) = erfc(zh) (1 - zl h), h = 2/sqrt(pi) e^(-z^2) / erfc(z) (~ 2z + 1/z past z = 5).
  const hAsym = f64x2.add(f64x2.add(zh, zh), f64x2.div(f64x2.splat(1.0), zh));
  const hDirect = f64x2.div(f64x2.mul(f64x2.splat(1.1283791670955126), gauss), e);
  const h = where(f64x2.gt(zh, f64x2.splat(5.0)), hAsym, hDirect);
  const lower = f64x2.mul(f64x2.mul(e, f64x2.splat(0.5)), f64x2.sub(f64x2.splat(1.0), f64x2.mul(zl, h)));
  return where(f64x2.lt(x, f64x2.splat(0.0)), lower, f64x2.sub(f64x2.splat(1.0), lower));
}

/** GELU: y = x Phi(x), y' = Phi(x) + x phi(x). */
@inline export function gelu<T>(x: v128, mode: i32): v128 {
  const a = magnitude<T>(x);
  // float64 caps |x| at 40 (phi and the lower tail are 0 there); float32's gaussian caps at 20 itself.
  const ac = isNarrow<T>() ? a : f64x2.pmin(a, f64x2.splat(40.0));
  const gauss = gaussian<T>(ac);
  const phi = v128.mul<T>(gauss, splat<T>(INV_SQRT_2PI));
  const cdf = isNarrow<T>() ? normalCdf32(x, a, phi) : normalCdf64(x, ac, gauss);
  const y = v128.mul<T>(finiteBelow<T>(x), cdf);
  if (mode == FORWARD) return y;
  const d = v128.add<T>(cdf, v128.mul<T>(clampFinite<T>(x), phi));
  return valueOrDerivative(mode, y, d);
}

// sqrt(2/pi) * 2 and 0.044715 of the tanh form (1 + tanh u = 2 sigmoid(2u)).
@inline const TWO_SQRT_2_OVER_PI: f64 = 1.5957691216057308;
@inline const GELU_CUBIC: f64 = 0.044715;

/** GELU (tanh): y = x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3); y' = s (1 + x (2u)' (1 - s)). */
@inline export function geluTanh<T>(x: v128, mode: i32): v128 {
  // Beyond |x| = 1e4 (float32) or 1e8 (float64) the gate is exactly 0 or 1; clamping keeps x^3 and
  // the derivative finite.
  const xc = v128.pmin<T>(v128.pmax<T>(x, perWidth<T>(-1e4, -1e8)), perWidth<T>(1e4, 1e8));
  const x2 = v128.mul<T>(xc, xc);
  const z = v128.mul<T>(
    splat<T>(TWO_SQRT_2_OVER_PI),
    v128.mul<T>(xc, v128.add<T>(splat<T>(1.0), v128.mul<T>(splat<T>(GELU_CUBIC), x2))),
  );
  const t = expNegAbs<T>(z);
  const r = reciprocalOnePlus<T>(t);
  const s = sigmoidFromParts<T>(z, t, r);
  const y = v128.mul<T>(finiteBelow<T>(x), s);
  if (mode == FORWARD) return y;
  const dz = v128.mul<T>(
    splat<T>(TWO_SQRT_2_OVER_PI),
    v128.add<T>(splat<T>(1.0), v128.mul<T>(splat<T>(3.0 * GELU_CUBIC), x2)),
  );
  const d = v128.add<T>(s, v128.mul<T>(s, v128.mul<T>(v128.mul<T>(xc, dz), sigmoidNegFromParts<T>(z, t, r))));
  return valueOrDerivative(mode, y, d);
}

/** GELU's sigmoid form x sigmoid(1.702 x) (p0 = 1.702): the Swish kernel of the logistic family. */
@inline export function geluSigmoid<T>(x: v128, mode: i32, beta: v128): v128 {
  return xSigmoid<T>(x, mode, beta);
}
