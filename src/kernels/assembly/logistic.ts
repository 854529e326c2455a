// The logistic family: sigmoid, Swish / SiLU and softplus.
//   sigmoid: t = e^-|x|, r = 1/(1+t): s = r or t r; s' = t r^2.
//   swish (p0 = beta): x sigmoid(beta x), shared with GELU's sigmoid form (beta = 1.702); sigmoid(z)
//     and sigmoid(-z) both come from t = e^-|z| and r = 1/(1+t): no cancellation, no overflow.
//   softplus (p0 = beta, p1 = threshold): (max(z,0) + log1p(e^-|z|)) / beta, z = beta x; x when z > threshold.
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { abs32, exp32, log1pUnit32, select32, sigmoidFromParts32, sigmoidNegFromParts32 } from './math32';
import { abs64, exp64, log1pUnit64, select64, sigmoidFromParts64, sigmoidNegFromParts64 } from './math64';

@inline export function sigmoid32(x: v128, mode: i32): v128 {
  const t = exp32(f32x4.neg(abs32(x)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), t));
  const y = sigmoidFromParts32(x, t, r);
  if (mode == FORWARD) return y;
  const d = f32x4.mul(f32x4.mul(t, r), r);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function softplus32(x: v128, mode: i32, beta: v128, threshold: v128): v128 {
  const z = f32x4.mul(beta, x);
  const above = f32x4.gt(z, threshold);
  const t = exp32(f32x4.neg(abs32(z)));
  const sp = f32x4.div(f32x4.add(f32x4.pmax(z, f32x4.splat(0.0)), log1pUnit32(t)), beta);
  const y = select32(above, x, sp);
  if (mode == FORWARD) return y;
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), t));
  const d = select32(above, f32x4.splat(1.0), sigmoidFromParts32(z, t, r));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function sigmoid64(x: v128, mode: i32): v128 {
  const t = exp64(f64x2.neg(abs64(x)));
  const r = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), t));
  const y = sigmoidFromParts64(x, t, r);
  if (mode == FORWARD) return y;
  const d = f64x2.mul(f64x2.mul(t, r), r);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function softplus64(x: v128, mode: i32, beta: v128, threshold: v128): v128 {
  const z = f64x2.mul(beta, x);
  const above = f64x2.gt(z, threshold);
  const t = exp64(f64x2.neg(abs64(z)));
  const sp = f64x2.div(f64x2.add(f64x2.pmax(z, f64x2.splat(0.0)), log1pUnit64(t)), beta);
  const y = select64(above, x, sp);
  if (mode == FORWARD) return y;
  const r = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), t));
  const d = select64(above, f64x2.splat(1.0), sigmoidFromParts64(z, t, r));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline const F32_MAX: f32 = 3.4028234663852886e38;
@inline const F64_MAX: f64 = 1.7976931348623157e308;

/** x sigmoid(beta x) (Swish/SiLU; GELU's sigmoid form with beta = 1.702): y' = s (1 + z (1 - s)). */
@inline export function xSigmoid32(x: v128, mode: i32, beta: v128): v128 {
  const z = f32x4.mul(beta, x);
  const t = exp32(f32x4.neg(abs32(z)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), t));
  const s = sigmoidFromParts32(z, t, r);
  const y = f32x4.mul(f32x4.pmax(x, f32x4.splat(-F32_MAX)), s);
  if (mode == FORWARD) return y;
  const zc = f32x4.pmin(f32x4.pmax(z, f32x4.splat(-1e30)), f32x4.splat(1e30));
  const d = f32x4.add(s, f32x4.mul(s, f32x4.mul(zc, sigmoidNegFromParts32(z, t, r))));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function xSigmoid64(x: v128, mode: i32, beta: v128): v128 {
  const z = f64x2.mul(beta, x);
  const t = exp64(f64x2.neg(abs64(z)));
  const r = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), t));
  const s = sigmoidFromParts64(z, t, r);
  const y = f64x2.mul(f64x2.pmax(x, f64x2.splat(-F64_MAX)), s);
  if (mode == FORWARD) return y;
  const zc = f64x2.pmin(f64x2.pmax(z, f64x2.splat(-1e300)), f64x2.splat(1e300));
  const d = f64x2.add(s, f64x2.mul(s, f64x2.mul(zc, sigmoidNegFromParts64(z, t, r))));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

