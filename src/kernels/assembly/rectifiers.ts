// Rectifiers: ReLU, leaky ReLU / PReLU (p0 = slope), ReLU6 and hard swish x relu6(x + 3) / 6.
// Kinks follow PyTorch: relu'(0) = 0, leaky'(0) = slope, relu6' = 0 at 0 and 6, hard swish' = (2x + 3)/6
// on [-3, 3] including both ends (hardswish_backward: -1/2 at -3, 3/2 at 3). NaN in, NaN out
// (derivatives too: the 0/1 indicator ORs in the NaN lanes).
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { indicator32, nanMask32, select32 } from './math32';
import { indicator64, nanMask64, select64 } from './math64';

@inline export function relu32(x: v128, mode: i32): v128 {
  // pmax(x, 0) = x < 0 ? 0 : x: one maxps, and a NaN x stays NaN.
  // pmax(-0, 0) is -0: adding +0 makes it +0 (the catalog's relu(-0)) and changes nothing else.
  const y = f32x4.add(f32x4.pmax(x, f32x4.splat(0.0)), f32x4.splat(0.0));
  if (mode == FORWARD) return y;
  const d = indicator32(f32x4.gt(x, f32x4.splat(0.0)), x);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function leakyRelu32(x: v128, mode: i32, slope: v128): v128 {
  const positive = f32x4.gt(x, f32x4.splat(0.0));
  const y = select32(positive, x, f32x4.mul(slope, x));
  if (mode == FORWARD) return y;
  const d = v128.or(select32(positive, f32x4.splat(1.0), slope), nanMask32(x));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function relu6_32(x: v128, mode: i32): v128 {
  const y = f32x4.pmin(f32x4.add(f32x4.pmax(x, f32x4.splat(0.0)), f32x4.splat(0.0)), f32x4.splat(6.0));
  if (mode == FORWARD) return y;
  const inside = v128.and(f32x4.gt(x, f32x4.splat(0.0)), f32x4.lt(x, f32x4.splat(6.0)));
  const d = indicator32(inside, x);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function hardSwish32(x: v128, mode: i32): v128 {
  // x relu6(x + 3) / 6 on (-3, 3), with x clamped at -3 below (where the factor is 0, so -Inf gives 0,
  // not -Inf * 0) and x itself from 3 up (exactly, and without overflowing x * 6).
  const factor = f32x4.pmin(f32x4.pmax(f32x4.add(x, f32x4.splat(3.0)), f32x4.splat(0.0)), f32x4.splat(6.0));
  const middle = f32x4.div(f32x4.mul(f32x4.pmax(x, f32x4.splat(-3.0)), factor), f32x4.splat(6.0));
  const y = select32(f32x4.ge(x, f32x4.splat(3.0)), x, middle);
  if (mode == FORWARD) return y;
  // (2x + 3) / 6: exact numerator on [-3, -0.75], where the derivative crosses 0 at -1.5.
  const slope = f32x4.div(f32x4.add(f32x4.add(x, x), f32x4.splat(3.0)), f32x4.splat(6.0));
  const d = select32(f32x4.lt(x, f32x4.splat(-3.0)), f32x4.splat(0.0), select32(f32x4.gt(x, f32x4.splat(3.0)), f32x4.splat(1.0), slope));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function relu64(x: v128, mode: i32): v128 {
  const y = f64x2.add(f64x2.pmax(x, f64x2.splat(0.0)), f64x2.splat(0.0)); // +0 for -0, as relu32
  if (mode == FORWARD) return y;
  const d = indicator64(f64x2.gt(x, f64x2.splat(0.0)), x);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function leakyRelu64(x: v128, mode: i32, slope: v128): v128 {
  const positive = f64x2.gt(x, f64x2.splat(0.0));
  const y = select64(positive, x, f64x2.mul(slope, x));
  if (mode == FORWARD) return y;
  const d = v128.or(select64(positive, f64x2.splat(1.0), slope), nanMask64(x));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function relu6_64(x: v128, mode: i32): v128 {
  const y = f64x2.pmin(f64x2.add(f64x2.pmax(x, f64x2.splat(0.0)), f64x2.splat(0.0)), f64x2.splat(6.0));
  if (mode == FORWARD) return y;
  const inside = v128.and(f64x2.gt(x, f64x2.splat(0.0)), f64x2.lt(x, f64x2.splat(6.0)));
  const d = indicator64(inside, x);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function hardSwish64(x: v128, mode: i32): v128 {
  // x relu6(x + 3) / 6 on (-3, 3), with x clamped at -3 below (where the factor is 0, so -Inf gives 0,
  // not -Inf * 0) and x itself from 3 up (exactly, and without overflowing x * 6).
  const factor = f64x2.pmin(f64x2.pmax(f64x2.add(x, f64x2.splat(3.0)), f64x2.splat(0.0)), f64x2.splat(6.0));
  const middle = f64x2.div(f64x2.mul(f64x2.pmax(x, f64x2.splat(-3.0)), factor), f64x2.splat(6.0));
  const y = select64(f64x2.ge(x, f64x2.splat(3.0)), x, middle);
  if (mode == FORWARD) return y;
  // (2x + 3) / 6: exact numerator on [-3, -0.75], where the derivative crosses 0 at -1.5.
  const slope = f64x2.div(f64x2.add(f64x2.add(x, x), f64x2.splat(3.0)), f64x2.splat(6.0));
  const d = select64(f64x2.lt(x, f64x2.splat(-3.0)), f64x2.splat(0.0), select64(f64x2.gt(x, f64x2.splat(3.0)), f64x2.splat(1.0), slope));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}
