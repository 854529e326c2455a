/**
 * A character-level baby GPT in the nanoGPT layout (Karpathy, github.com/karpathy/nanoGPT, after GPT-2):
 * token + learned position embeddings, nLayer x [x + attn(LN(x)), x + mlp(LN(x))] with
 * mlp = Linear(4C) -> activation -> Linear(C), a final LayerNorm and a head tied to the token embedding.
 * Input: int32 token ids [B, T] with T <= blockSize; output logits [B*T, vocab].
 */
import { type AttentionParams, attentionInit, causalSelfAttention } from '../nn/attention.js';
import { embed, embeddingInit } from '../nn/embedding.js';
import { type LayerNormParams, layerNorm, layerNormInit } from '../nn/layerNorm.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { type ActivationChoice, activationLabel, activationLayer } from './activationSpec.js';
import { checkPositiveInt } from './mlp.js';
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

type BlockParams = {
  ln1: LayerNormParams;
  attn: AttentionParams;
  ln2: LayerNormParams;
  fc: LinearParams;
  proj: LinearParams;
  /** Learnable activation parameters (only with `activation.learnable`). */
  act?: Record<string, JaxArray>;
};
type GptParams = { wte: JaxArray; wpe: JaxArray; blocks: BlockParams[]; lnF: LayerNormParams };

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
      const wte = embeddingInit(rand, vocab, nEmbd);
      const wpe = embeddingInit(rand, blockSize, nEmbd);
      const blocks: BlockParams[] = [];
      for (let i = 0; i < nLayer; i++) {
        const block: BlockParams = {
          ln1: layerNormInit(nEmbd),
          attn: attentionInit(rand, nEmbd, nLayer),
          ln2: layerNormInit(nEmbd),
          fc: linearInit(rand, nEmbd, 4 * nEmbd, { std: 0.02 }),
          proj: linearInit(rand, 4 * nEmbd, nEmbd, { std: 0.02 / Math.sqrt(2 * nLayer) }),
        };
        const a = act.init(4 * nEmbd);
        if (a !== null) block.act = a;
        blocks.push(block);
      }
      const params: GptParams = { wte, wpe, blocks, lnF: layerNormInit(nEmbd) };
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, ids, ctx) {
      const p = params as unknown as GptParams;
      const [batch, time] = ids.shape;
      if (time > blockSize)
        throw new Error(`gatelab gpt: sequence length ${time} exceeds blockSize ${blockSize}`);
      const positions = p.wpe.slice([0, time]);
      let x = ctx.dropout(embed(p.wte.ref, ids).add(positions), dropoutRate);
      p.blocks.forEach((b, i) => {
        const attended = causalSelfAttention(b.attn, layerNorm(b.ln1, x.ref), nHead);
        x = x.add(ctx.dropout(attended, dropoutRate));
        const pre = ctx.tap(`block${i}.mlp.preact`, linear(b.fc, layerNorm(b.ln2, x.ref)));
        const hidden = ctx.tap(`block${i}.mlp.act`, act.apply(pre, b.act));
        x = x.add(ctx.dropout(linear(b.proj, hidden), dropoutRate));
      });
      const out = layerNorm(p.lnF, x).reshape([batch * time, nEmbd]);
      const logits = np.dot(out, p.wte.transpose());
      return { logits, state };
    },
  };
}
