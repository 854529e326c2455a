/**
 * The logistic family for jax-js: sigmoid, Swish/SiLU and softplus, all from the sign-branched
 * stable sigmoid/softplus compositions (no overflow, no NaN gradients for any finite x).
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation, type KernelParams } from './define.js';
import * as stable from './math.js';

export interface SwishOptions {
  /** Gate sharpness, > 0 (default 1 = SiLU). */
  beta?: number;
}

export interface SoftplusOptions {
  /** Sharpness, > 0 (default 1). */
  beta?: number;
  /** Above beta * x > threshold, return x (PyTorch; default 20, Infinity disables). */
  threshold?: number;
}

/** Logistic sigmoid: `1 / (1 + exp(-x))`, branched on the sign of x. */
export const sigmoid: ActivationFunction<Record<string, never>> = defineActivation(
  'sigmoid',
  stable.sigmoid,
  (x) => stable.sigmoidWithDerivative(x),
);

/** Swish / SiLU: `x * sigmoid(beta * x)`. Ramachandran et al., arXiv:1710.05941. */
export const swish: ActivationFunction<SwishOptions> = defineActivation(
  'swish',
  (x, p: KernelParams) => {
    const beta = p.beta as number;
    return stable.finiteBelow(x.ref).mul(stable.sigmoid(beta === 1 ? x : x.mul(beta)));
  },
  (x, p) => stable.selfGatedWithDerivative(x, p.beta),
);

/**
 * Softplus: `log(1 + exp(beta x)) / beta`, and x where beta x > threshold (PyTorch's definition),
 * computed as (max(z, 0) + log1p(e^-|z|)) / beta: finite for every finite x (jax-js's
 * log(exp(x) + 1) is Inf beyond x = 88). Derivative sigmoid(beta x), and 1 above the threshold.
 */
export const softplus: ActivationFunction<SoftplusOptions> = defineActivation(
  'softplus',
  (x, p: KernelParams) => {
    const beta = p.beta as number;
    const threshold = p.threshold as number;
    const z = beta === 1 ? x.ref : x.ref.mul(beta);
    const smooth = beta === 1 ? stable.softplus(z.ref) : stable.softplus(z.ref).div(beta);
    return np.where(z.greater(threshold), x, smooth);
  },
  // softplus' = sigmoid(beta x), 1 above the threshold; the log1p shares sigmoid's exponential, and one
  // division gives both 1/(1 + e) and log1p's e/(2 + e): R = 1/((1 + e)(2 + e)).
  (x, p) => {
    const { beta, threshold } = p;
    const z = beta === 1 ? x.ref : x.ref.mul(beta);
    const negative = z.ref.less(0);
    const e = stable.expFlushed(np.where(negative.ref, z.ref, z.ref.neg()));
    const onePlusE = e.ref.add(1);
    const twoPlusE = e.ref.add(2);
    const r = np.reciprocal(onePlusE.ref.mul(twoPlusE.ref));
    const inverse = twoPlusE.mul(r.ref);
    const logPart = stable.log1pOfRatio(e.ref.mul(onePlusE).mul(r));
    const smooth0 = np.where(negative.ref, 0, z.ref).add(logPart);
    const smooth = beta === 1 ? smooth0 : smooth0.div(beta);
    const above = z.greater(threshold);
    const value = np.where(above.ref, x, smooth);
    const derivative = np.where(above, 1, np.where(negative, e.mul(inverse.ref), inverse));
    return { value, derivative };
  },
);

export { sigmoid as logistic, swish as silu };
