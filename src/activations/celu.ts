import { twoProd } from '../math/double-double.js';
import { type ActivationSpec, positiveParam } from './spec.js';

/**
 * x / alpha = q + r with r the rounding error of q: e^(x/alpha) = e^q (1 + r), because e^q alone
 * would amplify the rounding of the division |x/alpha| times (135 ulp near x = -744 for alpha = 2.5).
 */
function divide(x: number, alpha: number): [q: number, r: number] {
  const q = x / alpha;
  const [p, e] = twoProd(q, alpha);
  return [q, (x - p - e) / alpha];
}

/**
 * CELU: f(x) = x for x > 0, alpha * (e^(x/alpha) - 1) otherwise. C^1 for every alpha.
 * f'(x) = 1 for x > 0, e^(x/alpha) for x <= 0. Barron, "Continuously Differentiable ELUs", arXiv:1704.07483.
 */
export const celu: ActivationSpec<'celu'> = {
  name: 'celu',
  family: 'elu',
  aliases: [],
  title: 'Continuously Differentiable ELU',
  formula: 'x if x > 0 else alpha * (exp(x / alpha) - 1)',
  derivativeFormula: '1 if x > 0 else exp(x / alpha)',
  reference: 'Barron, Continuously Differentiable Exponential Linear Units, arXiv:1704.07483',
  kinks: 'none (C^1)',
  breakpoints: () => [0],
  params: [positiveParam('alpha', 1, 'saturation value -alpha for x -> -Inf')],
  value(x, p) {
    if (x > 0 || x !== x) return x;
    if (x === Number.NEGATIVE_INFINITY) return -p.alpha;
    // alpha expm1(x/alpha) = x (1 + x/(2 alpha) + ...): x itself once the correction is below half an
    // ulp; this also keeps -0 and tiny (subnormal) x exact, where x/alpha would round as a subnormal.
    if (Math.abs(x) < 2 ** -53 * p.alpha) return x;
    const [q, r] = divide(x, p.alpha);
    if (q < -40) return -p.alpha; // e^q < 2^-57: alpha (e^q - 1) rounds to -alpha (also q = -Infinity)
    return p.alpha * (Math.expm1(q) + r * Math.exp(q));
  },
  derivative(x, p) {
    if (x > 0) return 1;
    if (x !== x) return x;
    if (x === Number.NEGATIVE_INFINITY) return 0;
    const [q, r] = divide(x, p.alpha);
    if (q < -746) return 0; // e^q rounds to 0 (and x/alpha may overflow, leaving r = NaN)
    if (q < -708) {
      const h = Math.exp(q / 2); // e^q = h h, rounded once (as ELU's derivative)
      return h * (1 + r) * h;
    }
    return Math.exp(q) * (1 + r);
  },
};
