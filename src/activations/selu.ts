import type { ActivationSpec } from './spec.js';

/** The self-normalising constants of Klambauer et al. (as in PyTorch). */
const SCALE = 1.0507009873554804934193349852946;
const ALPHA = 1.6732632423543772848170429916717;

/**
 * SELU: f(x) = scale * (x if x > 0 else alpha * (e^x - 1)), scale ~ 1.0507, alpha ~ 1.6733.
 * f'(x) = scale for x > 0, scale * alpha * e^x for x <= 0 (f'(0) = scale * alpha, as PyTorch).
 * Klambauer et al., "Self-Normalizing Neural Networks", arXiv:1706.02515.
 */
export const selu: ActivationSpec<'selu'> = {
  name: 'selu',
  family: 'elu',
  aliases: [],
  title: 'Scaled Exponential Linear Unit',
  formula:
    'scale * (x if x > 0 else alpha * (exp(x) - 1)), scale = 1.0507009873554805, alpha = 1.6732632423543772',
  derivativeFormula: 'scale if x > 0 else scale * alpha * exp(x)',
  reference: 'Klambauer et al., Self-Normalizing Neural Networks, arXiv:1706.02515',
  kinks: "x = 0: f'(0) = scale * alpha",
  breakpoints: () => [0],
  params: [],
  value: (x) => SCALE * (x > 0 ? x : ALPHA * Math.expm1(x)),
  derivative: (x) => (x > 0 ? SCALE : SCALE * ALPHA * Math.exp(x)),
};
