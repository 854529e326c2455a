/**
 * Multi-head self-attention in the GPT-2 / nanoGPT layout: one [C, 3C] projection makes q, k, v;
 * softmax(q k^T / sqrt(d) [+ causal mask]) v per head; an output projection [C, C]. Causal for the
 * GPT (position t sees positions <= t), bidirectional for the ViT and the masked language model.
 */
import { type JaxArray, lax, np } from '../runtime.js';
import type { Uniform } from './init.js';
import { type LinearParams, linear, linearInit } from './linear.js';

export type AttentionParams = { qkv: LinearParams; proj: LinearParams };

/** GPT-2 init: N(0, 0.02^2) weights, the output projection scaled by 1/sqrt(2 * nLayer). */
export function attentionInit(rand: Uniform, dim: number, nLayer: number, bias = true): AttentionParams {
  return {
    qkv: linearInit(rand, dim, 3 * dim, { std: 0.02, bias }),
    proj: linearInit(rand, dim, dim, { std: 0.02 / Math.sqrt(2 * nLayer), bias }),
  };
}

/**
 * Softmax over the last axis, stable (max subtracted, without gradient since the result does not
 * depend on it). Consumes x.
 */
export function softmax(x: JaxArray): JaxArray {
  const e = np.exp(x.ref.sub(lax.stopGradient(x.max(-1, { keepdims: true }))));
  return e.ref.div(e.sum(-1, { keepdims: true }));
}

/** Causal self-attention (GPT): x [B, T, C] -> [B, T, C]. Consumes p and x. */
export function causalSelfAttention(p: AttentionParams, x: JaxArray, heads: number): JaxArray {
  return selfAttention(p, x, heads, { causal: true });
}

/**
 * x [B, T, C] -> [B, T, C]; `heads` must divide C. `causal: false` lets every position attend to
 * every position (encoders: ViT, BERT). Consumes p and x.
 */
export function selfAttention(
  p: AttentionParams,
  x: JaxArray,
  heads: number,
  options: { causal: boolean },
): JaxArray {
  const [batch, time, dim] = x.shape;
  if (dim % heads !== 0) throw new Error(`gatelab attention: ${heads} heads do not divide width ${dim}`);
  const headDim = dim / heads;
  // [B, T, 3, H, D] -> [3, B, H, T, D]
  const qkv = linear(p.qkv, x).reshape([batch, time, 3, heads, headDim]).transpose([2, 0, 3, 1, 4]);
  const q = qkv.ref.slice(0);
  const k = qkv.ref.slice(1);
  const v = qkv.slice(2);
  let scores = np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(headDim));
  if (options.causal) {
    // Lower-triangular mask: position t attends to positions <= t. -1e9 (not -inf) keeps 0 * inf out
    // of the backward pass.
    const allowed = np.tri(time, time, 0, { dtype: np.bool });
    scores = np.where(allowed, scores, -1e9);
  }
  const mixed = np.matmul(softmax(scores), v); // [B, H, T, D]
  return linear(p.proj, mixed.transpose([0, 2, 1, 3]).reshape([batch, time, dim]));
}
