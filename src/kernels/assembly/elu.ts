// ELU (p0 = alpha), SELU (p0 = scale, p1 = scale * alpha, PyTorch's constants) and CELU (p0 = alpha).
// Negative side from expm1 (no cancellation near 0); the derivative uses e^x itself (not 1 + expm1,
// which loses e^x's digits once e^x < 2^-24).
import { FORWARD, valueOrDerivative } from './common';
import { exp, expm1, signBit, splat, where } from './math';

/** scale * (x > 0 ? x : alphaScaled/scale * expm1(x / divisor)); ELU/CELU have scale = 1. */
@inline export function elu<T>(x: v128, mode: i32, scale: v128, negScale: v128, divisor: v128, hasScale: bool, hasDivisor: bool): v128 {
  const positive = v128.gt<T>(x, splat<T>(0.0));
  const u = hasDivisor ? v128.div<T>(x, divisor) : x;
  const pos = hasScale ? v128.mul<T>(scale, x) : x;
  // The negative side is <= 0: its sign bit is x's, so f(-0) = -0 as on the exact path.
  const y = where(positive, pos, v128.or(v128.mul<T>(negScale, expm1<T>(u)), signBit<T>(x)));
  if (mode == FORWARD) return y;
  const dNeg = hasDivisor ? exp<T>(u) : v128.mul<T>(negScale, exp<T>(u));
  const d = where(positive, hasScale ? scale : splat<T>(1.0), dNeg);
  return valueOrDerivative(mode, y, d);
}
