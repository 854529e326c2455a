import type { ActivationSpec } from './spec.js';

/**
 * FMish (Flipped Mish): f(x) = x * (1 - tanh(softplus(-x))).
 * With v = e^{-x}: 1 - tanh(softplus(-x)) = 2 / (v^2 + 2v + 2), so f(x) = 2x / (v^2 + 2v + 2) for
 * x >= 0 and, with p = e^x, f(x) = 2x p^2 / (1 + 2p + 2p^2) for x < 0 (no overflow either side).
 *
 * f'(x) = [2D + 4x v (v+1)] / D^2, D = v^2 + 2v + 2 (x >= 0);  2p^2 [E + 2x (1+p)] / E^2, E = 1 + 2p + 2p^2 (x < 0).
 * Introduced with GoLU: Das et al., NeurIPS 2025, arXiv:2502.03654.
 */
export const fmish: ActivationSpec = {
  name: 'fmish',
  aliases: ['flipped_mish'],
  title: 'Flipped Mish',
  formula: 'x * (1 - tanh(softplus(-x)))',
  derivativeFormula: '1 - tanh(sp(-x)) + x * sech^2(sp(-x)) * sigmoid(-x)',
  reference: 'Das et al., Gompertz Linear Units, NeurIPS 2025, arXiv:2502.03654',
  kinks: 'none',
  params: [],
  value(x) {
    if (x !== x) return x;
    if (x === Number.POSITIVE_INFINITY) return x;
    if (x >= 0) {
      const v = Math.exp(-x);
      return (2 * x) / (v * (v + 2) + 2);
    }
    if (x === Number.NEGATIVE_INFINITY) return -0;
    const p = Math.exp(x);
    return (2 * x * p * p) / (1 + 2 * p * (1 + p));
  },
  derivative(x) {
    if (x !== x) return x;
    if (x === Number.POSITIVE_INFINITY) return 1;
    if (x >= 0) {
      const v = Math.exp(-x);
      const d = v * (v + 2) + 2;
      return 2 / d + (((4 * x * v) / d) * (v + 1)) / d;
    }
    if (x === Number.NEGATIVE_INFINITY) return -0;
    const p = Math.exp(x);
    const e = 1 + 2 * p * (1 + p);
    return (((2 * p * p) / e) * (e + 2 * x * (1 + p))) / e;
  },
};
