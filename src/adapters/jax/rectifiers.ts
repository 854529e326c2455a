/**
 * Rectifiers for jax-js: ReLU, leaky ReLU, PReLU (learnable slope), ReLU6 and hard swish.
 * Written with `where(x <= 0, ...)` so the kink derivatives follow PyTorch; NaN in gives NaN out for
 * the value and the gradient (withNaNGradient: `where` alone would route NaN's cotangent into the
 * x > 0 branch, slope 1).
 */
import { lax, numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation, type KernelParams } from './define.js';
import { type JaxArray, withInfiniteLimits, withNaNGradient } from './math.js';

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
  withNaNGradient(x.ref, np.where(x.ref.lessEqual(0), 0, x)),
);

function leaky(x: JaxArray, p: KernelParams): JaxArray {
  return withNaNGradient(x.ref, np.where(x.ref.lessEqual(0), x.ref.mul(p.slope), x));
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
  withNaNGradient(x.ref, np.where(x.ref.lessEqual(0), 0, np.where(x.ref.greaterEqual(6), 6, x))),
);

/**
 * Hard swish: `x * relu6(x + 3) / 6` (Howard et al., MobileNetV3, 2019). Derivative (2x + 3) / 6 on
 * [-3, 3] including both ends, as PyTorch's hardswish_backward (f'(-3) = -1/2, f'(3) = 3/2), 0 below
 * and 1 above.
 *
 * Each piece is a polynomial of degree <= 2, so its expansion around s = stop_gradient(x),
 * F(s) + u F'(s) + u^2 F''(s) / 2 with u = x - s (0, carrying the tangent), is exact: grad, jvp and
 * second derivatives are the closed forms, and F'(s) = (2s + 3) / 6 is exact near its zero at -1.5
 * (autodiff of x (x + 3) / 6 would add x + 3 and x, which cancels there).
 */
export const hardSwish: ActivationFunction<Record<string, never>> = defineActivation('hard_swish', (x) =>
  // u = x - s is NaN at +-Infinity: the limits (0 with slope 0, x with slope 1) are set outside.
  withInfiniteLimits(x, hardSwishFinite, 'zero'),
);

function hardSwishFinite(x: JaxArray): JaxArray {
  const s = lax.stopGradient(x.ref);
  const u = x.sub(s.ref);
  const c = np.clip(s.ref, -3, 3); // finite middle piece at +-Infinity
  const below = s.ref.less(-3);
  const above = s.ref.greater(3);
  const value = np.where(below.ref, 0, np.where(above.ref, s, c.ref.mul(c.ref.add(3)).div(6)));
  const slope = np.where(below.ref, 0, np.where(above.ref, 1, c.ref.add(c).add(3).div(6)));
  const halfCurvature = np.where(below, 0, np.where(above, 0, 1 / 6));
  return value.add(u.ref.mul(slope.add(u.mul(halfCurvature))));
}

export { hardSwish as hardswish, leakyRelu as lrelu };
