/**
 * The exponential linear units for jax-js: ELU, SELU, CELU (expm1 without cancellation near 0).
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation, type KernelParams } from './define.js';
import { expFlushed, expm1, expm1Given, type JaxArray } from './math.js';

export interface EluOptions {
  /** Saturation value -alpha for x -> -Inf (ELU: alpha >= 0, CELU: alpha > 0; default 1). */
  alpha?: number;
}

/** The SELU constants of Klambauer et al. (as in PyTorch). */
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** x for x > 0, scale * expm1(x / width) otherwise; the exponential sees only x <= 0 (double where). */
function exponentialLinear(x: JaxArray, scale: number, width: number): JaxArray {
  const positive = x.ref.greater(0);
  const xNegative = np.where(positive.ref, 0, x.ref);
  const negativeBranch = expm1(width === 1 ? xNegative : xNegative.mul(1 / width)).mul(scale);
  return np.where(positive, x, negativeBranch);
}

/**
 * The same with its derivative: 1 for x > 0, (scale / width) e^(x / width) otherwise (expm1 shares the
 * exponential). Consumes x.
 */
function exponentialLinearFirstOrder(x: JaxArray, scale: number, width: number, outerScale: number) {
  const positive = x.ref.greater(0);
  const xNegative = np.where(positive.ref, 0, x.ref);
  const z = width === 1 ? xNegative : xNegative.mul(1 / width);
  const e = expFlushed(z.ref);
  const negativeBranch = expm1Given(z, e.ref).mul(scale * outerScale);
  const value = np.where(positive.ref, outerScale === 1 ? x : x.mul(outerScale), negativeBranch);
  const derivative = np.where(positive, outerScale, e.mul((scale * outerScale) / width));
  return { value, derivative };
}

/** ELU: `x if x > 0 else alpha * (exp(x) - 1)`; elu'(0) = alpha. Clevert et al., arXiv:1511.07289. */
export const elu: ActivationFunction<EluOptions> = defineActivation(
  'elu',
  (x, p: KernelParams) => exponentialLinear(x, p.alpha as number, 1),
  (x, p) => exponentialLinearFirstOrder(x, p.alpha, 1, 1),
);

/**
 * SELU: `scale * (x if x > 0 else alpha * (exp(x) - 1))` with scale ~ 1.0507, alpha ~ 1.6733;
 * selu'(0) = scale * alpha. Klambauer et al., arXiv:1706.02515.
 */
export const selu: ActivationFunction<Record<string, never>> = defineActivation(
  'selu',
  (x) => exponentialLinear(x, SELU_ALPHA, 1).mul(SELU_SCALE),
  (x) => exponentialLinearFirstOrder(x, SELU_ALPHA, 1, SELU_SCALE),
);

/** CELU: `x if x > 0 else alpha * (exp(x / alpha) - 1)`; C^1. Barron, arXiv:1704.07483. */
export const celu: ActivationFunction<EluOptions> = defineActivation(
  'celu',
  (x, p: KernelParams) => {
    const alpha = p.alpha as number;
    return exponentialLinear(x, alpha, alpha);
  },
  (x, p) => exponentialLinearFirstOrder(x, p.alpha, p.alpha, 1),
);
