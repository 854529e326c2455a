// GELU (exact, erf) and its tanh approximation.
//
// float32 GELU: Phi(x) = 1/2 + x R(x^2) for |x| <= 0.8, else Phi(-a) = phi(a) M(a) with the Mills
// ratio M(a) = t P(t), t = 3/(3+a). R and P are relative-minimax fits made by
// scripts/fit-kernel-polynomials.ts (fit errors 4.6e-9 and 3.0e-8); phi(a) = e^(-a^2/2)/sqrt(2 pi)
// comes from gaussian32 (exact a^2 split). Absolute error of Phi about 1 ulp(1).
//
// float64 GELU: fdlibm's erfc regions (the coefficients published with s_erf.c), evaluated on all
// lanes with per-region masks, plus a first-order correction for the rounding of a/sqrt(2).
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { abs32, exp32, gaussian32, select32, sigmoidFromParts32, sigmoidNegFromParts32 } from './math32';
import { abs64, exp64, gaussian64, nanMask64, select64, sigmoidFromParts64, sigmoidNegFromParts64 } from './math64';
import { xSigmoid32, xSigmoid64 } from './logistic';

@inline const F32_MAX: f32 = 3.4028234663852886e38;
@inline const F64_MAX: f64 = 1.7976931348623157e308;
@inline const INV_SQRT_2PI: f64 = 0.3989422804014327;
@inline const GELU_SPLIT: f32 = 0.8;

/** Phi(x) and phi(x) (the latter left in `gaussianOut32`). */
@inline function normalCdf32(x: v128, a: v128, phi: v128): v128 {
  // |x| <= 0.8: 1/2 + x R(x^2).
  const s = f32x4.mul(x, x);
  let r = f32x4.splat(<f32>0.000101337740);
  r = f32x4.add(f32x4.mul(r, s), f32x4.splat(<f32>-0.00117959012));
  r = f32x4.add(f32x4.mul(r, s), f32x4.splat(<f32>0.00997179840));
  r = f32x4.add(f32x4.mul(r, s), f32x4.splat(<f32>-0.0664902404));
  r = f32x4.add(f32x4.mul(r, s), f32x4.splat(<f32>0.398942292));
  const central = f32x4.add(f32x4.splat(0.5), f32x4.mul(x, r));
  // |x| > 0.8: Phi(-a) = phi(a) t P(t).
  const t = f32x4.div(f32x4.splat(3.0), f32x4.add(f32x4.splat(3.0), a));
  let p = f32x4.splat(<f32>0.103543118);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>-0.315609783));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>0.217039585));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>0.0484778956));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>0.238893613));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>0.294328898));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>0.333426118));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>0.333333760));
  const lower = f32x4.mul(phi, f32x4.mul(t, p));
  const tail = select32(f32x4.lt(x, f32x4.splat(0.0)), lower, f32x4.sub(f32x4.splat(1.0), lower));
  return select32(f32x4.le(a, f32x4.splat(GELU_SPLIT)), central, tail);
}

/** GELU: y = x Phi(x), y' = Phi(x) + x phi(x). */
@inline export function gelu32(x: v128, mode: i32): v128 {
  const a = abs32(x);
  const phi = f32x4.mul(gaussian32(a), f32x4.splat(<f32>INV_SQRT_2PI));
  const cdf = normalCdf32(x, a, phi);
  const y = f32x4.mul(f32x4.pmax(x, f32x4.splat(-F32_MAX)), cdf);
  if (mode == FORWARD) return y;
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-F32_MAX)), f32x4.splat(F32_MAX));
  const d = f32x4.add(cdf, f32x4.mul(xc, phi));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

// sqrt(2/pi) * 2 and 0.044715 of the tanh form (1 + tanh u = 2 sigmoid(2u)).
@inline const TWO_SQRT_2_OVER_PI: f64 = 1.5957691216057308;
@inline const GELU_CUBIC: f64 = 0.044715;

/** GELU (tanh): y = x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3); y' = s (1 + x (2u)' (1 - s)). */
@inline export function geluTanh32(x: v128, mode: i32): v128 {
  // Beyond |x| = 1e4 the gate is exactly 0 or 1; clamping keeps x^3 and the derivative finite.
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-1e4)), f32x4.splat(1e4));
  const x2 = f32x4.mul(xc, xc);
  const z = f32x4.mul(
    f32x4.splat(<f32>TWO_SQRT_2_OVER_PI),
    f32x4.mul(xc, f32x4.add(f32x4.splat(1.0), f32x4.mul(f32x4.splat(<f32>GELU_CUBIC), x2))),
  );
  const t = exp32(f32x4.neg(abs32(z)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), t));
  const s = sigmoidFromParts32(z, t, r);
  const y = f32x4.mul(f32x4.pmax(x, f32x4.splat(-F32_MAX)), s);
  if (mode == FORWARD) return y;
  const dz = f32x4.mul(
    f32x4.splat(<f32>TWO_SQRT_2_OVER_PI),
    f32x4.add(f32x4.splat(1.0), f32x4.mul(f32x4.splat(<f32>(3.0 * GELU_CUBIC)), x2)),
  );
  const d = f32x4.add(s, f32x4.mul(s, f32x4.mul(f32x4.mul(xc, dz), sigmoidNegFromParts32(z, t, r))));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

// ---- float64 ----

@inline const ERX: f64 = 8.45062911510467529297e-1;

/** Horner step helper: p * z + c. */
@inline function mad64(p: v128, z: v128, c: f64): v128 {
  return f64x2.add(f64x2.mul(p, z), f64x2.splat(c));
}
/** Horner step with a per-lane choice of coefficient (mask ? a : b). */
@inline function madSel64(p: v128, z: v128, mask: v128, a: f64, b: f64): v128 {
  return f64x2.add(f64x2.mul(p, z), select64(mask, f64x2.splat(a), f64x2.splat(b)));
}

/** erfc(z) for z >= 0 (fdlibm regions); NaN kept. */
@inline function erfcNonNegative64(z: v128): v128 {
  const zc = f64x2.pmin(z, f64x2.splat(30.0));
  const one = f64x2.splat(1.0);
  const inner = f64x2.lt(zc, f64x2.splat(0.84375));
  const middle = v128.and(f64x2.ge(zc, f64x2.splat(0.84375)), f64x2.lt(zc, f64x2.splat(1.25)));
  const outer = f64x2.ge(zc, f64x2.splat(1.25));
  let result = nanMask64(zc);
  if (v128.any_true(inner)) {
    const zz = f64x2.mul(zc, zc);
    let pp = f64x2.splat(-2.37630166566501626084e-5);
    pp = mad64(pp, zz, -5.77027029648944159157e-3);
    pp = mad64(pp, zz, -2.84817495755985104766e-2);
    pp = mad64(pp, zz, -3.25042107247001499370e-1);
    pp = mad64(pp, zz, 1.28379167095512558561e-1);
    let qq = f64x2.splat(-3.96022827877536812320e-6);
    qq = mad64(qq, zz, 1.32494738004321644526e-4);
    qq = mad64(qq, zz, 5.08130628187576562776e-3);
    qq = mad64(qq, zz, 6.50222499887672944485e-2);
    qq = mad64(qq, zz, 3.97917223959155352819e-1);
    qq = mad64(qq, zz, 1.0);
    const y = f64x2.div(pp, qq);
    const small = f64x2.sub(one, f64x2.add(zc, f64x2.mul(zc, y)));
    const mid = f64x2.sub(f64x2.splat(0.5), f64x2.add(f64x2.mul(zc, y), f64x2.sub(zc, f64x2.splat(0.5))));
    result = select64(inner, select64(f64x2.lt(zc, f64x2.splat(0.25)), small, mid), result);
  }
  if (v128.any_true(middle)) {
    const s = f64x2.sub(zc, one);
    let pa = f64x2.splat(-2.16637559486879084300e-3);
    pa = mad64(pa, s, 3.54783043256182359371e-2);
    pa = mad64(pa, s, -1.10894694282396677476e-1);
    pa = mad64(pa, s, 3.18346619901161753674e-1);
    pa = mad64(pa, s, -3.72207876035701323847e-1);
    pa = mad64(pa, s, 4.14856118683748331666e-1);
    pa = mad64(pa, s, -2.36211856075265944077e-3);
    let qa = f64x2.splat(1.19844998467991074170e-2);
    qa = mad64(qa, s, 1.36370839120290507362e-2);
    qa = mad64(qa, s, 1.26171219808761642112e-1);
    qa = mad64(qa, s, 7.18286544141962662868e-2);
    qa = mad64(qa, s, 5.40397917702171048937e-1);
    qa = mad64(qa, s, 1.06420880400844228286e-1);
    qa = mad64(qa, s, 1.0);
    const v = f64x2.sub(f64x2.splat(1.0 - ERX), f64x2.div(pa, qa));
    result = select64(middle, v, result);
  }
  if (v128.any_true(outer)) {
    const s = f64x2.div(one, f64x2.mul(zc, zc));
    // z < 1/0.35: coefficients RA/SA, else RB/SB (RB padded with a leading zero to RA's degree).
    const m = f64x2.lt(zc, f64x2.splat(1.0 / 0.35));
    let rr = select64(m, f64x2.splat(-9.81432934416914548592), f64x2.splat(0.0));
    rr = madSel64(rr, s, m, -8.12874355063065934246e1, -4.83519191608651397019e2);
    rr = madSel64(rr, s, m, -1.84605092906711035994e2, -1.02509513161107724954e3);
    rr = madSel64(rr, s, m, -1.62396669462573470355e2, -6.37566443368389627722e2);
    rr = madSel64(rr, s, m, -6.23753324503260060396e1, -1.60636384855821916062e2);
    rr = madSel64(rr, s, m, -1.05586262253232909814e1, -1.77579549177547519889e1);
    rr = madSel64(rr, s, m, -6.93858572707181764372e-1, -7.99283237680523006574e-1);
    rr = madSel64(rr, s, m, -9.86494403484714822705e-3, -9.86494292470009928597e-3);
    let ss = select64(m, f64x2.splat(-6.04244152148580987438e-2), f64x2.splat(0.0));
    ss = madSel64(ss, s, m, 6.57024977031928170135, -2.24409524465858183362e1);
    ss = madSel64(ss, s, m, 1.08635005541779435134e2, 4.74528541206955367215e2);
    ss = madSel64(ss, s, m, 4.29008140027567833386e2, 2.55305040643316442583e3);
    ss = madSel64(ss, s, m, 6.45387271733267880336e2, 3.19985821950859553908e3);
    ss = madSel64(ss, s, m, 4.34565877475229228821e2, 1.53672958608443695994e3);
    ss = madSel64(ss, s, m, 1.37657754143519042600e2, 3.25792512996573918826e2);
    ss = madSel64(ss, s, m, 1.96512716674392571292e1, 3.03380607434824582924e1);
    ss = mad64(ss, s, 1.0);
    // z = zh + (z - zh) with zh's low 32 bits cleared, so zh^2 is exact.
    const zh = v128.and(zc, i64x2.splat(0xffffffff00000000));
    const e1 = exp64(f64x2.sub(f64x2.mul(f64x2.neg(zh), zh), f64x2.splat(0.5625)));
    const e2 = exp64(f64x2.add(f64x2.mul(f64x2.sub(zh, zc), f64x2.add(zh, zc)), f64x2.div(rr, ss)));
    result = select64(outer, f64x2.div(f64x2.mul(e1, e2), zc), result);
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

@inline export function gelu64(x: v128, mode: i32): v128 {
  const a = abs64(x);
  const ac = f64x2.pmin(a, f64x2.splat(40.0));
  const gauss = gaussian64(ac); // e^(-a^2/2) = e^(-z^2)
  const phi = f64x2.mul(gauss, f64x2.splat(INV_SQRT_2PI));
  const zh = f64x2.mul(ac, f64x2.splat(SQRT1_2_HI));
  const zl = halfSqrt2ProductLow64(ac, zh);
  const e = erfcNonNegative64(zh);
  // erfc(zh + zl) = erfc(zh) (1 - zl h), h = 2/sqrt(pi) e^(-z^2) / erfc(z) (~ 2z + 1/z past z = 5).
  const hAsym = f64x2.add(f64x2.add(zh, zh), f64x2.div(f64x2.splat(1.0), zh));
  const hDirect = f64x2.div(f64x2.mul(f64x2.splat(1.1283791670955126), gauss), e);
  const h = select64(f64x2.gt(zh, f64x2.splat(5.0)), hAsym, hDirect);
  const lower = f64x2.mul(f64x2.mul(e, f64x2.splat(0.5)), f64x2.sub(f64x2.splat(1.0), f64x2.mul(zl, h)));
  const cdf = select64(f64x2.lt(x, f64x2.splat(0.0)), lower, f64x2.sub(f64x2.splat(1.0), lower));
  const y = f64x2.mul(f64x2.pmax(x, f64x2.splat(-F64_MAX)), cdf);
  if (mode == FORWARD) return y;
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-F64_MAX)), f64x2.splat(F64_MAX));
  const d = f64x2.add(cdf, f64x2.mul(xc, phi));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function geluTanh64(x: v128, mode: i32): v128 {
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-1e8)), f64x2.splat(1e8));
  const x2 = f64x2.mul(xc, xc);
  const z = f64x2.mul(
    f64x2.splat(TWO_SQRT_2_OVER_PI),
    f64x2.mul(xc, f64x2.add(f64x2.splat(1.0), f64x2.mul(f64x2.splat(GELU_CUBIC), x2))),
  );
  const t = exp64(f64x2.neg(abs64(z)));
  const r = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), t));
  const s = sigmoidFromParts64(z, t, r);
  const y = f64x2.mul(f64x2.pmax(x, f64x2.splat(-F64_MAX)), s);
  if (mode == FORWARD) return y;
  const dz = f64x2.mul(
    f64x2.splat(TWO_SQRT_2_OVER_PI),
    f64x2.add(f64x2.splat(1.0), f64x2.mul(f64x2.splat(3.0 * GELU_CUBIC), x2)),
  );
  const d = f64x2.add(s, f64x2.mul(s, f64x2.mul(f64x2.mul(xc, dz), sigmoidNegFromParts64(z, t, r))));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

/** GELU's sigmoid form x sigmoid(1.702 x) (p0 = 1.702): the Swish kernel of the logistic family. */
@inline export function geluSigmoid32(x: v128, mode: i32, beta: v128): v128 {
  return xSigmoid32(x, mode, beta);
}

@inline export function geluSigmoid64(x: v128, mode: i32, beta: v128): v128 {
  return xSigmoid64(x, mode, beta);
}
