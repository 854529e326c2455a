import type { ActivationSpec } from './spec.js';

/**
 * ReLU: f(x) = max(x, 0). f'(x) = 1 for x > 0, 0 for x <= 0 (f'(0) = 0, the PyTorch/JAX convention).
 * f(x) = +0 for every x <= 0, including -0. Nair & Hinton, ICML 2010.
 */
export const relu: ActivationSpec<'relu'> = {
  name: 'relu',
  family: 'rectifiers',
  aliases: [],
  title: 'Rectified Linear Unit',
  formula: 'max(x, 0)',
  derivativeFormula: '1 if x > 0 else 0',
  reference: 'Nair & Hinton, Rectified Linear Units Improve Restricted Boltzmann Machines, ICML 2010',
  kinks: "x = 0: f'(0) = 0",
  breakpoints: () => [0],
  params: [],
  value: (x) => (x > 0 ? x : x !== x ? x : 0),
  derivative: (x) => (x > 0 ? 1 : x !== x ? x : 0),
};
