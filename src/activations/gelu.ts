import { expDD, ldexp, twoProd } from '../math/double-double.js';
import { erfc } from '../math/erf.js';
import type { ActivationSpec } from './spec.js';

const SQRT1_2_HI = Math.SQRT1_2; // 1/sqrt(2) = SQRT1_2_HI + SQRT1_2_LO
const SQRT1_2_LO = -4.833646656726457e-17;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * erfc(a_hi + a_lo) = erfc(a_hi) * (1 - a_lo * h(a_hi)) with h(a) = (2/sqrt(pi)) e^{-a^2} / erfc(a),
 * the first-order correction for the rounding of a = -x/sqrt(2). Without it the relative error of
 * erfc(a) grows like 2a^2 times ulp(a): ~900 ulp at x = -30.
 */
function erfcOfSum(hi: number, lo: number): number {
  const e = erfc(hi);
  if (e === 0) return 0;
  // h(a) ~ 2a + 1/a for large a (Mills ratio); only ~1e-3 relative accuracy of h is needed.
  const h = hi > 5 ? 2 * hi + 1 / hi : (TWO_OVER_SQRT_PI * Math.exp(-hi * hi)) / e;
  return e * (1 - lo * h);
}

/** e^{-x^2/2} / sqrt(2 pi) * x, with x^2 exact in double-double and one final scaling. */
function xTimesPhi(x: number): number {
  // Past |x| = 40, e^{-x^2/2} < 1e-347: the product underflows for every x.
  if (Math.abs(x) > 40) return x * 0;
  const [qh, ql] = twoProd(x, x);
  const e = expDD(-qh / 2, -ql / 2);
  return ldexp((e.m[0] + e.m[1]) * INV_SQRT_2PI * x, e.k);
}

/**
 * GELU (exact): f(x) = x Phi(x) = x/2 * erfc(-x/sqrt(2)), erfc so negative x has no cancellation.
 *
 * f'(x) = Phi(x) + x phi(x), phi(x) = e^{-x^2/2} / sqrt(2 pi).
 * Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
 */
export const gelu: ActivationSpec = {
  name: 'gelu',
  aliases: [],
  title: 'Gaussian Error Linear Unit (exact, erf)',
  formula: 'x * Phi(x) = x/2 * erfc(-x/sqrt(2))',
  derivativeFormula: 'Phi(x) + x * exp(-x^2/2) / sqrt(2 pi)',
  reference: 'Hendrycks & Gimpel, Gaussian Error Linear Units, arXiv:1606.08415',
  kinks: 'none',
  params: [],
  value(x) {
    if (x !== x) return x;
    if (x === Number.NEGATIVE_INFINITY) return -0;
    if (x === Number.POSITIVE_INFINITY) return x;
    const [ah, al] = twoProd(-x, SQRT1_2_HI);
    return 0.5 * x * erfcOfSum(ah, al - x * SQRT1_2_LO);
  },
  derivative(x) {
    if (x !== x) return x;
    if (x === Number.NEGATIVE_INFINITY) return -0;
    if (x === Number.POSITIVE_INFINITY) return 1;
    const [ah, al] = twoProd(-x, SQRT1_2_HI);
    return 0.5 * erfcOfSum(ah, al - x * SQRT1_2_LO) + xTimesPhi(x);
  },
};
