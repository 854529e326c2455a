/**
 * The GoLU paper's small ablation model: N blocks of [Linear(width), LayerNorm, activation], then a
 * linear classifier. Inputs of any shape are flattened.
 */
import { type LayerNormParams, layerNorm, layerNormInit } from '../nn/layer-norm.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import type { ArrayTree, JaxArray } from '../runtime.js';
import { type ActivationChoice, activationLabel, activationLayer } from './activation-spec.js';
import type { Model } from './types.js';

export interface MlpConfig {
  /** Shape of one input sample; flattened. */
  inputShape: readonly number[];
  numClasses: number;
  activation: ActivationChoice;
  /** Number of [Linear, LayerNorm, activation] blocks (the paper ablates 1..4). Default 2. */
  depth?: number;
  /** Hidden width. Default 512. */
  width?: number;
  /** LayerNorm after each hidden linear layer. Default true. */
  layerNorm?: boolean;
  /** Dropout after each activation. Default 0. */
  dropout?: number;
}

/** `act`: learnable activation parameters (only with `activation.learnable`). */
type Block = { linear: LinearParams; norm?: LayerNormParams; act?: Record<string, JaxArray> };
type MlpParams = { blocks: Block[]; head: LinearParams };

export function mlp(config: MlpConfig): Model {
  const depth = config.depth ?? 2;
  const width = config.width ?? 512;
  const useNorm = config.layerNorm ?? true;
  const dropoutRate = config.dropout ?? 0;
  checkPositiveInt('depth', depth);
  checkPositiveInt('width', width);
  const inputDim = config.inputShape.reduce((a, b) => a * b, 1);
  const act = activationLayer(config.activation);
  const label = activationLabel(config.activation);
  return {
    kind: 'mlp',
    description: `mlp ${inputDim}-[${width}${useNorm ? ' LN' : ''} ${label}]x${depth}-${config.numClasses}`,
    config: {
      depth,
      width,
      layerNorm: useNorm,
      dropout: dropoutRate,
      inputDim,
      numClasses: config.numClasses,
      ...(act.learnable.length > 0 ? { learnable: act.learnable } : {}),
    },
    inputShape: config.inputShape,
    outputSize: config.numClasses,
    init(rand) {
      const blocks: Block[] = [];
      let fanIn = inputDim;
      for (let i = 0; i < depth; i++) {
        const lin = linearInit(rand, fanIn, width);
        const block: Block = useNorm ? { linear: lin, norm: layerNormInit(width) } : { linear: lin };
        const a = act.init(width);
        if (a !== null) block.act = a;
        blocks.push(block);
        fanIn = width;
      }
      const head = linearInit(rand, fanIn, config.numClasses, { init: 'xavier-uniform' });
      const params: MlpParams = { blocks, head };
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, x, ctx) {
      const p = params as unknown as MlpParams;
      let h: JaxArray = x.reshape([x.shape[0], inputDim]);
      p.blocks.forEach((block, i) => {
        h = linear(block.linear, h);
        if (block.norm !== undefined) h = layerNorm(block.norm, h);
        h = ctx.tap(`block${i}.preact`, h);
        h = ctx.tap(`block${i}.act`, act.apply(h, block.act));
        if (dropoutRate > 0) h = ctx.dropout(h, dropoutRate);
      });
      return { logits: linear(p.head, h), state };
    },
  };
}

export function checkPositiveInt(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`gatelab model: ${name} must be a positive integer, got ${value}`);
  }
}
