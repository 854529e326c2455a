import { rationalGateDerivative, rationalGateValue } from '../math/rational-gate.js';
import { gemN } from './gem-params.js';
import type { ActivationSpec } from './spec.js';

/**
 * GEM: f(x) = x^(2n+1) / (1 + x^(2n)) for x > 0, 0 for x <= 0. Rational; its gate x^(2n)/(1+x^(2n))
 * is a log-logistic CDF. C^(2n) at 0 (every derivative up to order 2n vanishes there from both sides).
 *
 * f'(x) = x^(2n) ((2n+1) + x^(2n)) / (1 + x^(2n))^2 for x > 0, 0 for x <= 0.
 * Krause, GEM activations, arXiv:2604.21677.
 */
export const gem: ActivationSpec<'gem'> = {
  name: 'gem',
  family: 'gem',
  aliases: [],
  title: 'GEM (rational log-logistic gate)',
  formula: 'x^(2n+1) / (1 + x^(2n)) for x > 0, else 0',
  derivativeFormula: 'x^(2n) ((2n+1) + x^(2n)) / (1 + x^(2n))^2 for x > 0, else 0',
  reference: 'Krause, GEM activation functions, arXiv:2604.21677',
  kinks: 'none (C^(2n) at 0)',
  breakpoints: () => [],
  params: [gemN],
  value(x, p) {
    if (x !== x) return x;
    return x > 0 ? rationalGateValue(x, p.n, 1) : 0;
  },
  derivative(x, p) {
    if (x !== x) return x;
    return x > 0 ? rationalGateDerivative(x, p.n, 1) : 0;
  },
};
