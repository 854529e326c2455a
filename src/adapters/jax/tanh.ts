/**
 * Odd squashing functions for jax-js: tanh and softsign.
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation } from './define.js';
import * as stable from './math.js';

/**
 * Hyperbolic tangent via expm1(-2|x|): relative accuracy near 0 (jax-js's np.tanh loses it below
 * |x| ~ 1e-3 on the wasm device).
 */
export const tanh: ActivationFunction<Record<string, never>> = defineActivation('tanh', stable.tanh, (x) =>
  stable.tanhWithDerivative(x),
);

/**
 * Softsign: `x / (1 + |x|)`; derivative 1 / (1 + |x|)^2. Glorot & Bengio, 2010.
 * For |x| >= 1 it is evaluated as sign(x) (1 - 1/(1 + |x|)), whose autodiff derivative is the
 * square 1/(1 + |x|)^2 itself rather than a difference of two nearly equal terms.
 */
export const softsign: ActivationFunction<Record<string, never>> = defineActivation(
  'softsign',
  (x) => {
    const magnitude = np.abs(x.ref);
    const small = magnitude.ref.less(1);
    // Double where: the direct form only sees |x| < 1 (at +-Infinity it would be Inf/Inf = NaN).
    const xSmall = np.where(small.ref, x.ref, 0);
    const direct = xSmall.div(np.abs(xSmall.ref).add(1));
    const saturating = np.reciprocal(magnitude.add(1)).neg().add(1);
    return np.where(small, direct, np.where(x.less(0), saturating.ref.neg(), saturating));
  },
  (x) => {
    // softsign' = 1 / (1 + |x|)^2.
    const magnitude = np.abs(x.ref);
    const small = magnitude.ref.less(1);
    const inverse = np.reciprocal(magnitude.add(1));
    const direct = x.ref.mul(inverse.ref);
    const saturating = inverse.ref.neg().add(1);
    const value = np.where(small, direct, np.where(x.less(0), saturating.ref.neg(), saturating));
    return { value, derivative: inverse.ref.mul(inverse) };
  },
);
