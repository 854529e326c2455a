import { rationalGateDerivative, rationalGateValue } from '../math/rational-gate.js';
import { gemEpsilon, gemN } from './gem-params.js';
import type { ActivationSpec } from './spec.js';

/**
 * E-GEM: f(x) = x^(2n+1) / (epsilon + x^(2n)) for x > 0, 0 for x <= 0. Tends to ReLU in every L^p
 * as epsilon -> 0 while staying C^(2n) at 0.
 *
 * f'(x) = x^(2n) ((2n+1) epsilon + x^(2n)) / (epsilon + x^(2n))^2 for x > 0, 0 for x <= 0.
 * Krause, GEM activations, arXiv:2604.21677.
 */
export const egem: ActivationSpec<'egem'> = {
  name: 'egem',
  family: 'gem',
  aliases: ['e_gem'],
  title: 'E-GEM (epsilon GEM)',
  formula: 'x^(2n+1) / (epsilon + x^(2n)) for x > 0, else 0',
  derivativeFormula: 'x^(2n) ((2n+1) epsilon + x^(2n)) / (epsilon + x^(2n))^2 for x > 0, else 0',
  reference: 'Krause, GEM activation functions, arXiv:2604.21677',
  kinks: 'none (C^(2n) at 0)',
  breakpoints: () => [],
  params: [gemN, gemEpsilon],
  value(x, p) {
    if (x !== x) return x;
    return x > 0 ? rationalGateValue(x, p.n, p.epsilon) : 0;
  },
  derivative(x, p) {
    if (x !== x) return x;
    return x > 0 ? rationalGateDerivative(x, p.n, p.epsilon) : 0;
  },
};
