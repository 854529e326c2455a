/**
 * A character-level baby GPT in the nanoGPT layout (Karpathy, github.com/karpathy/nanoGPT, after GPT-2):
 * token + learned position embeddings, nLayer x [x + attn(LN(x)), x + mlp(LN(x))] with
 * mlp = Linear(4C) -> activation -> Linear(C), a final LayerNorm and a head tied to the token embedding.
 * Input: int32 token ids [B, T] with T <= blockSize; output logits [B*T, vocab].
 */
import { type ArrayTree, np } from '../runtime.js';
import { activationLabel } from './activation-spec.js';
import type { TokenStackConfig, TokenStackParams } from './transformer-block.js';
import { tokenStack, tokenStackInit, tokenStackSizes } from './transformer-block.js';
import type { Model } from './types.js';

/** Sizes as TokenStackConfig; the embedding width nEmbd defaults to 128. */
export type GptConfig = TokenStackConfig;

type GptParams = TokenStackParams;

export function gpt(config: GptConfig): Model {
  const { vocab, blockSize, nLayer, nHead, nEmbd, dropout, act } = tokenStackSizes('gpt', config, 128);
  return {
    kind: 'gpt',
    description: `gpt ${nLayer} layers x ${nHead} heads, width ${nEmbd}, context ${blockSize}, vocab ${vocab}, MLP ${activationLabel(config.activation)}`,
    config: {
      vocabSize: vocab,
      blockSize,
      nLayer,
      nHead,
      nEmbd,
      dropout,
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
      const o = { model: 'gpt', blockSize, heads: nHead, causal: true, act, dropout, ctx };
      const out = tokenStack(p, ids, o);
      const logits = np.dot(out, p.wte.transpose());
      return { logits, state };
    },
  };
}
