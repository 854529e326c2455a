/**
 * The pre-LayerNorm transformer block of the lab's GPT, ViT and masked language model (nanoGPT / timm
 * layout): x + attn(LN1(x)), then x + proj(act(fc(LN2(x)))) with an MLP of `ratio` x the width; dropout
 * on both residual branches. Causal for the GPT, bidirectional for the encoders. Also the token stack
 * the GPT and the masked language model share (embeddings, blocks, final LayerNorm).
 */
import { type AttentionParams, attentionInit, selfAttention } from '../nn/attention.js';
import { embed, embeddingInit } from '../nn/embedding.js';
import type { Uniform } from '../nn/init.js';
import { type LayerNormParams, layerNorm, layerNormInit } from '../nn/layer-norm.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import type { JaxArray } from '../runtime.js';
import { type ActivationChoice, type ActivationLayer, activationLayer } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import type { ForwardContext } from './types.js';

export type TransformerBlockParams = {
  ln1: LayerNormParams;
  attn: AttentionParams;
  ln2: LayerNormParams;
  fc: LinearParams;
  proj: LinearParams;
  /** Learnable activation parameters (only with `activation.learnable`). */
  act?: Record<string, JaxArray>;
};

/**
 * GPT-2 init: N(0, 0.02^2) weights, the residual projections scaled by 1/sqrt(2 * nLayer); the random
 * numbers are drawn in the order attention, fc, proj.
 */
export function transformerBlockInit(
  rand: Uniform,
  dim: number,
  nLayer: number,
  act: ActivationLayer,
  ratio = 4,
): TransformerBlockParams {
  const block: TransformerBlockParams = {
    ln1: layerNormInit(dim),
    attn: attentionInit(rand, dim, nLayer),
    ln2: layerNormInit(dim),
    fc: linearInit(rand, dim, ratio * dim, { std: 0.02 }),
    proj: linearInit(rand, ratio * dim, dim, { std: 0.02 / Math.sqrt(2 * nLayer) }),
  };
  const a = act.init(ratio * dim);
  if (a !== null) block.act = a;
  return block;
}

export interface TransformerBlockOptions {
  heads: number;
  causal: boolean;
  act: ActivationLayer;
  dropout: number;
  ctx: ForwardContext;
  /** Block index, for the diagnostics tap names `block<i>.mlp.preact` / `.act`. */
  index: number;
}

/** x [B, T, C] -> [B, T, C]. Consumes b and x. */
export function transformerBlock(
  b: TransformerBlockParams,
  x: JaxArray,
  o: TransformerBlockOptions,
): JaxArray {
  const attended = selfAttention(b.attn, layerNorm(b.ln1, x.ref), o.heads, { causal: o.causal });
  let h = x.add(o.ctx.dropout(attended, o.dropout));
  const pre = o.ctx.tap(`block${o.index}.mlp.preact`, linear(b.fc, layerNorm(b.ln2, h.ref)));
  const hidden = o.ctx.tap(`block${o.index}.mlp.act`, o.act.apply(pre, b.act));
  h = h.add(o.ctx.dropout(linear(b.proj, hidden), o.dropout));
  return h;
}

/** The size options of a token-stack model (GPT, masked LM) as its config takes them. */
export interface TokenStackConfig {
  vocabSize: number;
  activation: ActivationChoice;
  /** Context length. Default 64. */
  blockSize?: number;
  /** Default 2. */
  nLayer?: number;
  /** Default 4. */
  nHead?: number;
  /** Embedding width C (the default is the model's). */
  nEmbd?: number;
  /** Dropout on embeddings, attention output and MLP output. Default 0. */
  dropout?: number;
}

/** A token-stack model's sizes with defaults filled in and checked, and its activation layer. */
export function tokenStackSizes(model: string, config: TokenStackConfig, defaultWidth: number) {
  const blockSize = config.blockSize ?? 64;
  const nLayer = config.nLayer ?? 2;
  const nHead = config.nHead ?? 4;
  const nEmbd = config.nEmbd ?? defaultWidth;
  const dropout = config.dropout ?? 0;
  const vocab = config.vocabSize;
  for (const [name, value] of Object.entries({ vocabSize: vocab, blockSize, nLayer, nHead, nEmbd })) {
    checkPositiveInt(name, value);
  }
  if (nEmbd % nHead !== 0)
    throw new RangeError(`gatelab ${model}: nHead (${nHead}) must divide nEmbd (${nEmbd})`);
  return { vocab, blockSize, nLayer, nHead, nEmbd, dropout, act: activationLayer(config.activation) };
}

/** Token and position embeddings, the blocks and the final LayerNorm (GPT and masked LM). */
export type TokenStackParams = {
  wte: JaxArray;
  wpe: JaxArray;
  blocks: TransformerBlockParams[];
  lnF: LayerNormParams;
};

/** Fresh token-stack parameters for `tokens` embedding rows; random numbers in the order wte, wpe, blocks. */
export function tokenStackInit(
  rand: Uniform,
  tokens: number,
  o: { blockSize: number; width: number; layers: number; act: ActivationLayer },
): TokenStackParams {
  const wte = embeddingInit(rand, tokens, o.width);
  const wpe = embeddingInit(rand, o.blockSize, o.width);
  const blocks: TransformerBlockParams[] = [];
  for (let i = 0; i < o.layers; i++) blocks.push(transformerBlockInit(rand, o.width, o.layers, o.act));
  return { wte, wpe, blocks, lnF: layerNormInit(o.width) };
}

export interface TokenStackOptions extends Omit<TransformerBlockOptions, 'index'> {
  /** The model's name in messages ('gpt', 'mlm'). */
  model: string;
  blockSize: number;
}

/**
 * ids [B, T] -> hidden states [B*T, C] after the final LayerNorm. Consumes ids and p's arrays except
 * p.wte, which the tied output head reads next.
 */
export function tokenStack(p: TokenStackParams, ids: JaxArray, o: TokenStackOptions): JaxArray {
  const [batch, time] = ids.shape;
  if (time > o.blockSize)
    throw new Error(`gatelab ${o.model}: sequence length ${time} exceeds blockSize ${o.blockSize}`);
  const positions = p.wpe.slice([0, time]);
  let x = o.ctx.dropout(embed(p.wte.ref, ids).add(positions), o.dropout);
  p.blocks.forEach((b, index) => {
    x = transformerBlock(b, x, { ...o, index });
  });
  return layerNorm(p.lnF, x).reshape([batch * time, x.shape[2]]);
}
