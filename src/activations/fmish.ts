import { expDD, ldexp } from '../math/double-double.js';
import { nearRoot } from '../math/root-expansion.js';
import { FMISH } from './generated/root-expansions.js';
import { type ActivationSpec, smooth } from './spec.js';

/** Above x = 40, 2/(v^2 + 2v + 2) = 1 - v + ... rounds to 1 (v = e^-x); f' = 1 + (x - 1) v rounds to 1 above 45. */
const VALUE_SATURATION = 40;
const DERIVATIVE_SATURATION = 45;
/** Below x = -300, p^2 = e^{2x} nears the subnormal range: f = 2x p^2, f' = 2 p^2 (1 + 2x), kept scaled. */
const SCALED_TAIL = -300;
const UNDERFLOW = -1e4;

/**
 * FMish (Flipped Mish): f(x) = x * (1 - tanh(softplus(-x))).
 * With v = e^{-x}: 1 - tanh(softplus(-x)) = 2 / (v^2 + 2v + 2), so f(x) = 2x / (v^2 + 2v + 2) for
 * x >= 0 and, with p = e^x, f(x) = 2x p^2 / (1 + 2p + 2p^2) for x < 0 (no overflow either side).
 *
 * f'(x) = [2D + 4x v (v+1)] / D^2, D = v^2 + 2v + 2 (x >= 0);  2p^2 [E + 2x (1+p)] / E^2, E = 1 + 2p + 2p^2 (x < 0);
 * a generated root expansion near its zero at x = -0.7958.
 * Introduced with GoLU: Das et al., NeurIPS 2025, arXiv:2502.03654.
 */
export const fmish: ActivationSpec<'fmish'> = smooth({
  name: 'fmish',
  family: 'mish',
  aliases: ['flipped_mish'],
  title: 'Flipped Mish',
  formula: 'x * (1 - tanh(softplus(-x)))',
  derivativeFormula: '1 - tanh(sp(-x)) + x * sech^2(sp(-x)) * sigmoid(-x)',
  reference: 'Das et al., Gompertz Linear Units, NeurIPS 2025, arXiv:2502.03654',
  value(x) {
    if (x !== x) return x;
    if (x > VALUE_SATURATION) return x;
    if (x >= 0) {
      const v = Math.exp(-x);
      return (2 * x) / (v * (v + 2) + 2);
    }
    if (x < UNDERFLOW) return -0;
    if (x < SCALED_TAIL) {
      const e = expDD(2 * x, 0);
      return ldexp(2 * x * (e.m[0] + e.m[1]), e.k);
    }
    const p = Math.exp(x);
    return (2 * x * p * p) / (1 + 2 * p * (1 + p));
  },
  derivative(x) {
    if (x !== x) return x;
    if (x > DERIVATIVE_SATURATION) return 1;
    if (x >= 0) {
      const v = Math.exp(-x);
      const d = v * (v + 2) + 2;
      return 2 / d + (((4 * x * v) / d) * (v + 1)) / d;
    }
    if (x < UNDERFLOW) return -0;
    const patched = nearRoot(FMISH, x);
    if (patched !== undefined) return patched;
    if (x < SCALED_TAIL) {
      const e = expDD(2 * x, 0);
      return ldexp(2 * (e.m[0] + e.m[1]) * (1 + 2 * x), e.k);
    }
    const p = Math.exp(x);
    const p2 = Math.exp(2 * x); // one rounding instead of p * p's three
    const e = 1 + 2 * p * (1 + p);
    return (((2 * p2) / e) * (e + 2 * x * (1 + p))) / e;
  },
});
