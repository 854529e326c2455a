// Rectifiers: ReLU, leaky ReLU / PReLU (p0 = slope), ReLU6 and hard swish x relu6(x + 3) / 6.
// Kinks follow PyTorch: relu'(0) = 0, leaky'(0) = slope, relu6' = 0 at 0 and 6, hard swish' = (2x + 3)/6
// on [-3, 3] including both ends (hardswish_backward: -1/2 at -3, 3/2 at 3). NaN in, NaN out
// (derivatives too: the 0/1 indicator ORs in the NaN lanes).
import { FORWARD, valueOrDerivative } from './common';
import { indicator, nanMask, splat, where } from './math';

/** max(x, 0) as +0 for x = -0 (the catalog's relu(-0)); NaN stays NaN. */
@inline function positivePart<T>(x: v128): v128 {
  // pmax(x, 0) = x < 0 ? 0 : x: one maxps, and a NaN x stays NaN.
  // pmax(-0, 0) is -0: adding +0 makes it +0 and changes nothing else.
  return v128.add<T>(v128.pmax<T>(x, splat<T>(0.0)), splat<T>(0.0));
}

@inline export function relu<T>(x: v128, mode: i32): v128 {
  const y = positivePart<T>(x);
  if (mode == FORWARD) return y;
  const d = indicator<T>(v128.gt<T>(x, splat<T>(0.0)), x);
  return valueOrDerivative(mode, y, d);
}

@inline export function leakyRelu<T>(x: v128, mode: i32, slope: v128): v128 {
  const positive = v128.gt<T>(x, splat<T>(0.0));
  const y = where(positive, x, v128.mul<T>(slope, x));
  if (mode == FORWARD) return y;
  const d = v128.or(where(positive, splat<T>(1.0), slope), nanMask<T>(x));
  return valueOrDerivative(mode, y, d);
}

@inline export function relu6<T>(x: v128, mode: i32): v128 {
  const y = v128.pmin<T>(positivePart<T>(x), splat<T>(6.0));
  if (mode == FORWARD) return y;
  const inside = v128.and(v128.gt<T>(x, splat<T>(0.0)), v128.lt<T>(x, splat<T>(6.0)));
  const d = indicator<T>(inside, x);
  return valueOrDerivative(mode, y, d);
}

@inline export function hardSwish<T>(x: v128, mode: i32): v128 {
  // x relu6(x + 3) / 6 on (-3, 3), with x clamped at -3 below (where the factor is 0, so -Inf gives 0,
  // not -Inf * 0) and x itself from 3 up (exactly, and without overflowing x * 6).
  const factor = v128.pmin<T>(v128.pmax<T>(v128.add<T>(x, splat<T>(3.0)), splat<T>(0.0)), splat<T>(6.0));
  const middle = v128.div<T>(v128.mul<T>(v128.pmax<T>(x, splat<T>(-3.0)), factor), splat<T>(6.0));
  const y = where(v128.ge<T>(x, splat<T>(3.0)), x, middle);
  if (mode == FORWARD) return y;
  // (2x + 3) / 6: exact numerator on [-3, -0.75], where the derivative crosses 0 at -1.5.
  const slope = v128.div<T>(v128.add<T>(v128.add<T>(x, x), splat<T>(3.0)), splat<T>(6.0));
  const d = where(v128.lt<T>(x, splat<T>(-3.0)), splat<T>(0.0), where(v128.gt<T>(x, splat<T>(3.0)), splat<T>(1.0), slope));
  return valueOrDerivative(mode, y, d);
}
