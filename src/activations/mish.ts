import { expDD, ldexp } from '../math/double-double.js';
import { nearRoot } from '../math/root-expansion.js';
import { MISH } from './generated/root-expansions.js';
import { type ActivationSpec, smooth } from './spec.js';

/** Past x = 20, tanh(softplus(x)) = 1 - 2e^{-2x} rounds to 1 and f(x) = x, f'(x) = 1 in float64. */
const SATURATION = 20;
/** Below x = -700, u = e^x nears the subnormal range: f = x u and f' = u (1 + x) to float64 precision, kept scaled. */
const SCALED_TAIL = -700;
const UNDERFLOW = -1e4;

/**
 * Mish: f(x) = x * tanh(softplus(x)).
 * With u = e^x and n = u (u + 2): tanh(softplus(x)) = n / (n + 2), exact algebra with no cancellation.
 *
 * f'(x) = tanh(sp(x)) + x sech^2(sp(x)) sigmoid(x) = n/(n+2) + 4 x u (u+1) / (n+2)^2; a generated
 * root expansion near its zero at x = -1.1924.
 * Misra, "Mish: A Self Regularized Non-Monotonic Activation Function", arXiv:1908.08681.
 */
export const mish: ActivationSpec<'mish'> = smooth({
  name: 'mish',
  family: 'mish',
  aliases: [],
  title: 'Mish',
  formula: 'x * tanh(softplus(x))',
  derivativeFormula: 'tanh(sp(x)) + x * sech^2(sp(x)) * sigmoid(x)',
  reference: 'Misra, Mish, arXiv:1908.08681',
  value(x) {
    if (x !== x) return x;
    if (x > SATURATION) return x;
    if (x < UNDERFLOW) return -0;
    if (x < SCALED_TAIL) {
      const e = expDD(x, 0);
      return ldexp(x * (e.m[0] + e.m[1]), e.k);
    }
    const u = Math.exp(x);
    const n = u * (u + 2);
    return (x * n) / (n + 2);
  },
  derivative(x) {
    if (x !== x) return x;
    if (x > SATURATION) return 1;
    if (x < UNDERFLOW) return -0;
    const patched = nearRoot(MISH, x);
    if (patched !== undefined) return patched;
    if (x < SCALED_TAIL) {
      const e = expDD(x, 0);
      return ldexp((e.m[0] + e.m[1]) * (1 + x), e.k);
    }
    const u = Math.exp(x);
    const n = u * (u + 2);
    const d = n + 2;
    if (x >= 0) return n / d + (((4 * x * u) / d) * (u + 1)) / d;
    // For x < 0 the same over one denominator, u [u^3 + 4u^2 + (6 + 4x) u + 4 (1 + x)] / d^2:
    // no cancellation left outside the root expansion's window (4 (1 + x) dominates).
    const bracket = ((u + 4) * u + (6 + 4 * x)) * u + 4 * (1 + x);
    return ((u / d) * bracket) / d;
  },
});
