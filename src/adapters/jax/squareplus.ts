/**
 * Squareplus for jax-js: `(x + sqrt(x^2 + b)) / 2` (Barron 2021, arXiv:2112.11687; jax.nn.squareplus,
 * b = 4). For x < 0 it is evaluated as b / (2 (sqrt(x^2 + b) - x)), the same value without the
 * cancellation of x + sqrt(x^2 + b) (jax-js's nn.squareplus returns 0 below x ~ -2900 in float32).
 * Autodiff of these forms is stable too: f' = (1 + x/r) / 2 on x >= 0 and b (1 - x/r) / (2 (r - x)^2)
 * on x < 0, with r = sqrt(x^2 + b); second derivatives are exact. The first-order form (training) takes
 * f' = f / r beside the value.
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation, type KernelParams } from './define.js';
import { type JaxArray, withInfiniteLimits } from './math.js';

export interface SquareplusOptions {
  /** Curvature near 0, > 0 (default 4; f(0) = sqrt(b) / 2). */
  b?: number;
}

/** |x| above which x^2 would overflow float32 (2^60; x^2 overflows beyond ~1.8e19). */
const LARGE = 2 ** 60;

/** sqrt(v^2 + b), as |v| sqrt(1 + (b / |v|) / |v|) where v^2 would overflow. Consumes v. */
function hypotenuse(v: JaxArray, b: number): JaxArray {
  const magnitude = np.abs(v.ref);
  const large = magnitude.ref.greater(LARGE);
  // Each branch sees only its own inputs (others replaced by a harmless constant), so neither can
  // produce an Inf or NaN whose gradient leaks through `where`.
  const small = np.where(large.ref, 0, v);
  const big = np.where(large.ref, magnitude, LARGE);
  const direct = np.sqrt(small.ref.mul(small).add(b));
  const scaled = big.ref.mul(np.sqrt(np.reciprocal(big.ref).mul(b).div(big).add(1)));
  return np.where(large, scaled, direct);
}

/** Squareplus: `(x + sqrt(x^2 + b)) / 2`, default b = 4. */
export const squareplus: ActivationFunction<SquareplusOptions> = defineActivation(
  'squareplus',
  (x, p: KernelParams) => withInfiniteLimits(x, (finite) => squareplusFinite(finite, p.b as number), 'zero'),
  // f' = (1 + x/r) / 2 = f / r on both branches, r = sqrt(x^2 + b): no cancellation for x < 0 either.
  (x, p) => {
    const nonNegative = x.ref.greaterEqual(0);
    const r = hypotenuse(x.ref, p.b);
    const upper = x.ref.mul(0.5).add(r.ref.mul(0.5));
    // NaN takes this branch (x >= 0 is false) and keeps it; r - x > 0 here.
    const lower = np.reciprocal(r.ref.mul(0.5).sub(x.mul(0.5))).mul(p.b / 4);
    const value = np.where(nonNegative, upper, lower);
    return { value: value.ref, derivative: value.mul(np.reciprocal(r)) };
  },
);

/** Squareplus of finite x (the limits at +-Infinity are set by `withInfiniteLimits`). Consumes x. */
function squareplusFinite(x: JaxArray, b: number): JaxArray {
  const nonNegative = x.ref.greaterEqual(0);
  // NaN goes to the negative branch (x >= 0 is false), which keeps it.
  const positive = np.where(nonNegative.ref, x.ref, 0);
  const negative = np.where(nonNegative.ref, -1, x);
  // Halves first: x + r and r - x overflow float32 for |x| > 1.7e38.
  const upper = positive.ref.mul(0.5).add(hypotenuse(positive, b).mul(0.5));
  const lower = np.reciprocal(hypotenuse(negative.ref, b).mul(0.5).sub(negative.mul(0.5))).mul(b / 4);
  return np.where(nonNegative, upper, lower);
}
