import { goluDerivative, goluValue } from '../math/gompertz.js';
import { gompertzParameterised } from './gompertz.js';
import { type ActivationSpec, smooth } from './spec.js';

/**
 * GoLU, the Gompertz Linear Unit: f(x) = alpha * x * exp(-beta * exp(-gamma * x)).
 *
 * f'(x) = alpha * exp(-beta e^{-gamma x}) * (1 + beta gamma x e^{-gamma x}).
 * Das, Safari, Adriaensen, Hutter, "Gompertz Linear Units", NeurIPS 2025, arXiv:2502.03654;
 * parameterisation of the official code (github.com/automl/GoLU). Smooth everywhere; minimum at
 * x = -W(1) ~ -0.5671 for beta = gamma = 1. Computed in double-double internally (see math/gompertz.ts).
 */
export const golu: ActivationSpec<'golu'> = smooth({
  name: 'golu',
  family: 'golu',
  aliases: [],
  title: 'Gompertz Linear Unit',
  formula: 'alpha * x * exp(-beta * exp(-gamma * x))',
  derivativeFormula: 'alpha * exp(-beta e^(-gamma x)) * (1 + beta gamma x e^(-gamma x))',
  reference: 'Das et al., Gompertz Linear Units, NeurIPS 2025, arXiv:2502.03654; github.com/automl/GoLU',
  ...gompertzParameterised(goluValue, goluDerivative),
});
