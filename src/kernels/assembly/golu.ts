// GoLU and the Gompertz gate: g = exp(-beta e^(-gamma x)).
//
// Params (params.ts): p0 = alpha, p1 = beta, p2 = -gamma, p3 = cap on E = e^(-gamma x)
// (beta * cap > ln(smallest normal), so a capped E always gives g = 0 and g * E is never 0 * Inf),
// p4 = beta * gamma (GoLU) or alpha * beta * gamma (Gompertz).
//
// Accuracy: g's relative error is beta*E times E's, but g * beta*E <= 1/e, so the absolute gate
// error stays below ~2 ulp(1) for every x (the kernel tolerance's absolute gate term).
import { FORWARD, valueOrDerivative } from './common';
import { clampFinite, exp, finiteBelow } from './math';

/** E = min(e^(-gamma x), cap). */
@inline function cappedInner<T>(x: v128, p2: v128, p3: v128): v128 {
  return v128.pmin<T>(exp<T>(v128.mul<T>(p2, x)), p3);
}

/** The gate g = e^(-beta E). */
@inline function gompertzGate<T>(e: v128, p1: v128): v128 {
  return exp<T>(v128.neg<T>(v128.mul<T>(p1, e)));
}

/** GoLU: y = alpha x g, y' = alpha (g + beta gamma x (g E)). */
@inline export function golu<T>(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  const e = cappedInner<T>(x, p2, p3);
  const g = gompertzGate<T>(e, p1);
  // -Inf * 0 would be NaN; the limits at +-Inf are +Inf/-0 (value) and alpha/0 (derivative).
  const y = v128.mul<T>(p0, v128.mul<T>(finiteBelow<T>(x), g));
  if (mode == FORWARD) return y;
  const xc = clampFinite<T>(x);
  const d = v128.mul<T>(p0, v128.add<T>(g, v128.mul<T>(p4, v128.mul<T>(xc, v128.mul<T>(g, e)))));
  return valueOrDerivative(mode, y, d);
}

/** Gompertz gate: y = alpha g, y' = alpha beta gamma (g E). */
@inline export function gompertz<T>(x: v128, mode: i32, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  const e = cappedInner<T>(x, p2, p3);
  const g = gompertzGate<T>(e, p1);
  const y = v128.mul<T>(p0, g);
  if (mode == FORWARD) return y;
  const d = v128.mul<T>(p4, v128.mul<T>(g, e));
  return valueOrDerivative(mode, y, d);
}
