import { type ActivationSpec, positiveParam } from './spec.js';

/**
 * ELU: f(x) = x for x > 0, alpha * (e^x - 1) otherwise (expm1, no cancellation near 0).
 * f'(x) = 1 for x > 0, alpha * e^x for x <= 0 (f'(0) = alpha, as PyTorch).
 * Clevert, Unterthiner, Hochreiter, arXiv:1511.07289.
 */
export const elu: ActivationSpec<'elu'> = {
  name: 'elu',
  family: 'elu',
  aliases: [],
  title: 'Exponential Linear Unit',
  formula: 'x if x > 0 else alpha * (exp(x) - 1)',
  derivativeFormula: '1 if x > 0 else alpha * exp(x)',
  reference: 'Clevert et al., Fast and Accurate Deep Network Learning by ELUs, arXiv:1511.07289',
  kinks: "x = 0 when alpha != 1: f'(0) = alpha",
  breakpoints: () => [0],
  // alpha = 0 is allowed (ELU is then ReLU with f'(0) = 0).
  params: [{ ...positiveParam('alpha', 1, 'saturation value -alpha for x -> -Inf'), minInclusive: true }],
  value: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x)),
  derivative: (x, p) => (x > 0 ? 1 : scaledExp(x, p.alpha)),
};

/**
 * alpha * e^x, rounded once where e^x alone would be subnormal (alpha * subnormal loses e^x's lost
 * bits times alpha: 39 ulp at x = -745 for alpha = 78): e^x = h * h with h = e^(x/2), x/2 exact.
 */
export function scaledExp(x: number, alpha: number): number {
  if (x >= -708) return alpha * Math.exp(x);
  const h = Math.exp(x / 2);
  return alpha * h * h;
}
