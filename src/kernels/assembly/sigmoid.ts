// Sigmoid, tanh, softsign and softplus.
//   sigmoid: t = e^-|x|, r = 1/(1+t): s = r or t r; s' = t r^2.
//   tanh: m = expm1(-2|x|): tanh|x| = -m / (2 + m) (no cancellation near 0);
//         tanh' = 1 - tanh^2 for |x| < 0.5, else 4t/(1+t)^2 with t = e^-2|x|.
//   softsign: x / (1+|x|) (+-1 at +-Inf); softsign' = 1/(1+|x|)^2.
//   softplus (p0 = beta, p1 = threshold): (max(z,0) + log1p(e^-|z|)) / beta, z = beta x; x when z > threshold.
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { abs32, exp32, expm1_32, log1pUnit32, select32, sigmoidFromParts32, signBit32 } from './math32';
import { abs64, exp64, expm1_64, log1pUnit64, select64, sigmoidFromParts64, signBit64 } from './math64';

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

@inline export function tanh32(x: v128, mode: i32): v128 {
  const a = abs32(x);
  const m = expm1_32(f32x4.mul(a, f32x4.splat(-2.0)));
  const ya = f32x4.div(f32x4.neg(m), f32x4.add(f32x4.splat(2.0), m));
  const y = v128.or(ya, signBit32(x));
  if (mode == FORWARD) return y;
  // |x| < 0.5: 1 - tanh^2 (no cancellation there, < 2 ulp); else 4t/(1+t)^2 with t = e^-2|x|,
  // which keeps its relative accuracy where tanh^2 rounds to 1.
  const t = exp32(f32x4.mul(a, f32x4.splat(-2.0)));
  const s = f32x4.add(f32x4.splat(1.0), t);
  const large = f32x4.div(f32x4.mul(f32x4.splat(4.0), t), f32x4.mul(s, s));
  const small = f32x4.sub(f32x4.splat(1.0), f32x4.mul(ya, ya));
  const d = select32(f32x4.lt(a, f32x4.splat(0.5)), small, large);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function softsign32(x: v128, mode: i32): v128 {
  const a = abs32(x);
  const s = f32x4.add(f32x4.splat(1.0), a);
  const ratio = f32x4.div(x, s);
  const y = select32(f32x4.eq(a, f32x4.splat(Infinity)), v128.or(f32x4.splat(1.0), signBit32(x)), ratio);
  if (mode == FORWARD) return y;
  // 1 / (s s): one division (r * r with r = 1/s rounds three times). (1+|x|)^2 = Inf gives 0.
  const d = f32x4.div(f32x4.splat(1.0), f32x4.mul(s, s));
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

@inline export function tanh64(x: v128, mode: i32): v128 {
  const a = abs64(x);
  const m = expm1_64(f64x2.mul(a, f64x2.splat(-2.0)));
  const ya = f64x2.div(f64x2.neg(m), f64x2.add(f64x2.splat(2.0), m));
  const y = v128.or(ya, signBit64(x));
  if (mode == FORWARD) return y;
  // |x| < 0.5: 1 - tanh^2 (no cancellation there, < 2 ulp); else 4t/(1+t)^2 with t = e^-2|x|,
  // which keeps its relative accuracy where tanh^2 rounds to 1.
  const t = exp64(f64x2.mul(a, f64x2.splat(-2.0)));
  const s = f64x2.add(f64x2.splat(1.0), t);
  const large = f64x2.div(f64x2.mul(f64x2.splat(4.0), t), f64x2.mul(s, s));
  const small = f64x2.sub(f64x2.splat(1.0), f64x2.mul(ya, ya));
  const d = select64(f64x2.lt(a, f64x2.splat(0.5)), small, large);
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function softsign64(x: v128, mode: i32): v128 {
  const a = abs64(x);
  const s = f64x2.add(f64x2.splat(1.0), a);
  const ratio = f64x2.div(x, s);
  const y = select64(f64x2.eq(a, f64x2.splat(Infinity)), v128.or(f64x2.splat(1.0), signBit64(x)), ratio);
  if (mode == FORWARD) return y;
  const d = f64x2.div(f64x2.splat(1.0), f64x2.mul(s, s));
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
