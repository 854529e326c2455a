import { sigmoid } from '../math/stable.js';
import { type ActivationSpec, positiveParam } from './spec.js';

/**
 * Softplus: f(x) = log(1 + e^(beta x)) / beta, reverting to x when beta * x > threshold (PyTorch's
 * definition; the jump there is log1p(e^-threshold)/beta ~ 2e-9). Evaluated as
 * (max(z, 0) + log1p(e^-|z|)) / beta, z = beta x: no overflow for large x.
 *
 * f'(x) = sigmoid(beta x), and 1 above the threshold. Dugas et al., NeurIPS 2000.
 */
export const softplus: ActivationSpec<'softplus'> = {
  name: 'softplus',
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
    const z = p.beta * x;
    if (z > p.threshold) return x;
    return (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / p.beta;
  },
  derivative(x, p) {
    const z = p.beta * x;
    if (z > p.threshold) return 1;
    return sigmoid(z);
  },
};
