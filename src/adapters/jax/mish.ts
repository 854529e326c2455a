/**
 * Mish and flipped Mish for jax-js, as rational functions of w = e^-|x| (no tanh, no log).
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation } from './define.js';
import { exp, expFlushed, finiteBelow, type JaxArray } from './math.js';

/**
 * w = e^-|x| together with the sign test it came from (one comparison, consistent at 0); the
 * first-order forms pass expFlushed.
 */
function decay(x: JaxArray, e: (z: JaxArray) => JaxArray = exp): { negative: JaxArray; w: JaxArray } {
  const negative = x.ref.less(0);
  const w = e(np.where(negative.ref, x.ref, x.neg()));
  return { negative, w };
}

/**
 * Mish: `mish(x) = x * tanh(softplus(x))`. With w = e^-|x|, tanh(softplus(x)) is
 * (1 + 2w) / (1 + 2w + 2w^2) for x >= 0 and w(w + 2) / (w(w + 2) + 2) for x < 0: both finite for
 * every x, no cancellation. Misra, arXiv:1908.08681.
 */
export const mish: ActivationFunction<Record<string, never>> = defineActivation(
  'mish',
  (x) => {
    const { negative, w } = decay(x.ref);
    const twoW = w.ref.mul(2);
    const positiveGate = twoW.ref.add(1).div(twoW.add(1).add(w.ref.mul(w.ref).mul(2)));
    const n = w.ref.mul(w.add(2));
    const negativeGate = n.ref.div(n.add(2));
    return finiteBelow(x).mul(np.where(negative, negativeGate, positiveGate));
  },
  (x) => {
    // mish' = G + x (1 - G^2) sigmoid(x), G = tanh(softplus(x)); 1 - G is formed without cancellation:
    // with n = w (w + 2): x < 0: G = n / (n + 2), 1 - G = 2 / (n + 2), sigmoid(x) = w / (1 + w);
    // x >= 0: G = (1 + 2w) / D, 1 - G = 2w^2 / D, sigmoid(x) = 1 / (1 + w), D = 1 + 2w + 2w^2.
    // One division serves both denominators: R = 1 / (den (1 + w)), 1/den = (1 + w) R, 1/(1 + w) = den R.
    const { negative, w } = decay(x.ref, expFlushed);
    const w2 = w.ref.mul(w.ref);
    const n = w.ref.mul(2).add(w2.ref);
    const onePlusTwoW = w.ref.mul(2).add(1);
    const denominator = np.where(negative.ref, n.ref.add(2), onePlusTwoW.ref.add(w2.ref.mul(2)));
    const onePlusW = w.ref.add(1);
    const r = np.reciprocal(denominator.ref.mul(onePlusW.ref));
    const inverseDenominator = onePlusW.mul(r.ref);
    const logistic = denominator.mul(r);
    const gate = np.where(negative.ref, n, onePlusTwoW).mul(inverseDenominator.ref);
    const complement = np.where(negative.ref, 2, w2.mul(2)).mul(inverseDenominator);
    const sig = np.where(negative, w, 1).mul(logistic);
    const value = x.ref.mul(gate.ref);
    const derivative = x.mul(complement.mul(gate.ref.add(1)).mul(sig)).add(gate);
    return { value, derivative };
  },
);

/**
 * Flipped Mish: `fmish(x) = x * (1 - tanh(softplus(-x))) = 2x / (e^-2x + 2e^-x + 2)`; with
 * w = e^-|x| that is 2x / (w^2 + 2w + 2) for x >= 0 and 2x w^2 / (1 + 2w + 2w^2) for x < 0.
 * Das et al., arXiv:2502.03654.
 */
export const fmish: ActivationFunction<Record<string, never>> = defineActivation(
  'fmish',
  (x) => {
    const { negative, w } = decay(x.ref);
    const w2 = w.ref.mul(w.ref);
    const positiveGate = np.reciprocal(w2.ref.add(w.ref.mul(2)).add(2)).mul(2);
    const negativeGate = w2.ref.mul(2).div(w2.mul(2).add(w.mul(2)).add(1));
    return finiteBelow(x).mul(np.where(negative, negativeGate, positiveGate));
  },
  (x) => {
    // fmish = x H(x), H(x) = 1 - tanh(softplus(-x)); H' = (1 - G(-x)^2) sigmoid(-x) = H (2 - H) sigmoid(-x).
    // x >= 0: H = 2 / (w^2 + 2w + 2), sigmoid(-x) = w / (1 + w); x < 0: H = 2w^2 / (2w^2 + 2w + 1),
    // sigmoid(-x) = 1 / (1 + w); one division for both denominators, as in mish.
    const { negative, w } = decay(x.ref, expFlushed);
    const w2 = w.ref.mul(w.ref);
    const twoW = w.ref.mul(2);
    const denominator = np.where(negative.ref, w2.ref.mul(2).add(twoW.ref).add(1), w2.ref.add(twoW).add(2));
    const onePlusW = w.ref.add(1);
    const r = np.reciprocal(denominator.ref.mul(onePlusW.ref));
    const gate = np.where(negative.ref, w2.mul(2), 2).mul(onePlusW.mul(r.ref));
    const sigNeg = np.where(negative, 1, w).mul(denominator.mul(r));
    const value = x.ref.mul(gate.ref);
    const slope = gate.ref.neg().add(2).mul(gate.ref).mul(sigNeg);
    return { value, derivative: x.mul(slope).add(gate) };
  },
);

export { fmish as flippedMish };
