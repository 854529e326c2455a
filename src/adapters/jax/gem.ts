/**
 * The GEM family (GEM, E-GEM, SE-GEM) for jax-js: rational gates with integer powers.
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation, type KernelParams } from './define.js';
import { integerPower, type JaxArray, withInfiniteLimits } from './math.js';

export interface GemOptions {
  /** Order, a whole number in [1, 64] (default 1); the function is C^(2n) at 0. */
  n?: number;
}

export interface EgemOptions extends GemOptions {
  /** Smoothing scale, > 0 (default 1e-4). */
  epsilon?: number;
}

export interface SegemOptions extends EgemOptions {
  /** Slope scale of the negative branch, in (0, 1] (default 0.01). */
  lambda?: number;
}

/**
 * r(x) = x^(2n+1) / (epsilon + x^(2n)), odd in x, without overflow: for |x| <= 1 directly
 * (x^(2n) <= 1), for |x| > 1 as x / (1 + epsilon x^(-2n)). Powers are repeated products, not
 * exp(m log x): exact up to rounding and differentiable to every order. Consumes x.
 */
function rationalGate(x: JaxArray, n: number, epsilon: number): JaxArray {
  // r(x) ~ x at +-Infinity (value and slope 1), where the far form would meet Inf * 0.
  return withInfiniteLimits(x, (finite) => finiteRationalGate(finite, n, epsilon), 'identity');
}

function finiteRationalGate(x: JaxArray, n: number, epsilon: number): JaxArray {
  const inner = np.abs(x.ref).lessEqual(1);
  const xInner = np.where(inner.ref, x.ref, 0);
  const power = integerPower(xInner.ref, 2 * n);
  const nearZero = xInner.mul(power.ref).div(power.add(epsilon));
  const xOuter = np.where(inner.ref, 2, x);
  const inversePower = integerPower(np.reciprocal(xOuter.ref), 2 * n);
  const far = xOuter.div(inversePower.mul(epsilon).add(1));
  return np.where(inner, nearZero, far);
}

/**
 * r and r' side by side (first-order forms; infinities are handled by the form): with P = x^(2n),
 * r' = P (epsilon (2n+1) + P) / (epsilon + P)^2 for |x| <= 1, and with v = x^(-2n),
 * r' = (1 + epsilon (2n+1) v) / (1 + epsilon v)^2 beyond (no overflow). Consumes x.
 */
function rationalGateWithDerivative(x: JaxArray, n: number, epsilon: number) {
  const inner = np.abs(x.ref).lessEqual(1);
  const xInner = np.where(inner.ref, x.ref, 0);
  const power = integerPower(xInner.ref, 2 * n);
  const innerDenominator = np.reciprocal(power.ref.add(epsilon));
  const nearZero = xInner.mul(power.ref).mul(innerDenominator.ref);
  const nearSlope = power.ref
    .mul(power.add(epsilon * (2 * n + 1)))
    .mul(innerDenominator.ref)
    .mul(innerDenominator);
  const xOuter = np.where(inner.ref, 2, x);
  const inversePower = integerPower(np.reciprocal(xOuter.ref), 2 * n);
  const outerDenominator = np.reciprocal(inversePower.ref.mul(epsilon).add(1));
  const far = xOuter.mul(outerDenominator.ref);
  const farSlope = inversePower
    .mul(epsilon * (2 * n + 1))
    .add(1)
    .mul(outerDenominator.ref)
    .mul(outerDenominator);
  return {
    value: np.where(inner.ref, nearZero, far),
    derivative: np.where(inner, nearSlope, farSlope),
  };
}

/** GEM and E-GEM's first-order rule: r and r' for x > 0, 0 for x <= 0. Consumes x. */
function positiveSideWithDerivative(x: JaxArray, n: number, epsilon: number) {
  const off = x.ref.lessEqual(0);
  const { value, derivative } = rationalGateWithDerivative(x, n, epsilon);
  return { value: np.where(off.ref, 0, value), derivative: np.where(off, 0, derivative) };
}

/** Zero for x <= 0 (NaN stays NaN). */
function positiveSide(x: JaxArray, n: number, epsilon: number): JaxArray {
  return np.where(x.ref.lessEqual(0), 0, rationalGate(x, n, epsilon));
}

/**
 * GEM: `gem(x) = x^(2n+1) / (1 + x^(2n))` for x > 0, else 0. Krause, arXiv:2604.21677.
 * C^(2n) at 0; derivatives of every order by autodiff.
 */
export const gem: ActivationFunction<GemOptions> = defineActivation(
  'gem',
  (x, p: KernelParams) => positiveSide(x, p.n as number, 1),
  (x, p) => positiveSideWithDerivative(x, p.n, 1),
);

/** E-GEM: `egem(x) = x^(2n+1) / (epsilon + x^(2n))` for x > 0, else 0. Krause, arXiv:2604.21677. */
export const egem: ActivationFunction<EgemOptions> = defineActivation(
  'egem',
  (x, p: KernelParams) => positiveSide(x, p.n as number, p.epsilon as number),
  (x, p) => positiveSideWithDerivative(x, p.n, p.epsilon),
);

/**
 * SE-GEM (the catalog's definition): E-GEM for x >= 0, `lambda * x^(2n+1) / (epsilon + x^(2n))` for
 * x < 0, so f' > 0 everywhere (no dead units) and f' -> lambda as x -> -Inf.
 */
export const segem: ActivationFunction<SegemOptions> = defineActivation(
  'segem',
  (x, p: KernelParams) => {
    const scale = np.where(x.ref.less(0), p.lambda as number, 1);
    return rationalGate(x, p.n as number, p.epsilon as number).mul(scale);
  },
  (x, p) => {
    const scale = np.where(x.ref.less(0), p.lambda, 1);
    const { value, derivative } = rationalGateWithDerivative(x, p.n, p.epsilon);
    return { value: value.mul(scale.ref), derivative: derivative.mul(scale) };
  },
);
