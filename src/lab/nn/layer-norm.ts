/** Layer normalisation (Ba, Kiros & Hinton 2016, arXiv 1607.06450) over the last axis. */
import { type JaxArray, np } from '../runtime.js';

export type LayerNormParams = { gamma: JaxArray; beta: JaxArray };

/** gamma = 1, beta = 0 for `dim` features. */
export function layerNormInit(dim: number): LayerNormParams {
  return { gamma: np.ones([dim]), beta: np.zeros([dim]) };
}

/**
 * y = (x - mean) / sqrt(var + eps) * gamma + beta, statistics over the last axis (biased variance, as
 * PyTorch). The centred value is reused for the variance, which is the numerically stable two-pass form.
 * Consumes p and x.
 */
export function layerNorm(p: LayerNormParams, x: JaxArray, eps = 1e-5): JaxArray {
  const centred = x.ref.sub(x.mean(-1, { keepdims: true }));
  const variance = np.square(centred.ref).mean(-1, { keepdims: true });
  const normalised = centred.mul(np.reciprocal(np.sqrt(variance.add(eps))));
  return normalised.mul(p.gamma).add(p.beta);
}
