// Swish / SiLU, x sigmoid(beta x), shared with GELU's sigmoid form (beta = 1.702).
// sigmoid(z) and sigmoid(-z) both come from t = e^-|z| and r = 1/(1+t): no cancellation, no overflow.
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { abs32, exp32, sigmoidFromParts32, sigmoidNegFromParts32 } from './math32';
import { abs64, exp64, sigmoidFromParts64, sigmoidNegFromParts64 } from './math64';

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

