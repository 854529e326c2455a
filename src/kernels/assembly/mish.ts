// Mish and FMish (flipped Mish), both from w = e^-|x| with one division for the value and
// the derivative: every numerator and denominator is a sum of positive terms (no cancellation).
//
// Mish gate G = tanh(softplus(x)):  x <= 0: n = w(w+2), G = n/(n+2), 1-G = 2/(n+2);
//                                   x >  0: n = 1+2w,  G = n/(n+2w^2), 1-G = 2w^2/(n+2w^2).
//   y' = G + x (1-G)(1+G) sigmoid(x).
// FMish gate g = 2/(v^2+2v+2), v = e^-x:  x >= 0: g = 2/D0, D0 = w^2+2w+2;
//                                         x <  0: g = 2w^2/D1, D1 = 2w^2+2w+1.
//   y' = g + x g h, h = 2w(w+1)/D0 (x >= 0) or 2(1+w)/D1 (x < 0).
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { abs32, exp32, select32 } from './math32';
import { abs64, exp64, select64 } from './math64';

@inline const F32_MAX: f32 = 3.4028234663852886e38;
@inline const F64_MAX: f64 = 1.7976931348623157e308;

@inline export function mish32(x: v128, mode: i32): v128 {
  const one = f32x4.splat(1.0);
  const two = f32x4.splat(2.0);
  const w = exp32(f32x4.neg(abs32(x)));
  const w2 = f32x4.mul(w, w);
  const positive = f32x4.gt(x, f32x4.splat(0.0));
  const num = select32(positive, f32x4.add(one, f32x4.add(w, w)), f32x4.mul(w, f32x4.add(w, two)));
  const den = f32x4.add(num, select32(positive, f32x4.add(w2, w2), two));
  const inv = f32x4.div(one, den);
  const gate = f32x4.mul(num, inv);
  const y = f32x4.mul(f32x4.pmax(x, f32x4.splat(-F32_MAX)), gate);
  if (mode == FORWARD) return y;
  const oneMinusGate = f32x4.mul(select32(positive, f32x4.add(w2, w2), two), inv);
  const sig = f32x4.div(select32(positive, one, w), f32x4.add(one, w));
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-F32_MAX)), f32x4.splat(F32_MAX));
  const d = f32x4.add(gate, f32x4.mul(xc, f32x4.mul(f32x4.mul(oneMinusGate, f32x4.add(one, gate)), sig)));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function fmish32(x: v128, mode: i32): v128 {
  const one = f32x4.splat(1.0);
  const two = f32x4.splat(2.0);
  const w = exp32(f32x4.neg(abs32(x)));
  const w2 = f32x4.mul(w, w);
  const nonNegative = f32x4.ge(x, f32x4.splat(0.0));
  // D0 = w(w+2) + 2, D1 = 1 + 2w(1+w)
  const wPlus1 = f32x4.add(w, one);
  const den = select32(nonNegative, f32x4.add(f32x4.mul(w, f32x4.add(w, two)), two), f32x4.add(one, f32x4.mul(f32x4.add(w, w), wPlus1)));
  const inv = f32x4.div(one, den);
  const gate = f32x4.mul(select32(nonNegative, two, f32x4.add(w2, w2)), inv);
  const y = f32x4.mul(f32x4.pmax(x, f32x4.splat(-F32_MAX)), gate);
  if (mode == FORWARD) return y;
  const h = f32x4.mul(select32(nonNegative, f32x4.mul(f32x4.add(w, w), wPlus1), f32x4.add(wPlus1, wPlus1)), inv);
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-F32_MAX)), f32x4.splat(F32_MAX));
  const d = f32x4.add(gate, f32x4.mul(xc, f32x4.mul(gate, h)));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function mish64(x: v128, mode: i32): v128 {
  const one = f64x2.splat(1.0);
  const two = f64x2.splat(2.0);
  const w = exp64(f64x2.neg(abs64(x)));
  const w2 = f64x2.mul(w, w);
  const positive = f64x2.gt(x, f64x2.splat(0.0));
  const num = select64(positive, f64x2.add(one, f64x2.add(w, w)), f64x2.mul(w, f64x2.add(w, two)));
  const den = f64x2.add(num, select64(positive, f64x2.add(w2, w2), two));
  const inv = f64x2.div(one, den);
  const gate = f64x2.mul(num, inv);
  const y = f64x2.mul(f64x2.pmax(x, f64x2.splat(-F64_MAX)), gate);
  if (mode == FORWARD) return y;
  const oneMinusGate = f64x2.mul(select64(positive, f64x2.add(w2, w2), two), inv);
  const sig = f64x2.div(select64(positive, one, w), f64x2.add(one, w));
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-F64_MAX)), f64x2.splat(F64_MAX));
  const d = f64x2.add(gate, f64x2.mul(xc, f64x2.mul(f64x2.mul(oneMinusGate, f64x2.add(one, gate)), sig)));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function fmish64(x: v128, mode: i32): v128 {
  const one = f64x2.splat(1.0);
  const two = f64x2.splat(2.0);
  const w = exp64(f64x2.neg(abs64(x)));
  const w2 = f64x2.mul(w, w);
  const nonNegative = f64x2.ge(x, f64x2.splat(0.0));
  const wPlus1 = f64x2.add(w, one);
  const den = select64(nonNegative, f64x2.add(f64x2.mul(w, f64x2.add(w, two)), two), f64x2.add(one, f64x2.mul(f64x2.add(w, w), wPlus1)));
  const inv = f64x2.div(one, den);
  const gate = f64x2.mul(select64(nonNegative, two, f64x2.add(w2, w2)), inv);
  const y = f64x2.mul(f64x2.pmax(x, f64x2.splat(-F64_MAX)), gate);
  if (mode == FORWARD) return y;
  const h = f64x2.mul(select64(nonNegative, f64x2.mul(f64x2.add(w, w), wPlus1), f64x2.add(wPlus1, wPlus1)), inv);
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-F64_MAX)), f64x2.splat(F64_MAX));
  const d = f64x2.add(gate, f64x2.mul(xc, f64x2.mul(gate, h)));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}
