// Tanh and softsign.
//   tanh: m = expm1(-2|x|): tanh|x| = -m / (2 + m) (no cancellation near 0);
//         tanh' = 1 - tanh^2 for |x| < 0.5, else 4t/(1+t)^2 with t = e^-2|x|.
//   softsign: x / (1+|x|) (+-1 at +-Inf); softsign' = 1/(1+|x|)^2.
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { abs32, exp32, expm1_32, select32, signBit32 } from './math32';
import { abs64, exp64, expm1_64, select64, signBit64 } from './math64';

@inline export function tanh32(x: v128, mode: i32): v128 {
  const a = abs32(x);
  const m = expm1_32(f32x4.mul(a, f32x4.splat(-2.0)));
  // |tanh x|, made non-negative (expm1(-0) may be +0, which would give -0 for x = +0).
  const ya = abs32(f32x4.div(f32x4.neg(m), f32x4.add(f32x4.splat(2.0), m)));
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

@inline export function tanh64(x: v128, mode: i32): v128 {
  const a = abs64(x);
  const m = expm1_64(f64x2.mul(a, f64x2.splat(-2.0)));
  const ya = abs64(f64x2.div(f64x2.neg(m), f64x2.add(f64x2.splat(2.0), m)));
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
