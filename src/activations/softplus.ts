import { twoProd } from '../math/double-double.js';
import { sigmoidPair } from '../math/stable.js';
import { type ActivationSpec, positiveParam } from './spec.js';

/**
 * Softplus: f(x) = log(1 + e^(beta x)) / beta, reverting to x when beta * x > threshold (PyTorch's
 * definition; the jump there is log1p(e^-threshold)/beta ~ 2e-9). Evaluated as
 * (max(z, 0) + log1p(e^-|z|)) / beta, z = beta x: no overflow for large x. z is carried as a
 * double-double (beta != 1), the threshold test uses the exact product, and results below the
 * normal range are formed as e^(z/2) e^(z/2) and rounded once (accuracy harness, sampled beta and threshold).
 *
 * f'(x) = sigmoid(beta x), and 1 above the threshold. Dugas et al., NeurIPS 2000.
 */
export const softplus: ActivationSpec<'softplus'> = {
  name: 'softplus',
  family: 'logistic',
  aliases: [],
  title: 'Softplus',
  formula: 'log(1 + exp(beta x)) / beta, or x when beta x > threshold',
  derivativeFormula: 'sigmoid(beta x), or 1 when beta x > threshold',
  reference: 'Dugas et al., Incorporating Second-Order Functional Knowledge, NeurIPS 2000; torch.nn.Softplus',
  kinks: 'beta x = threshold: f jumps by log1p(exp(-threshold))/beta (PyTorch convention)',
  breakpoints: (p) => (Number.isFinite(p.threshold) ? [p.threshold / p.beta] : []),
  params: [
    positiveParam('beta', 1, 'sharpness'),
    {
      name: 'threshold',
      default: 20,
      min: 0,
      max: Number.POSITIVE_INFINITY,
      minInclusive: false,
      maxInclusive: true,
      description: 'above beta x > threshold, return x (Infinity disables)',
    },
  ],
  value(x, p) {
    if (x !== x) return x;
    const [zh, zl] = scaledInput(x, p.beta);
    if (aboveThreshold(zh, zl, p.threshold)) return x;
    // beta x overflowing (x near MAX_VALUE, beta > 1, threshold Infinity): f(x) = x + tiny.
    if (zh === Number.POSITIVE_INFINITY) return x;
    if (zh > 0) return (zh + (zl + Math.log1p(Math.exp(-zh) * (1 - zl)))) / p.beta;
    // log1p(e^z) ~ e^z: where e^z leaves the normal range, e^z = h * h with h = e^(z/2) (z/2 is
    // exact), so the result is rounded once at the end instead of e^z losing bits as a subnormal.
    if (zh < -708) {
      const h = Math.exp(zh / 2);
      return ((h * (1 + zl)) / p.beta) * h;
    }
    const t = Math.exp(zh);
    return Math.log1p(t + t * zl) / p.beta;
  },
  derivative(x, p) {
    if (x !== x) return x;
    const [zh, zl] = scaledInput(x, p.beta);
    if (aboveThreshold(zh, zl, p.threshold)) return 1;
    // sigmoid(zh + zl) = s + zl s (1 - s) to first order (zl is below an ulp of zh).
    const [s, rest] = sigmoidPair(zh);
    return s + zl * s * rest;
  },
};

/**
 * z = beta x as a double-double: e^z amplifies the rounding of z by |z| (350 ulp at z = -700 in
 * plain float64). Beyond 2^996 the split would overflow; there z is far past any exp's range anyway.
 */
function scaledInput(x: number, beta: number): readonly [number, number] {
  return Math.abs(x) < 2 ** 996 && beta < 2 ** 996 ? twoProd(beta, x) : [beta * x, 0];
}

/** beta x > threshold for the exact product (a rounded one flips the rule next to the threshold). */
function aboveThreshold(zh: number, zl: number, threshold: number): boolean {
  return zh > threshold || (zh === threshold && zl > 0);
}
