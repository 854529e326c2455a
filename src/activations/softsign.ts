import type { ActivationSpec } from './spec.js';

/**
 * Softsign: f(x) = x / (1 + |x|). f'(x) = 1 / (1 + |x|)^2, formed as (1/(1+|x|))^2 so it does not overflow.
 * Bergstra et al. 2009; Glorot & Bengio 2010.
 */
export const softsign: ActivationSpec<'softsign'> = {
  name: 'softsign',
  family: 'tanh',
  aliases: [],
  title: 'Softsign',
  formula: 'x / (1 + |x|)',
  derivativeFormula: '1 / (1 + |x|)^2',
  reference: 'Glorot & Bengio, Understanding the difficulty of training deep feedforward networks, 2010',
  kinks: 'none (C^1)',
  breakpoints: () => [0],
  params: [],
  value: (x) => (Number.isFinite(x) ? x / (1 + Math.abs(x)) : x !== x ? x : Math.sign(x)),
  derivative(x) {
    const r = 1 / (1 + Math.abs(x));
    return r * r;
  },
};
