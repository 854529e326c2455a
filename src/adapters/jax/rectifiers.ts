/**
 * Piecewise-linear activations for jax-js: ReLU, leaky ReLU, PReLU (learnable slope), ReLU6.
 * Written with `where(x <= 0, ...)` so NaN propagates and the kink derivatives follow PyTorch.
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation, type KernelParams } from './define.js';
import type { JaxArray } from './math.js';

export interface LeakyReluOptions {
  /** Slope for x < 0, in [0, 1) (default 0.01). */
  slope?: number;
}

export interface PreluOptions {
  /** Slope for x < 0 (default 0.25); a number, or a learnable array broadcastable to x (consumed). */
  slope?: number | JaxArray;
}

/** ReLU: `relu(x) = max(x, 0)`; relu'(0) = 0. Nair & Hinton, ICML 2010. */
export const relu: ActivationFunction<Record<string, never>> = defineActivation('relu', (x) =>
  np.where(x.ref.lessEqual(0), 0, x),
);

function leaky(x: JaxArray, p: KernelParams): JaxArray {
  return np.where(x.ref.lessEqual(0), x.ref.mul(p.slope), x);
}

/** Leaky ReLU: `x if x > 0 else slope * x`; derivative at 0 is slope. Maas et al., 2013. */
export const leakyRelu: ActivationFunction<LeakyReluOptions> = defineActivation('leaky_relu', leaky);

/**
 * PReLU: `x if x > 0 else slope * x` with a learnable slope (an array, e.g. one per channel, whose
 * gradient is sum of x over x <= 0); derivative at 0 is slope. He et al., arXiv:1502.01852.
 */
export const prelu: ActivationFunction<PreluOptions> = defineActivation('prelu', leaky);

/** ReLU6: `min(max(x, 0), 6)`; derivative 0 at both kinks. */
export const relu6: ActivationFunction<Record<string, never>> = defineActivation('relu6', (x) =>
  np.where(x.ref.lessEqual(0), 0, np.where(x.ref.greaterEqual(6), 6, x)),
);

export { leakyRelu as lrelu };
