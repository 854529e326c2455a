import type { ActivationSpec } from './spec.js';

/**
 * Leaky ReLU: f(x) = x for x > 0, slope * x otherwise. f'(x) = 1 for x > 0, slope for x <= 0
 * (f'(0) = slope, as PyTorch). Maas, Hannun, Ng, ICML 2013 workshop.
 */
export const leakyRelu: ActivationSpec<'leaky_relu'> = {
  name: 'leaky_relu',
  family: 'rectifiers',
  aliases: ['lrelu'],
  title: 'Leaky ReLU',
  formula: 'x if x > 0 else slope * x',
  derivativeFormula: '1 if x > 0 else slope',
  reference: 'Maas et al., Rectifier Nonlinearities Improve Neural Network Acoustic Models, 2013',
  kinks: "x = 0: f'(0) = slope",
  breakpoints: () => [0],
  params: [
    {
      name: 'slope',
      default: 0.01,
      min: 0,
      max: 1,
      minInclusive: true,
      maxInclusive: false,
      description: 'slope for x < 0',
    },
  ],
  value: (x, p) => (x > 0 ? x : p.slope * x),
  derivative: (x, p) => (x > 0 ? 1 : x !== x ? x : p.slope),
};
