import type { ActivationSpec } from './spec.js';

/**
 * PReLU: f(x) = x for x > 0, slope * x otherwise, with a learnable slope (default 0.25).
 * f'(x) = 1 for x > 0, slope for x <= 0 (f'(0) = slope); d f / d slope = min(x, 0).
 * He, Zhang, Ren, Sun, "Delving Deep into Rectifiers", arXiv:1502.01852.
 */
export const prelu: ActivationSpec<'prelu'> = {
  name: 'prelu',
  family: 'rectifiers',
  aliases: [],
  title: 'Parametric ReLU',
  formula: 'x if x > 0 else slope * x  (slope learnable)',
  derivativeFormula: '1 if x > 0 else slope',
  reference: 'He et al., Delving Deep into Rectifiers, arXiv:1502.01852',
  kinks: "x = 0: f'(0) = slope",
  breakpoints: () => [0],
  params: [
    {
      name: 'slope',
      default: 0.25,
      min: Number.NEGATIVE_INFINITY,
      max: Number.POSITIVE_INFINITY,
      minInclusive: false,
      maxInclusive: false,
      learnable: true,
      description: 'learnable slope for x < 0 (any finite value)',
    },
  ],
  value: (x, p) => (x > 0 ? x : p.slope * x),
  derivative: (x, p) => (x > 0 ? 1 : x !== x ? x : p.slope),
};
