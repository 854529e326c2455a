// The logistic family: sigmoid, Swish / SiLU and softplus.
//   sigmoid: t = e^-|x|, r = 1/(1+t): s = r or t r; s' = t r^2.
//   swish (p0 = beta): x sigmoid(beta x), shared with GELU's sigmoid form (beta = 1.702); sigmoid(z)
//     and sigmoid(-z) both come from t = e^-|z| and r = 1/(1+t): no cancellation, no overflow.
//   softplus (p0 = beta, p1 = threshold): (max(z,0) + log1p(e^-|z|)) / beta, z = beta x; x when z > threshold.
import { FORWARD, valueOrDerivative } from './common';
import {
  expNegAbs,
  finiteBelow,
  log1pUnit,
  perWidth,
  reciprocalOnePlus,
  sigmoidFromParts,
  sigmoidNegFromParts,
  splat,
  where,
} from './math';

@inline export function sigmoid<T>(x: v128, mode: i32): v128 {
  const t = expNegAbs<T>(x);
  const r = reciprocalOnePlus<T>(t);
  const y = sigmoidFromParts<T>(x, t, r);
  if (mode == FORWARD) return y;
  const d = v128.mul<T>(v128.mul<T>(t, r), r);
  return valueOrDerivative(mode, y, d);
}

@inline export function softplus<T>(x: v128, mode: i32, beta: v128, threshold: v128): v128 {
  const z = v128.mul<T>(beta, x);
  const above = v128.gt<T>(z, threshold);
  const t = expNegAbs<T>(z);
  const sp = v128.div<T>(v128.add<T>(v128.pmax<T>(z, splat<T>(0.0)), log1pUnit<T>(t)), beta);
  const y = where(above, x, sp);
  if (mode == FORWARD) return y;
  const r = reciprocalOnePlus<T>(t);
  const d = where(above, splat<T>(1.0), sigmoidFromParts<T>(z, t, r));
  return valueOrDerivative(mode, y, d);
}

/** x sigmoid(beta x) (Swish/SiLU; GELU's sigmoid form with beta = 1.702): y' = s (1 + z (1 - s)). */
@inline export function xSigmoid<T>(x: v128, mode: i32, beta: v128): v128 {
  const z = v128.mul<T>(beta, x);
  const t = expNegAbs<T>(z);
  const r = reciprocalOnePlus<T>(t);
  const s = sigmoidFromParts<T>(z, t, r);
  const y = v128.mul<T>(finiteBelow<T>(x), s);
  if (mode == FORWARD) return y;
  // z clamped far beyond where s (1 - s) underflows, so z * sigmoid(-z) is never Inf * 0.
  const zc = v128.pmin<T>(v128.pmax<T>(z, perWidth<T>(-1e30, -1e300)), perWidth<T>(1e30, 1e300));
  const d = v128.add<T>(s, v128.mul<T>(s, v128.mul<T>(zc, sigmoidNegFromParts<T>(z, t, r))));
  return valueOrDerivative(mode, y, d);
}
