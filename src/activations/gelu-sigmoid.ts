import { xSigmoidDerivative, xSigmoidValue } from '../math/self-gate.js';
import { SILU } from './generated/root-expansions.js';
import { type ActivationSpec, smooth } from './spec.js';

/** The constant of the sigmoid approximation (Hendrycks & Gimpel, section 2). */
const SIGMOID_SCALE = 1.702;
/** 1.702 - SIGMOID_SCALE: the decimal constant is not a double, and z = 1.702 x feeds e^z. */
const SIGMOID_SCALE_LO = 4.263256414560601e-17;

/**
 * GELU, sigmoid approximation: f(x) = x * sigmoid(1.702 x).
 *
 * f'(x) = s (1 + 1.702 x (1 - s)), s = sigmoid(1.702 x).
 * Hendrycks & Gimpel, arXiv:1606.08415. Max |f - gelu| ~ 2.1e-2.
 */
export const geluSigmoid: ActivationSpec<'gelu_sigmoid'> = smooth({
  name: 'gelu_sigmoid',
  family: 'gelu',
  aliases: ['quick_gelu'],
  title: 'GELU, sigmoid approximation',
  formula: 'x * sigmoid(1.702 x)',
  derivativeFormula: 's (1 + 1.702 x (1 - s)), s = sigmoid(1.702 x)',
  reference: 'Hendrycks & Gimpel, Gaussian Error Linear Units, arXiv:1606.08415',
  value: (x) => xSigmoidValue(x, SIGMOID_SCALE, SIGMOID_SCALE_LO),
  derivative: (x) => xSigmoidDerivative(x, SILU, SIGMOID_SCALE, SIGMOID_SCALE_LO),
});
