/**
 * A small Vision Transformer (Dosovitskiy et al. 2021, arXiv 2010.11929), the GoLU paper's ViT recipe
 * scaled down to 28x28 images: non-overlapping p x p patches -> linear embedding, a class token (or
 * mean pooling over patches), learned position embeddings, depth x pre-LayerNorm blocks
 * [x + attn(LN(x)), x + mlp(LN(x))] with bidirectional attention and mlp = Linear(ratio*D) ->
 * activation -> Linear(D), a final LayerNorm and a linear head.
 * Input: NHWC images [B, H, W, C]; output logits [B, classes].
 */
import { embeddingInit } from '../nn/embedding.js';
import { type LayerNormParams, layerNorm, layerNormInit } from '../nn/layer-norm.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import { spaceToDepth } from '../nn/space-to-depth.js';
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { type ActivationChoice, activationLabel, activationLayer } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import { type TransformerBlockParams, transformerBlock, transformerBlockInit } from './transformer-block.js';
import type { Model } from './types.js';

export interface VitConfig {
  /** [H, W, C]; H and W must be multiples of the patch size. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  activation: ActivationChoice;
  /** Patch side p. Default 7 (16 patches of a 28x28 image). */
  patchSize?: number;
  /** Blocks. Default 4. */
  depth?: number;
  /** Token width D. Default 64. */
  width?: number;
  /** Attention heads (must divide width). Default 4. */
  heads?: number;
  /** MLP hidden width = mlpRatio * width. Default 4. */
  mlpRatio?: number;
  /** 'cls' (class token, the ViT paper's) or 'mean' (mean over patch tokens). Default 'cls'. */
  pool?: 'cls' | 'mean';
  /** Dropout on embeddings, attention output and MLP output. Default 0. */
  dropout?: number;
}

type VitParams = {
  patch: LinearParams;
  pos: JaxArray;
  cls?: JaxArray;
  blocks: TransformerBlockParams[];
  lnF: LayerNormParams;
  head: LinearParams;
};

/** [B, H, W, C] -> [B, (H/p)(W/p), p*p*C] (row-major patches, each flattened as (py, px, c)). Consumes x. */
export function patchify(x: JaxArray, patch: number): JaxArray {
  const [batch, height, width, channels] = x.shape;
  return spaceToDepth(x, patch).reshape([
    batch,
    (height / patch) * (width / patch),
    patch * patch * channels,
  ]);
}

export function vit(config: VitConfig): Model {
  const [height, widthPx, channels] = config.inputShape;
  const patch = config.patchSize ?? 7;
  const depth = config.depth ?? 4;
  const dim = config.width ?? 64;
  const heads = config.heads ?? 4;
  const ratio = config.mlpRatio ?? 4;
  const pool = config.pool ?? 'cls';
  const dropoutRate = config.dropout ?? 0;
  for (const [name, value] of Object.entries({
    patchSize: patch,
    depth,
    width: dim,
    heads,
    mlpRatio: ratio,
  })) {
    checkPositiveInt(name, value);
  }
  if (height % patch !== 0 || widthPx % patch !== 0) {
    throw new RangeError(`gatelab vit: patchSize ${patch} must divide the image size ${height}x${widthPx}`);
  }
  if (dim % heads !== 0) throw new RangeError(`gatelab vit: heads (${heads}) must divide width (${dim})`);
  if (pool !== 'cls' && pool !== 'mean')
    throw new RangeError(`gatelab vit: pool must be 'cls' or 'mean', got '${pool}'`);
  const patches = (height / patch) * (widthPx / patch);
  const tokens = patches + (pool === 'cls' ? 1 : 0);
  const patchDim = patch * patch * channels;
  const hidden = ratio * dim;
  const act = activationLayer(config.activation);
  return {
    kind: 'vit',
    description: `vit ${height}x${widthPx}x${channels}, patch ${patch} (${patches} patches${pool === 'cls' ? ' + class token' : ', mean pooling'}), ${depth} blocks x ${heads} heads, width ${dim}, MLP ${hidden} ${activationLabel(config.activation)}, ${config.numClasses} classes`,
    config: {
      patchSize: patch,
      depth,
      width: dim,
      heads,
      mlpRatio: ratio,
      pool,
      dropout: dropoutRate,
      numClasses: config.numClasses,
      learnable: act.learnable,
    },
    inputShape: config.inputShape,
    outputSize: config.numClasses,
    init(rand) {
      const patchEmbed = linearInit(rand, patchDim, dim, { init: 'xavier-uniform' });
      const pos = embeddingInit(rand, tokens, dim);
      const blocks: TransformerBlockParams[] = [];
      for (let i = 0; i < depth; i++) blocks.push(transformerBlockInit(rand, dim, depth, act, ratio));
      // The head starts at zero (timm's ViT): every class equally likely at step 0.
      const head: LinearParams = { w: np.zeros([dim, config.numClasses]), b: np.zeros([config.numClasses]) };
      const params: VitParams = { patch: patchEmbed, pos, blocks, lnF: layerNormInit(dim), head };
      if (pool === 'cls') params.cls = np.zeros([1, 1, dim]);
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, x, ctx) {
      const p = params as unknown as VitParams;
      const batch = x.shape[0];
      let h = linear(p.patch, patchify(x, patch)); // [B, N, D]
      if (p.cls !== undefined) h = np.concatenate([np.broadcastTo(p.cls, [batch, 1, dim]), h], 1);
      h = ctx.dropout(h.add(p.pos), dropoutRate);
      p.blocks.forEach((b, index) => {
        h = transformerBlock(b, h, { heads, causal: false, act, dropout: dropoutRate, ctx, index });
      });
      h = layerNorm(p.lnF, h);
      const pooled = pool === 'cls' ? h.slice([], 0) : h.mean(1);
      return { logits: linear(p.head, pooled), state };
    },
  };
}
