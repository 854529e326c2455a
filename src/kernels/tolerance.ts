/**
 * The documented tolerance of the fast kernels, used by their tests and by `npm run accuracy -- --path fast`.
 *
 * A fast result c for input x is accepted when it is within 4 ulp of the true value t, or its
 * absolute error is within the "gate" allowance 4 u |x| (u = 2^-24 for float32, 2^-53 for float64):
 * for f(x) = x g(x) that is an error of 4 u in the gate g. The same rule, unchanged, applies to every
 * activation and to derivatives as well as values, and NaN/Inf must match exactly (a NaN or
 * infinity where the true value is finite, or the reverse, is always a violation).
 *
 * Why the absolute term is needed at all: where a gate is tiny (GoLU and GELU far below 0, sigmoid
 * gates near underflow) the relative error of a float32 evaluation grows with the argument of the
 * inner exponential; the absolute error stays at the level of 1 ulp(1) of the gate.
 */

/** Unit roundoff of each format. */
export const UNIT_ROUNDOFF = { float32: 2 ** -24, float64: 2 ** -53 } as const;

/** Ulp bound of the kernel tolerance. */
export const KERNEL_ULP_TOLERANCE = 4;

export interface KernelToleranceQuery {
  readonly kind: 'forward' | 'derivative';
  readonly format: 'float32' | 'float64';
  readonly x: number;
  /** Error in ulps of the true value, in `format`. */
  readonly ulpError: number;
  /** |computed - true|. */
  readonly absError: number;
}

/** Absolute error allowed by the gate term at input x: 4 u |x|. */
export function gateAllowance(format: 'float32' | 'float64', x: number): number {
  return KERNEL_ULP_TOLERANCE * UNIT_ROUNDOFF[format] * Math.abs(x);
}

/** True when a finite fast result meets the kernel tolerance. */
export function withinKernelTolerance(q: KernelToleranceQuery): boolean {
  return q.ulpError <= KERNEL_ULP_TOLERANCE || q.absError <= gateAllowance(q.format, q.x);
}
