/**
 * A character-level baby GPT in the nanoGPT layout (Karpathy, github.com/karpathy/nanoGPT, after GPT-2):
 * token + learned position embeddings, nLayer x [x + attn(LN(x)), x + mlp(LN(x))] with
 * mlp = Linear(4C) -> activation -> Linear(C), a final LayerNorm and a head tied to the token embedding.
 * Input: int32 token ids [B, T] with T <= blockSize; output logits [B*T, vocab].
 */
import { type ArrayTree, np } from '../runtime.js';
import { type ActivationChoice, activationLabel, activationLayer } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import { type TokenStackParams, tokenStack, tokenStackInit } from './transformer-block.js';
import type { Model } from './types.js';

export interface GptConfig {
  vocabSize: number;
  activation: ActivationChoice;
  /** Context length. Default 64. */
  blockSize?: number;
  /** Default 2. */
  nLayer?: number;
  /** Default 4. */
  nHead?: number;
  /** Embedding width C. Default 128. */
  nEmbd?: number;
  /** Dropout on embeddings, attention output and MLP output. Default 0. */
  dropout?: number;
}

type GptParams = TokenStackParams;

export function gpt(config: GptConfig): Model {
  const blockSize = config.blockSize ?? 64;
  const nLayer = config.nLayer ?? 2;
  const nHead = config.nHead ?? 4;
  const nEmbd = config.nEmbd ?? 128;
  const dropoutRate = config.dropout ?? 0;
  for (const [name, value] of Object.entries({
    vocabSize: config.vocabSize,
    blockSize,
    nLayer,
    nHead,
    nEmbd,
  })) {
    checkPositiveInt(name, value);
  }
  if (nEmbd % nHead !== 0) throw new RangeError(`gatelab gpt: nHead (${nHead}) must divide nEmbd (${nEmbd})`);
  const act = activationLayer(config.activation);
  const vocab = config.vocabSize;
  return {
    kind: 'gpt',
    description: `gpt ${nLayer} layers x ${nHead} heads, width ${nEmbd}, context ${blockSize}, vocab ${vocab}, MLP ${activationLabel(config.activation)}`,
    config: {
      vocabSize: vocab,
      blockSize,
      nLayer,
      nHead,
      nEmbd,
      dropout: dropoutRate,
      ...(act.learnable.length > 0 ? { learnable: act.learnable } : {}),
    },
    inputShape: [blockSize],
    outputSize: vocab,
    init(rand) {
      const params: GptParams = tokenStackInit(rand, vocab, { blockSize, width: nEmbd, layers: nLayer, act });
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, ids, ctx) {
      const p = params as unknown as GptParams;
      const o = { model: 'gpt', blockSize, heads: nHead, causal: true, act, dropout: dropoutRate, ctx };
      const out = tokenStack(p, ids, o);
      const logits = np.dot(out, p.wte.transpose());
      return { logits, state };
    },
  };
}
