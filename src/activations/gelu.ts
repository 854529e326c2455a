import { expDD, ldexp, twoProd } from '../math/double-double.js';
import { erfc, erfcLargeScaled } from '../math/erf.js';
import { nearRoot } from '../math/root-expansion.js';
import { GELU } from './generated/root-expansions.js';
import { type ActivationSpec, smooth } from './spec.js';

const SQRT1_2_HI = Math.SQRT1_2; // 1/sqrt(2) = SQRT1_2_HI + SQRT1_2_LO
const SQRT1_2_LO = -4.833646656726457e-17;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2PI = 0.3989422804014327;
/** From a = -x/sqrt(2) >= 26 on, erfc(a) < 6e-296 and x/2 erfc(a) nears the subnormal range: keep it scaled. */
const SCALED_TAIL = 26;

/**
 * First-order correction for the rounding of a = -x/sqrt(2) = hi + lo:
 * erfc(hi + lo) = erfc(hi) (1 - lo h(hi)), h(a) = (2/sqrt(pi)) e^{-a^2} / erfc(a). Without it the
 * relative error of erfc(a) grows like 2a^2 ulp(a): ~900 ulp at x = -30.
 */
function tailCorrection(hi: number, lo: number, erfcHi: number): number {
  // h(a) ~ 2a + 1/a for large a (Mills ratio); only ~1e-3 relative accuracy of h is needed.
  const h = hi > 5 ? 2 * hi + 1 / hi : (TWO_OVER_SQRT_PI * Math.exp(-hi * hi)) / erfcHi;
  return 1 - lo * h;
}

/** -x/sqrt(2) as hi + lo. */
function scaledArgument(x: number): [number, number] {
  const [ah, al] = twoProd(-x, SQRT1_2_HI);
  return [ah, al - x * SQRT1_2_LO];
}

/** x e^{-x^2/2} / sqrt(2 pi) as mantissa * 2^k, with x^2 exact in double-double. */
function xTimesPhiScaled(x: number): { m: number; k: number } {
  const [qh, ql] = twoProd(x, x);
  const e = expDD(-qh / 2, -ql / 2);
  return { m: (e.m[0] + e.m[1]) * INV_SQRT_2PI * x, k: e.k };
}

/**
 * GELU (exact): f(x) = x Phi(x) = x/2 * erfc(-x/sqrt(2)), erfc so negative x has no cancellation.
 *
 * f'(x) = Phi(x) + x phi(x), phi(x) = e^{-x^2/2} / sqrt(2 pi); near its zero at x = -0.7518 a
 * generated root expansion replaces the cancelling sum.
 * Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
 */
export const gelu: ActivationSpec<'gelu'> = smooth({
  name: 'gelu',
  family: 'gelu',
  aliases: [],
  title: 'Gaussian Error Linear Unit (exact, erf)',
  formula: 'x * Phi(x) = x/2 * erfc(-x/sqrt(2))',
  derivativeFormula: 'Phi(x) + x * exp(-x^2/2) / sqrt(2 pi)',
  reference: 'Hendrycks & Gimpel, Gaussian Error Linear Units, arXiv:1606.08415',
  value(x) {
    if (x !== x) return x;
    if (x === Number.POSITIVE_INFINITY) return x;
    const [ah, al] = scaledArgument(x);
    if (ah >= 28) return -0; // erfc(28) ~ 6e-343: x/2 erfc underflows for every x
    if (ah >= SCALED_TAIL) {
      const tail = erfcLargeScaled(ah);
      return ldexp(0.5 * x * tail.m * tailCorrection(ah, al, 0), tail.k);
    }
    const e = erfc(ah);
    return 0.5 * x * e * tailCorrection(ah, al, e);
  },
  derivative(x) {
    if (x !== x) return x;
    if (x > 40) return 1; // Phi(40) = 1 - 4e-351 and 40 phi(40) < 1e-345
    const patched = nearRoot(GELU, x);
    if (patched !== undefined) return patched;
    const [ah, al] = scaledArgument(x);
    if (ah >= 40) return -0; // both terms < 1e-690
    const xPhi = xTimesPhiScaled(x);
    if (ah >= SCALED_TAIL) {
      // Both terms near the subnormal range: add them at a common scale, round once.
      const tail = erfcLargeScaled(ah);
      const cdf = 0.5 * tail.m * tailCorrection(ah, al, 0);
      return ldexp(ldexp(cdf, tail.k - xPhi.k) + xPhi.m, xPhi.k);
    }
    const e = erfc(ah);
    return 0.5 * e * tailCorrection(ah, al, e) + ldexp(xPhi.m, xPhi.k);
  },
});
