/**
 * A BERT-style masked language model (Devlin et al. 2019, arXiv 1810.04805), small: token embeddings
 * for the vocabulary plus one [MASK] token, learned position embeddings, nLayer bidirectional
 * encoder blocks [x + attn(LN(x)), x + mlp(LN(x))] with mlp = Linear(4C) -> activation -> Linear(C),
 * a final LayerNorm and an output head tied to the token embeddings of the real vocabulary. The blocks
 * are pre-LayerNorm (as the GPT and ViT here), not BERT's post-LN: it trains without BERT's long
 * warm-up at this size. Input: int32 ids [B, T] (the [MASK] id is vocabSize); output logits
 * [B*T, vocabSize]; the loss is taken on the selected positions only (labels -1 elsewhere).
 */
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { activationLabel } from './activation-spec.js';
import type { TokenStackConfig, TokenStackParams } from './transformer-block.js';
import { tokenStack, tokenStackInit, tokenStackSizes } from './transformer-block.js';
import type { Model } from './types.js';

/**
 * Sizes as TokenStackConfig; vocabSize counts the real tokens (the model adds one [MASK] token with
 * id vocabSize) and the embedding width nEmbd defaults to 64.
 */
export type MlmConfig = TokenStackConfig;

type MlmParams = TokenStackParams & { bias: JaxArray };

export function mlm(config: MlmConfig): Model {
  const { vocab, blockSize, nLayer, nHead, nEmbd, dropout, act } = tokenStackSizes('mlm', config, 64);
  return {
    kind: 'mlm',
    description: `mlm encoder ${nLayer} layers x ${nHead} heads, width ${nEmbd}, context ${blockSize}, vocab ${vocab} + [MASK], MLP ${activationLabel(config.activation)}`,
    config: {
      vocabSize: vocab,
      maskId: vocab,
      blockSize,
      nLayer,
      nHead,
      nEmbd,
      dropout,
      learnable: act.learnable,
    },
    inputShape: [blockSize],
    outputSize: vocab,
    init(rand) {
      // One embedding row more than the vocabulary: the [MASK] token.
      const stack = tokenStackInit(rand, vocab + 1, { blockSize, width: nEmbd, layers: nLayer, act });
      // BERT's output bias per vocabulary entry on top of the tied embedding.
      const params: MlmParams = { ...stack, bias: np.zeros([vocab]) };
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, ids, ctx) {
      const p = params as unknown as MlmParams;
      const o = { model: 'mlm', blockSize, heads: nHead, causal: false, act, dropout, ctx };
      const out = tokenStack(p, ids, o);
      // The [MASK] row is never a prediction target: the head uses the real vocabulary's rows only.
      const logits = np.dot(out, p.wte.slice([0, vocab]).transpose()).add(p.bias);
      return { logits, state };
    },
  };
}
