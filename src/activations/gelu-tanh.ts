import { type DD, ddAdd, ddMul, ddMulNumber, expDD, ldexp, twoProd } from '../math/double-double.js';
import { nearRoot } from '../math/root-expansion.js';
import { sigmoid } from '../math/stable.js';
import { GELU_TANH } from './generated/root-expansions.js';
import { type ActivationSpec, smooth } from './spec.js';

/** sqrt(2/pi) and 0.044715 as double-doubles: u feeds e^{2u}, whose error is |2u| times u's. */
const K: DD = [0.7978845608028654, -4.98465440455546e-17];
const C: DD = [0.044715, 2.1960211427085595e-18];
/** Past |x| = 30, |2u| > 1900 and sigmoid(2u) is exactly 0 or 1 in float64. */
const SATURATION = 30;
/** Below 2u = -20 the derivative is e^{2u}-sized: compute it from the double-double exp, scaled. */
const EXACT_EXP_BELOW = -20;

/** 2u = 2 sqrt(2/pi) x (1 + 0.044715 x^2) as a double-double. */
function twoU(x: number): DD {
  const cx2 = ddMul(C, twoProd(x, x));
  const u = ddMul(K, ddMulNumber(ddAdd([1, 0], cx2), x));
  return [2 * u[0], 2 * u[1]];
}

/** sigmoid(h + l) to first order in l. */
function sigmoidOfSum(h: number, l: number): number {
  return sigmoid(h) * (1 + l * sigmoid(-h));
}

/**
 * GELU, tanh approximation: f(x) = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3).
 * Evaluated as x * sigmoid(2u) (1 + tanh u = 2 sigmoid(2u)) so negative x has no cancellation.
 *
 * f'(x) = s (1 + 2 x u' (1 - s)), s = sigmoid(2u), u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
 * Hendrycks & Gimpel, arXiv:1606.08415 (the "gelu_new" of GPT-2/BERT). Max |f - gelu| ~ 4.7e-4.
 */
export const geluTanh: ActivationSpec<'gelu_tanh'> = smooth({
  name: 'gelu_tanh',
  family: 'gelu',
  aliases: ['gelu_new'],
  title: 'GELU, tanh approximation',
  formula: '0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))',
  derivativeFormula: "s (1 + 2 x u' (1 - s)), s = sigmoid(2u), u' = sqrt(2/pi) (1 + 0.134145 x^2)",
  reference: 'Hendrycks & Gimpel, Gaussian Error Linear Units, arXiv:1606.08415',
  value(x) {
    if (x !== x) return x;
    if (Math.abs(x) > SATURATION) return x > 0 ? x : -0;
    const [h, l] = twoU(x);
    if (h < EXACT_EXP_BELOW) {
      // x sigmoid(2u) = x E 2^k / (1 + e^{2u}), scaled once at the end: sigmoid(2u) alone turns
      // subnormal below x = -21.2 and x times it lost up to 17 ulp (accuracy harness, subnormal band).
      const e = expDD(h, l);
      const mantissa = e.m[0] + e.m[1];
      return ldexp((x * mantissa) / (1 + ldexp(mantissa, e.k)), e.k);
    }
    return x * sigmoidOfSum(h, l);
  },
  derivative(x) {
    if (x !== x) return x;
    if (Math.abs(x) > SATURATION) return x > 0 ? 1 : -0;
    const patched = nearRoot(GELU_TANH, x);
    if (patched !== undefined) return patched;
    const [h, l] = twoU(x);
    // 2 x u' = 2 x sqrt(2/pi) (1 + 3 * 0.044715 x^2), in double-double (it multiplies a near-1 factor).
    const x2 = twoProd(x, x);
    const slope = ddMulNumber(ddMul(K, ddAdd([1, 0], ddMulNumber(ddMul(C, x2), 3))), 2 * x);
    if (h < EXACT_EXP_BELOW) {
      // sigmoid(2u) = E 2^k / (1 + e^{2u}) with e^{2u} = E 2^k from the double-double exp: one rounding
      // less than Math.exp, and the product is scaled once at the end (no subnormal s before it).
      const e = expDD(h, l);
      const mantissa = e.m[0] + e.m[1];
      const onePlus = 1 + ldexp(mantissa, e.k);
      const bracket = ddAdd([1, 0], ddMulNumber(slope, 1 / onePlus));
      return ldexp((mantissa / onePlus) * (bracket[0] + bracket[1]), e.k);
    }
    const s = sigmoidOfSum(h, l);
    const sNeg = sigmoidOfSum(-h, -l);
    const term = ddMulNumber(slope, sNeg);
    const bracket = ddAdd([1, 0], term);
    return s * (bracket[0] + bracket[1]);
  },
});
