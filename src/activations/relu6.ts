import type { ActivationSpec } from './spec.js';

/**
 * ReLU6: f(x) = min(max(x, 0), 6). f'(x) = 1 on (0, 6), 0 elsewhere including both kinks
 * (PyTorch's hardtanh backward). Krizhevsky 2010; MobileNets.
 */
export const relu6: ActivationSpec<'relu6'> = {
  name: 'relu6',
  family: 'rectifiers',
  aliases: [],
  title: 'ReLU6',
  formula: 'min(max(x, 0), 6)',
  derivativeFormula: '1 if 0 < x < 6 else 0',
  reference: 'Krizhevsky, Convolutional Deep Belief Networks on CIFAR-10, 2010',
  kinks: "x = 0 and x = 6: f' = 0",
  breakpoints: () => [0, 6],
  params: [],
  value: (x) => (x > 0 ? Math.min(x, 6) : x !== x ? x : 0),
  derivative: (x) => (x > 0 && x < 6 ? 1 : x !== x ? x : 0),
};
