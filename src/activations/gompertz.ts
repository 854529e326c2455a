import { gompertzDerivative, gompertzValue } from '../math/gompertz.js';
import { type ActivationSpec, type ParamSpec, positiveParam } from './spec.js';

/** The gate's parameters, shared with GoLU (x times this gate); all three learnable. */
export const GOMPERTZ_PARAMS: readonly ParamSpec[] = [
  { ...positiveParam('alpha', 1, 'output scale'), learnable: true },
  { ...positiveParam('beta', 1, 'gate displacement along x'), learnable: true },
  { ...positiveParam('gamma', 1, 'gate growth rate'), learnable: true },
];

/**
 * The Gompertz gate of GoLU on its own: f(x) = alpha * exp(-beta * exp(-gamma * x)), the CDF of a
 * (right-skewed) Gumbel distribution when alpha = 1.
 *
 * f'(x) = alpha * beta * gamma * e^{-gamma x} * exp(-beta e^{-gamma x}).
 * Das et al., NeurIPS 2025, arXiv:2502.03654.
 */
export const gompertz: ActivationSpec<'gompertz'> = {
  name: 'gompertz',
  family: 'golu',
  aliases: [],
  title: 'Gompertz gate',
  formula: 'alpha * exp(-beta * exp(-gamma * x))',
  derivativeFormula: 'alpha * beta * gamma * e^(-gamma x) * exp(-beta e^(-gamma x))',
  reference: 'Das et al., Gompertz Linear Units, NeurIPS 2025, arXiv:2502.03654',
  kinks: 'none',
  breakpoints: () => [],
  params: GOMPERTZ_PARAMS,
  value: (x, p) => gompertzValue(x, p.alpha, p.beta, p.gamma),
  derivative: (x, p) => gompertzDerivative(x, p.alpha, p.beta, p.gamma),
};
