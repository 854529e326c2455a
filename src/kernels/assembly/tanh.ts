// Tanh and softsign.
//   tanh: m = expm1(-2|x|): tanh|x| = -m / (2 + m) (no cancellation near 0);
//         tanh' = 1 - tanh^2 for |x| < 0.5, else 4t/(1+t)^2 with t = e^-2|x|.
//   softsign: x / (1+|x|) (+-1 at +-Inf); softsign' = 1/(1+|x|)^2.
import { FORWARD, valueOrDerivative } from './common';
import { exp, expm1, magnitude, signBit, splat, where } from './math';

@inline export function tanh<T>(x: v128, mode: i32): v128 {
  const a = magnitude<T>(x);
  const m = expm1<T>(v128.mul<T>(a, splat<T>(-2.0)));
  // |tanh x|, made non-negative (expm1(-0) may be +0, which would give -0 for x = +0).
  const ya = magnitude<T>(v128.div<T>(v128.neg<T>(m), v128.add<T>(splat<T>(2.0), m)));
  const y = v128.or(ya, signBit<T>(x));
  if (mode == FORWARD) return y;
  // |x| < 0.5: 1 - tanh^2 (no cancellation there, < 2 ulp); else 4t/(1+t)^2 with t = e^-2|x|,
  // which keeps its relative accuracy where tanh^2 rounds to 1.
  const t = exp<T>(v128.mul<T>(a, splat<T>(-2.0)));
  const s = v128.add<T>(splat<T>(1.0), t);
  const large = v128.div<T>(v128.mul<T>(splat<T>(4.0), t), v128.mul<T>(s, s));
  const small = v128.sub<T>(splat<T>(1.0), v128.mul<T>(ya, ya));
  const d = where(v128.lt<T>(a, splat<T>(0.5)), small, large);
  return valueOrDerivative(mode, y, d);
}

@inline export function softsign<T>(x: v128, mode: i32): v128 {
  const a = magnitude<T>(x);
  const s = v128.add<T>(splat<T>(1.0), a);
  const ratio = v128.div<T>(x, s);
  const y = where(v128.eq<T>(a, splat<T>(Infinity)), v128.or(splat<T>(1.0), signBit<T>(x)), ratio);
  if (mode == FORWARD) return y;
  // 1 / (s s): one division (r * r with r = 1/s rounds three times). (1+|x|)^2 = Inf gives 0.
  const d = v128.div<T>(splat<T>(1.0), v128.mul<T>(s, s));
  return valueOrDerivative(mode, y, d);
}
