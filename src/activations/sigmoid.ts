import { sigmoidDerivative, sigmoid as stableSigmoid } from '../math/stable.js';
import { type ActivationSpec, smooth } from './spec.js';

/**
 * Sigmoid: f(x) = 1 / (1 + e^-x), branched on sign so e^x never overflows.
 * f'(x) = f(x) f(-x) = e^-|x| / (1 + e^-|x|)^2.
 */
export const sigmoid: ActivationSpec<'sigmoid'> = smooth({
  name: 'sigmoid',
  family: 'logistic',
  aliases: ['logistic'],
  title: 'Logistic sigmoid',
  formula: '1 / (1 + exp(-x))',
  derivativeFormula: 'sigmoid(x) * sigmoid(-x)',
  reference: 'logistic function',
  value: stableSigmoid,
  derivative: sigmoidDerivative,
});
