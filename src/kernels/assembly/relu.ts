// Piecewise-linear activations: ReLU, leaky ReLU / PReLU (p0 = slope), ReLU6.
// Kinks follow PyTorch: relu'(0) = 0, leaky'(0) = slope, relu6' = 0 at 0 and 6. NaN in, NaN out
// (derivatives too: the 0/1 indicator ORs in the NaN lanes).
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { indicator32, nanMask32, select32 } from './math32';
import { indicator64, nanMask64, select64 } from './math64';

@inline export function relu32(x: v128, mode: i32): v128 {
  // pmax(x, 0) = x < 0 ? 0 : x: one maxps, and a NaN x stays NaN.
  const y = f32x4.pmax(x, f32x4.splat(0.0));
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
  const y = f32x4.pmin(f32x4.pmax(x, f32x4.splat(0.0)), f32x4.splat(6.0));
  if (mode == FORWARD) return y;
  const inside = v128.and(f32x4.gt(x, f32x4.splat(0.0)), f32x4.lt(x, f32x4.splat(6.0)));
  const d = indicator32(inside, x);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function relu64(x: v128, mode: i32): v128 {
  const y = f64x2.pmax(x, f64x2.splat(0.0));
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
  const y = f64x2.pmin(f64x2.pmax(x, f64x2.splat(0.0)), f64x2.splat(6.0));
  if (mode == FORWARD) return y;
  const inside = v128.and(f64x2.gt(x, f64x2.splat(0.0)), f64x2.lt(x, f64x2.splat(6.0)));
  const d = indicator64(inside, x);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}
