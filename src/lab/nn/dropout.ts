/** Inverted dropout (Srivastava et al. 2014): zero with probability `rate`, scale survivors by 1/(1-rate). */
import { type JaxArray, np, random } from '../runtime.js';

/**
 * Applies dropout with the given PRNG key; with no key (evaluation) or rate 0 it is the identity.
 * Consumes x and key.
 */
export function dropout(x: JaxArray, rate: number, key: JaxArray | null): JaxArray {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`gatelab dropout: rate must be in [0, 1), got ${rate}`);
  if (key === null) return x;
  if (rate === 0) {
    key.dispose();
    return x;
  }
  const keep = random.bernoulli(key, 1 - rate, x.shape);
  return np.where(keep, x.mul(1 / (1 - rate)), 0);
}
