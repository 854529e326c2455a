import { sech2 } from '../math/stable.js';
import { type ActivationSpec, smooth } from './spec.js';

/** Tanh: f(x) = tanh(x). f'(x) = sech^2(x) = 4 e^-2|x| / (1 + e^-2|x|)^2 (no 1 - tanh^2 cancellation). */
export const tanh: ActivationSpec<'tanh'> = smooth({
  name: 'tanh',
  family: 'tanh',
  aliases: [],
  title: 'Hyperbolic tangent',
  formula: 'tanh(x)',
  derivativeFormula: '1 - tanh(x)^2 = sech(x)^2',
  reference: 'hyperbolic tangent',
  value: Math.tanh,
  derivative: sech2,
});
