import { xSigmoidDerivative, xSigmoidValue } from '../math/self-gate.js';
import { SILU } from './generated/root-expansions.js';
import { type ActivationSpec, positiveParam, smooth } from './spec.js';

/**
 * Swish / SiLU: f(x) = x * sigmoid(beta x).
 *
 * f'(x) = s (1 + beta x (1 - s)), s = sigmoid(beta x).
 * Ramachandran, Zoph, Le, "Searching for Activation Functions", arXiv:1710.05941; SiLU: Elfwing et al. 2017.
 */
export const swish: ActivationSpec<'swish'> = smooth({
  name: 'swish',
  family: 'logistic',
  aliases: ['silu'],
  title: 'Swish / SiLU',
  formula: 'x * sigmoid(beta x)',
  derivativeFormula: 's (1 + beta x (1 - s)), s = sigmoid(beta x)',
  reference: 'Ramachandran et al., Searching for Activation Functions, arXiv:1710.05941',
  params: [positiveParam('beta', 1, 'gate sharpness (beta = 1 is SiLU)')],
  value: (x, p) => xSigmoidValue(x, p.beta),
  derivative: (x, p) => xSigmoidDerivative(x, SILU, p.beta),
});
