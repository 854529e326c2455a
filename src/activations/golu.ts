import { goluDerivative, goluValue } from '../math/gompertz.js';
import { GOMPERTZ_PARAMS } from './gompertz.js';
import type { ActivationSpec } from './spec.js';

/**
 * GoLU, the Gompertz Linear Unit: f(x) = alpha * x * exp(-beta * exp(-gamma * x)).
 *
 * f'(x) = alpha * exp(-beta e^{-gamma x}) * (1 + beta gamma x e^{-gamma x}).
 * Das, Safari, Adriaensen, Hutter, "Gompertz Linear Units", NeurIPS 2025, arXiv:2502.03654;
 * parameterisation of the official code (github.com/automl/GoLU). Smooth everywhere; minimum at
 * x = -W(1) ~ -0.5671 for beta = gamma = 1. Computed in double-double internally (see math/gompertz.ts).
 */
export const golu: ActivationSpec<'golu'> = {
  name: 'golu',
  family: 'golu',
  aliases: [],
  title: 'Gompertz Linear Unit',
  formula: 'alpha * x * exp(-beta * exp(-gamma * x))',
  derivativeFormula: 'alpha * exp(-beta e^(-gamma x)) * (1 + beta gamma x e^(-gamma x))',
  reference: 'Das et al., Gompertz Linear Units, NeurIPS 2025, arXiv:2502.03654; github.com/automl/GoLU',
  kinks: 'none',
  breakpoints: () => [],
  params: GOMPERTZ_PARAMS,
  value: (x, p) => goluValue(x, p.alpha, p.beta, p.gamma),
  derivative: (x, p) => goluDerivative(x, p.alpha, p.beta, p.gamma),
};
