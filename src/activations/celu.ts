import type { ActivationSpec } from './spec.js';

/**
 * CELU: f(x) = x for x > 0, alpha * (e^(x/alpha) - 1) otherwise. C^1 for every alpha.
 * f'(x) = 1 for x > 0, e^(x/alpha) for x <= 0. Barron, "Continuously Differentiable ELUs", arXiv:1704.07483.
 */
export const celu: ActivationSpec = {
  name: 'celu',
  aliases: [],
  title: 'Continuously Differentiable ELU',
  formula: 'x if x > 0 else alpha * (exp(x / alpha) - 1)',
  derivativeFormula: '1 if x > 0 else exp(x / alpha)',
  reference: 'Barron, Continuously Differentiable Exponential Linear Units, arXiv:1704.07483',
  kinks: 'none (C^1)',
  params: [
    {
      name: 'alpha',
      default: 1,
      min: 0,
      max: Number.POSITIVE_INFINITY,
      minInclusive: false,
      maxInclusive: false,
      description: 'saturation value -alpha for x -> -Inf',
    },
  ],
  value: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x / p.alpha)),
  derivative: (x, p) => (x > 0 ? 1 : Math.exp(x / p.alpha)),
};
