// The GEM family: gate g = T / (epsilon + T), T = x^(2n), formed as 1 / (1 + epsilon / T) so
// T = 0 and T = Inf need no special case. y = x g; y' = g (1 + 2n (1 - g)).
//   GEM: epsilon = 1, zero for x <= 0.   E-GEM: zero for x <= 0.
//   SE-GEM: the same rational on x < 0 scaled by lambda.
// Params: p0 = epsilon, p1 = 2n, p2 = lambda; n (integer) for the power.
// T = (x^2)^n by binary powering: relative error ~n ulp for large n (exact path: correctly rounded pow).
import { FORWARD, valueOrDerivative } from './common';
import { splat, where } from './math';

@inline function integerPower<T>(base: v128, n: i32): v128 {
  let result = splat<T>(1.0);
  let b = base;
  let e = n;
  while (e > 0) {
    if (e & 1) result = v128.mul<T>(result, b);
    e >>= 1;
    if (e > 0) b = v128.mul<T>(b, b);
  }
  return result;
}

/**
 * The x <= 0 side of v (the value or the derivative on x > 0): SE-GEM (`negativeBranch`) scales it by
 * lambda for x < 0; the others are 0 there (andnot keeps NaN lanes: x <= 0 is false for NaN).
 */
@inline function negativeSide<T>(x: v128, v: v128, lambda: v128, negativeBranch: bool): v128 {
  if (negativeBranch) return where(v128.lt<T>(x, splat<T>(0.0)), v128.mul<T>(lambda, v), v);
  return v128.andnot(v, v128.le<T>(x, splat<T>(0.0)));
}

@inline export function gem<T>(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, n: i32, negativeBranch: bool): v128 {
  const t = integerPower<T>(v128.mul<T>(x, x), n);
  const one = splat<T>(1.0);
  const g = v128.div<T>(one, v128.add<T>(one, v128.div<T>(p0, t)));
  const y = negativeSide<T>(x, v128.mul<T>(x, g), p2, negativeBranch);
  if (mode == FORWARD) return y;
  const d = negativeSide<T>(x, v128.mul<T>(g, v128.add<T>(one, v128.mul<T>(p1, v128.sub<T>(one, g)))), p2, negativeBranch);
  return valueOrDerivative(mode, y, d);
}
