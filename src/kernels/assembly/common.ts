// Shared state of the kernels: the evaluation mode and the per-call parameter slots.
//
// Each activation is one @inline generic function `name<T>(x, mode, p0..p4, n)` over the lane type
// (T = f32: f32x4 lanes, T = f64: f64x2; see math.ts) that computes what `mode` asks for. The loops in
// loops.ts call it with a constant mode, so the optimizer drops the unused half (forward-only loops
// never compute the derivative).

/** y = f(x). */
@inline export const FORWARD: i32 = 0;
/** f'(x) (the backward loop multiplies it by dy). */
@inline export const DERIVATIVE: i32 = 1;
/** y = f(x) returned, f'(x) left in `derivativeOut` (the fused forward-with-derivative loop). */
@inline export const BOTH: i32 = 2;

/** Second result of a BOTH evaluation (a global, because a function returns one v128). */
export let derivativeOut: v128 = i32x4(0, 0, 0, 0);

/**
 * The end of every lane function, after `if (mode == FORWARD) return y;` and the derivative d:
 * DERIVATIVE returns d; BOTH returns y and leaves d in `derivativeOut`.
 */
@inline export function valueOrDerivative(mode: i32, y: v128, d: v128): v128 {
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

// Parameters of the current call, prepared once per call by `prepareParams` (params.ts) in
// float64 and splatted to the lanes by the loop. Scalar globals: no data segment.
export let param0: f64 = 0;
export let param1: f64 = 0;
export let param2: f64 = 0;
export let param3: f64 = 0;
export let param4: f64 = 0;
export let param5: f64 = 0;
/** An integer parameter (GEM's n). */
export let paramN: i32 = 0;
