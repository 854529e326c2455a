// The GEM family: gate g = T / (epsilon + T), T = x^(2n), formed as 1 / (1 + epsilon / T) so
// T = 0 and T = Inf need no special case. y = x g; y' = g (1 + 2n (1 - g)).
//   GEM: epsilon = 1, zero for x <= 0.   E-GEM: zero for x <= 0.
//   SE-GEM: the same rational on x < 0 scaled by lambda.
// Params: p0 = epsilon, p1 = 2n, p2 = lambda; n (integer) for the power.
// T = (x^2)^n by binary powering: relative error ~n ulp for large n (exact path: correctly rounded pow).
import { DERIVATIVE, FORWARD, derivativeOut } from './common';
import { select32 } from './math32';
import { select64 } from './math64';

@inline function pow32(base: v128, n: i32): v128 {
  let result = f32x4.splat(1.0);
  let b = base;
  let e = n;
  while (e > 0) {
    if (e & 1) result = f32x4.mul(result, b);
    e >>= 1;
    if (e > 0) b = f32x4.mul(b, b);
  }
  return result;
}

@inline function pow64(base: v128, n: i32): v128 {
  let result = f64x2.splat(1.0);
  let b = base;
  let e = n;
  while (e > 0) {
    if (e & 1) result = f64x2.mul(result, b);
    e >>= 1;
    if (e > 0) b = f64x2.mul(b, b);
  }
  return result;
}

/** `negativeBranch`: SE-GEM (lambda-scaled rational for x < 0); otherwise 0 for x <= 0. */
@inline export function gem32(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, n: i32, negativeBranch: bool): v128 {
  const t = pow32(f32x4.mul(x, x), n);
  const one = f32x4.splat(1.0);
  const g = f32x4.div(one, f32x4.add(one, f32x4.div(p0, t)));
  const xg = f32x4.mul(x, g);
  let y: v128;
  if (negativeBranch) {
    y = select32(f32x4.lt(x, f32x4.splat(0.0)), f32x4.mul(p2, xg), xg);
  } else {
    // andnot keeps NaN lanes (x <= 0 is false for NaN).
    y = v128.andnot(xg, f32x4.le(x, f32x4.splat(0.0)));
  }
  if (mode == FORWARD) return y;
  const dd = f32x4.mul(g, f32x4.add(one, f32x4.mul(p1, f32x4.sub(one, g))));
  let d: v128;
  if (negativeBranch) {
    d = select32(f32x4.lt(x, f32x4.splat(0.0)), f32x4.mul(p2, dd), dd);
  } else {
    d = v128.andnot(dd, f32x4.le(x, f32x4.splat(0.0)));
  }
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function gem64(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, n: i32, negativeBranch: bool): v128 {
  const t = pow64(f64x2.mul(x, x), n);
  const one = f64x2.splat(1.0);
  const g = f64x2.div(one, f64x2.add(one, f64x2.div(p0, t)));
  const xg = f64x2.mul(x, g);
  let y: v128;
  if (negativeBranch) {
    y = select64(f64x2.lt(x, f64x2.splat(0.0)), f64x2.mul(p2, xg), xg);
  } else {
    y = v128.andnot(xg, f64x2.le(x, f64x2.splat(0.0)));
  }
  if (mode == FORWARD) return y;
  const dd = f64x2.mul(g, f64x2.add(one, f64x2.mul(p1, f64x2.sub(one, g))));
  let d: v128;
  if (negativeBranch) {
    d = select64(f64x2.lt(x, f64x2.splat(0.0)), f64x2.mul(p2, dd), dd);
  } else {
    d = v128.andnot(dd, f64x2.le(x, f64x2.splat(0.0)));
  }
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}
