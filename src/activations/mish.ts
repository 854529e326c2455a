import type { ActivationSpec } from './spec.js';

/** Past x = 20, tanh(softplus(x)) = 1 - 2e^{-2x} rounds to 1 and f(x) = x, f'(x) = 1 in float64. */
const SATURATION = 20;

/**
 * Mish: f(x) = x * tanh(softplus(x)).
 * With u = e^x and n = u (u + 2): tanh(softplus(x)) = n / (n + 2), exact algebra with no cancellation.
 *
 * f'(x) = tanh(sp(x)) + x sech^2(sp(x)) sigmoid(x) = n/(n+2) + 4 x u (u+1) / (n+2)^2.
 * Misra, "Mish: A Self Regularized Non-Monotonic Activation Function", arXiv:1908.08681.
 */
export const mish: ActivationSpec = {
  name: 'mish',
  aliases: [],
  title: 'Mish',
  formula: 'x * tanh(softplus(x))',
  derivativeFormula: 'tanh(sp(x)) + x * sech^2(sp(x)) * sigmoid(x)',
  reference: 'Misra, Mish, arXiv:1908.08681',
  kinks: 'none',
  params: [],
  value(x) {
    if (x !== x) return x;
    if (x > SATURATION) return x;
    if (x === Number.NEGATIVE_INFINITY) return -0;
    const u = Math.exp(x);
    const n = u * (u + 2);
    return (x * n) / (n + 2);
  },
  derivative(x) {
    if (x !== x) return x;
    if (x > SATURATION) return 1;
    if (x === Number.NEGATIVE_INFINITY) return -0;
    const u = Math.exp(x);
    const n = u * (u + 2);
    const d = n + 2;
    return n / d + (((4 * x * u) / d) * (u + 1)) / d;
  },
};
