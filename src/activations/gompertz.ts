import { gompertzDerivative, gompertzValue } from '../math/gompertz.js';
import { type ActivationSpec, type ParamSpec, type Params, positiveParam, smooth } from './spec.js';

/** The gate's parameters, shared with GoLU (x times this gate); all three learnable. */
const GOMPERTZ_PARAMS: readonly ParamSpec[] = [
  { ...positiveParam('alpha', 1, 'output scale'), learnable: true },
  { ...positiveParam('beta', 1, 'gate displacement along x'), learnable: true },
  { ...positiveParam('gamma', 1, 'gate growth rate'), learnable: true },
];

/** A float64 function of math/gompertz.ts: x and the three parameters. */
type GompertzFunction = (x: number, alpha: number, beta: number, gamma: number) => number;

/** The parameters and float64 functions of a Gompertz-family spec (the gate, and GoLU in golu.ts). */
export function gompertzParameterised(value: GompertzFunction, derivative: GompertzFunction) {
  return {
    params: GOMPERTZ_PARAMS,
    value: (x: number, p: Params) => value(x, p.alpha, p.beta, p.gamma),
    derivative: (x: number, p: Params) => derivative(x, p.alpha, p.beta, p.gamma),
  };
}

/**
 * The Gompertz gate of GoLU on its own: f(x) = alpha * exp(-beta * exp(-gamma * x)), the CDF of a
 * (right-skewed) Gumbel distribution when alpha = 1.
 *
 * f'(x) = alpha * beta * gamma * e^{-gamma x} * exp(-beta e^{-gamma x}).
 * Das et al., NeurIPS 2025, arXiv:2502.03654.
 */
export const gompertz: ActivationSpec<'gompertz'> = smooth({
  name: 'gompertz',
  family: 'golu',
  aliases: [],
  title: 'Gompertz gate',
  formula: 'alpha * exp(-beta * exp(-gamma * x))',
  derivativeFormula: 'alpha * beta * gamma * e^(-gamma x) * exp(-beta e^(-gamma x))',
  reference: 'Das et al., Gompertz Linear Units, NeurIPS 2025, arXiv:2502.03654',
  ...gompertzParameterised(gompertzValue, gompertzDerivative),
});
