/**
 * Group normalisation (Wu & He 2018, arXiv 1803.08494) on NHWC arrays: channels are split into `groups`
 * groups and each (sample, group) is normalised over its spatial positions and channels. Independent of
 * the batch size, which is why diffusion U-Nets use it (DDPM: 32 groups) where batch norm would couple
 * the samples of a small batch.
 */
import { type JaxArray, np } from '../runtime.js';

export type GroupNormParams = { gamma: JaxArray; beta: JaxArray };

/** gamma = 1, beta = 0 for `channels` channels. */
export function groupNormInit(channels: number): GroupNormParams {
  return { gamma: np.ones([channels]), beta: np.zeros([channels]) };
}

/**
 * y = (x - mean_g) / sqrt(var_g + eps) * gamma + beta with biased variance per (sample, group), as
 * PyTorch's nn.GroupNorm; two-pass (centred) variance for stability. Consumes p and x.
 */
export function groupNorm(p: GroupNormParams, x: JaxArray, groups: number, eps = 1e-5): JaxArray {
  if (x.ndim !== 4) throw new Error(`group norm expects [B, H, W, C], got [${x.shape.join(', ')}]`);
  const [batch, height, width, channels] = x.shape;
  if (!(Number.isInteger(groups) && groups >= 1 && channels % groups === 0)) {
    throw new RangeError(
      `group norm: groups must be a positive divisor of ${channels} channels, got ${groups}`,
    );
  }
  const grouped = x.reshape([batch, height, width, groups, channels / groups]);
  const centred = grouped.ref.sub(grouped.mean([1, 2, 4], { keepdims: true }));
  const variance = np.square(centred.ref).mean([1, 2, 4], { keepdims: true });
  const normalised = centred.mul(np.reciprocal(np.sqrt(variance.add(eps))));
  return normalised.reshape([batch, height, width, channels]).mul(p.gamma).add(p.beta);
}
