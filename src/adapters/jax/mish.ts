/**
 * Mish and flipped Mish for jax-js, as rational functions of w = e^-|x| (no tanh, no log).
 */
import { numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation } from './define.js';
import { exp, finiteBelow, type JaxArray } from './math.js';

/** w = e^-|x| together with the sign test it came from (one comparison, consistent at 0). */
function decay(x: JaxArray): { negative: JaxArray; w: JaxArray } {
  const negative = x.ref.less(0);
  const w = exp(np.where(negative.ref, x.ref, x.neg()));
  return { negative, w };
}

/**
 * Mish: `mish(x) = x * tanh(softplus(x))`. With w = e^-|x|, tanh(softplus(x)) is
 * (1 + 2w) / (1 + 2w + 2w^2) for x >= 0 and w(w + 2) / (w(w + 2) + 2) for x < 0: both finite for
 * every x, no cancellation. Misra, arXiv:1908.08681.
 */
export const mish: ActivationFunction<Record<string, never>> = defineActivation('mish', (x) => {
  const { negative, w } = decay(x.ref);
  const twoW = w.ref.mul(2);
  const positiveGate = twoW.ref.add(1).div(twoW.add(1).add(w.ref.mul(w.ref).mul(2)));
  const n = w.ref.mul(w.add(2));
  const negativeGate = n.ref.div(n.add(2));
  return finiteBelow(x).mul(np.where(negative, negativeGate, positiveGate));
});

/**
 * Flipped Mish: `fmish(x) = x * (1 - tanh(softplus(-x))) = 2x / (e^-2x + 2e^-x + 2)`; with
 * w = e^-|x| that is 2x / (w^2 + 2w + 2) for x >= 0 and 2x w^2 / (1 + 2w + 2w^2) for x < 0.
 * Das et al., arXiv:2502.03654.
 */
export const fmish: ActivationFunction<Record<string, never>> = defineActivation('fmish', (x) => {
  const { negative, w } = decay(x.ref);
  const w2 = w.ref.mul(w.ref);
  const positiveGate = np.reciprocal(w2.ref.add(w.ref.mul(2)).add(2)).mul(2);
  const negativeGate = w2.ref.mul(2).div(w2.mul(2).add(w.mul(2)).add(1));
  return finiteBelow(x).mul(np.where(negative, negativeGate, positiveGate));
});

export { fmish as flippedMish };
