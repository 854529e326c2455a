// Per-call parameter preparation helpers: the caller passes up to three raw catalog parameters
// (in the order of src/kernels/ops.ts); derived constants are formed here once, in float64.
// The per-op statements that call these are generated into generated/dispatch.ts from
// src/kernels/simd-dispatch.ts.
import { param0, param1, param2, param3, param4, paramN } from './common';

// Klambauer et al.'s SELU constants, as PyTorch.
@inline export const SELU_SCALE: f64 = 1.0507009873554804934193349852946;
@inline export const SELU_ALPHA: f64 = 1.6732632423543772848170429916717;
// GELU's sigmoid approximation x sigmoid(1.702 x).
@inline export const GELU_SIGMOID_BETA: f64 = 1.702;

/**
 * GoLU (`selfGated`) and the Gompertz gate: alpha, beta, -gamma, the cap on the inner exponential and
 * the derivative's factor. `wide` selects float64 limits (the cap must make beta * cap exceed the
 * format's underflow threshold).
 */
export function prepareGompertz(wide: bool, a: f64, b: f64, c: f64, selfGated: bool): void {
  param0 = a;
  param1 = b;
  param2 = -c;
  const cap = (wide ? 746.0 : 88.0) / b;
  const maxFinite = wide ? 1.7976931348623157e308 : 3.4028234663852886e38;
  param3 = cap < maxFinite ? cap : maxFinite;
  param4 = selfGated ? b * c : a * b * c;
}

/** GEM family: the order n, epsilon (1 for GEM), 2n and SE-GEM's lambda (0 otherwise). */
export function prepareGem(n: f64, epsilon: f64, lambda: f64): void {
  paramN = <i32>n;
  param0 = epsilon;
  param1 = 2.0 * n;
  param2 = lambda;
}
