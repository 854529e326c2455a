// GoLU and the Gompertz gate: g = exp(-beta e^(-gamma x)).
//
// Params (params.ts): p0 = alpha, p1 = beta, p2 = -gamma, p3 = cap on E = e^(-gamma x)
// (beta * cap > ln(smallest normal), so a capped E always gives g = 0 and g * E is never 0 * Inf),
// p4 = beta * gamma (GoLU) or alpha * beta * gamma (Gompertz).
//
// Accuracy: g's relative error is beta*E times E's, but g * beta*E <= 1/e, so the absolute gate
// error stays below ~2 ulp(1) for every x (the kernel tolerance's absolute gate term).
import { BOTH, DERIVATIVE, FORWARD, derivativeOut } from './common';
import { exp32 } from './math32';
import { exp64 } from './math64';

@inline const F32_MAX: f32 = 3.4028234663852886e38;
@inline const F64_MAX: f64 = 1.7976931348623157e308;

/** GoLU: y = alpha x g, y' = alpha (g + beta gamma x (g E)). */
@inline export function golu32(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  const e = f32x4.pmin(exp32(f32x4.mul(p2, x)), p3);
  const g = exp32(f32x4.neg(f32x4.mul(p1, e)));
  // -Inf * 0 would be NaN; the limits at +-Inf are +Inf/-0 (value) and alpha/0 (derivative).
  const y = f32x4.mul(p0, f32x4.mul(f32x4.pmax(x, f32x4.splat(-F32_MAX)), g));
  if (mode == FORWARD) return y;
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-F32_MAX)), f32x4.splat(F32_MAX));
  const d = f32x4.mul(p0, f32x4.add(g, f32x4.mul(p4, f32x4.mul(xc, f32x4.mul(g, e)))));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

/** Gompertz gate: y = alpha g, y' = alpha beta gamma (g E). */
@inline export function gompertz32(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  const e = f32x4.pmin(exp32(f32x4.mul(p2, x)), p3);
  const g = exp32(f32x4.neg(f32x4.mul(p1, e)));
  const y = f32x4.mul(p0, g);
  if (mode == FORWARD) return y;
  const d = f32x4.mul(p4, f32x4.mul(g, e));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function golu64(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  const e = f64x2.pmin(exp64(f64x2.mul(p2, x)), p3);
  const g = exp64(f64x2.neg(f64x2.mul(p1, e)));
  const y = f64x2.mul(p0, f64x2.mul(f64x2.pmax(x, f64x2.splat(-F64_MAX)), g));
  if (mode == FORWARD) return y;
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-F64_MAX)), f64x2.splat(F64_MAX));
  const d = f64x2.mul(p0, f64x2.add(g, f64x2.mul(p4, f64x2.mul(xc, f64x2.mul(g, e)))));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function gompertz64(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  const e = f64x2.pmin(exp64(f64x2.mul(p2, x)), p3);
  const g = exp64(f64x2.neg(f64x2.mul(p1, e)));
  const y = f64x2.mul(p0, g);
  if (mode == FORWARD) return y;
  const d = f64x2.mul(p4, f64x2.mul(g, e));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}
