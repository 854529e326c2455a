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
import { type ActivationChoice, activationLabel, activationLayer } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import { type TokenStackParams, tokenStack, tokenStackInit } from './transformer-block.js';
import type { Model } from './types.js';

export interface MlmConfig {
  /** Real tokens; the model adds one [MASK] token with id vocabSize. */
  vocabSize: number;
  activation: ActivationChoice;
  /** Context length. Default 64. */
  blockSize?: number;
  /** Default 2. */
  nLayer?: number;
  /** Default 4. */
  nHead?: number;
  /** Default 64. */
  nEmbd?: number;
  /** Dropout on embeddings, attention output and MLP output. Default 0. */
  dropout?: number;
}

type MlmParams = TokenStackParams & { bias: JaxArray };

export function mlm(config: MlmConfig): Model {
  const blockSize = config.blockSize ?? 64;
  const nLayer = config.nLayer ?? 2;
  const nHead = config.nHead ?? 4;
  const nEmbd = config.nEmbd ?? 64;
  const dropoutRate = config.dropout ?? 0;
  const vocab = config.vocabSize;
  for (const [name, value] of Object.entries({ vocabSize: vocab, blockSize, nLayer, nHead, nEmbd })) {
    checkPositiveInt(name, value);
  }
  if (nEmbd % nHead !== 0) throw new RangeError(`gatelab mlm: nHead (${nHead}) must divide nEmbd (${nEmbd})`);
  const act = activationLayer(config.activation);
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
      dropout: dropoutRate,
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
      const o = { model: 'mlm', blockSize, heads: nHead, causal: false, act, dropout: dropoutRate, ctx };
      const out = tokenStack(p, ids, o);
      // The [MASK] row is never a prediction target: the head uses the real vocabulary's rows only.
      const logits = np.dot(out, p.wte.slice([0, vocab]).transpose()).add(p.bias);
      return { logits, state };
    },
  };
}
