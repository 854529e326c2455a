// ELU (p0 = alpha), SELU (p0 = scale, p1 = scale * alpha, PyTorch's constants) and CELU (p0 = alpha).
// Negative side from expm1 (no cancellation near 0); the derivative uses e^x itself (not 1 + expm1,
// which loses e^x's digits once e^x < 2^-24).
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { exp32, expm1_32, select32, signBit32 } from './math32';
import { exp64, expm1_64, select64, signBit64 } from './math64';

/** scale * (x > 0 ? x : alphaScaled/scale * expm1(x / divisor)); ELU/CELU have scale = 1. */
@inline export function elu32(x: v128, mode: i32, scale: v128, negScale: v128, divisor: v128, hasScale: bool, hasDivisor: bool): v128 {
  const positive = f32x4.gt(x, f32x4.splat(0.0));
  const u = hasDivisor ? f32x4.div(x, divisor) : x;
  const pos = hasScale ? f32x4.mul(scale, x) : x;
  // The negative side is <= 0: its sign bit is x's, so f(-0) = -0 as on the exact path.
  const y = select32(positive, pos, v128.or(f32x4.mul(negScale, expm1_32(u)), signBit32(x)));
  if (mode == FORWARD) return y;
  const dNeg = hasDivisor ? exp32(u) : f32x4.mul(negScale, exp32(u));
  const d = select32(positive, hasScale ? scale : f32x4.splat(1.0), dNeg);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function elu64(x: v128, mode: i32, scale: v128, negScale: v128, divisor: v128, hasScale: bool, hasDivisor: bool): v128 {
  const positive = f64x2.gt(x, f64x2.splat(0.0));
  const u = hasDivisor ? f64x2.div(x, divisor) : x;
  const pos = hasScale ? f64x2.mul(scale, x) : x;
  const y = select64(positive, pos, v128.or(f64x2.mul(negScale, expm1_64(u)), signBit64(x)));
  if (mode == FORWARD) return y;
  const dNeg = hasDivisor ? exp64(u) : f64x2.mul(negScale, exp64(u));
  const d = select64(positive, hasScale ? scale : f64x2.splat(1.0), dNeg);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}
