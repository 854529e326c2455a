/**
 * Self-attention over the pixels of a feature map (the attention block of DDPM's U-Net, Ho et al. 2020,
 * at its 16x16 resolution; here at the U-Net's lowest one): group norm, one [C, 3C] projection to
 * q, k, v, softmax(q k^T / sqrt(C)) v over all H*W positions (no mask), an output projection, and the
 * residual x + out. One head, as in Ho et al.
 */
import { type JaxArray, np } from '../runtime.js';
import { softmax } from './attention.js';
import { type GroupNormParams, groupNorm, groupNormInit } from './group-norm.js';
import type { Uniform } from './init.js';
import { type LinearParams, linear, linearInit } from './linear.js';

export type SpatialAttentionParams = { norm: GroupNormParams; qkv: LinearParams; proj: LinearParams };

/** Xavier-uniform projections (unit-gain: attention is not followed by a rectifier). */
export function spatialAttentionInit(rand: Uniform, channels: number): SpatialAttentionParams {
  return {
    norm: groupNormInit(channels),
    qkv: linearInit(rand, channels, 3 * channels, { init: 'xavier-uniform' }),
    proj: linearInit(rand, channels, channels, { init: 'xavier-uniform' }),
  };
}

/** x [B, H, W, C] -> x + attention(GN(x)), same shape. Consumes p and x. */
export function spatialSelfAttention(p: SpatialAttentionParams, x: JaxArray, groups: number): JaxArray {
  if (x.ndim !== 4) throw new Error(`spatial attention expects [B, H, W, C], got [${x.shape.join(', ')}]`);
  const [batch, height, width, channels] = x.shape;
  const tokens = height * width;
  const h = groupNorm(p.norm, x.ref, groups).reshape([batch, tokens, channels]);
  // [B, T, 3, C] -> [3, B, T, C]
  const qkv = linear(p.qkv, h).reshape([batch, tokens, 3, channels]).transpose([2, 0, 1, 3]);
  const q = qkv.ref.slice(0);
  const k = qkv.ref.slice(1);
  const v = qkv.slice(2);
  const scores = np.matmul(q, k.transpose([0, 2, 1])).mul(1 / Math.sqrt(channels));
  const mixed = np.matmul(softmax(scores), v); // [B, T, C]
  return x.add(linear(p.proj, mixed).reshape([batch, height, width, channels]));
}
