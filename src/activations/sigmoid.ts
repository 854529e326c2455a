import { sigmoidDerivative, sigmoid as stableSigmoid } from '../math/stable.js';
import type { ActivationSpec } from './spec.js';

/**
 * Sigmoid: f(x) = 1 / (1 + e^-x), branched on sign so e^x never overflows.
 * f'(x) = f(x) f(-x) = e^-|x| / (1 + e^-|x|)^2.
 */
export const sigmoid: ActivationSpec<'sigmoid'> = {
  name: 'sigmoid',
  family: 'logistic',
  aliases: ['logistic'],
  title: 'Logistic sigmoid',
  formula: '1 / (1 + exp(-x))',
  derivativeFormula: 'sigmoid(x) * sigmoid(-x)',
  reference: 'logistic function',
  kinks: 'none',
  breakpoints: () => [],
  params: [],
  value: stableSigmoid,
  derivative: sigmoidDerivative,
};
