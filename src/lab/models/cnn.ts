/**
 * A plain convolutional classifier: stages of [conv3x3 -> BatchNorm -> activation] x convsPerStage,
 * each stage followed by 2x2 max pooling; then flatten, optional dropout, linear classifier.
 * Inputs are NHWC [B, H, W, C].
 */
import { type BatchNormParams, type BatchNormState, batchNorm, batchNormInit } from '../nn/batch-norm.js';
import { type Conv2dParams, conv2d, conv2dInit } from '../nn/conv2d.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import { maxPool2d } from '../nn/pool.js';
import type { ArrayTree, JaxArray } from '../runtime.js';
import { type ActivationChoice, activationLabel, resolveActivation } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import type { Model } from './types.js';

export interface CnnConfig {
  /** [H, W, C] of one image. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  activation: ActivationChoice;
  /** Output channels of each stage. Default [32, 64]. */
  channels?: readonly number[];
  /** Conv-BN-activation layers per stage. Default 1. */
  convsPerStage?: number;
  /** Dropout before the classifier. Default 0. */
  dropout?: number;
}

type ConvLayer = { conv: Conv2dParams; bn: BatchNormParams };
type CnnParams = { layers: ConvLayer[]; head: LinearParams };
type CnnState = { layers: { bn: BatchNormState }[] };

export function cnn(config: CnnConfig): Model {
  const channels = config.channels ?? [32, 64];
  const convsPerStage = config.convsPerStage ?? 1;
  const dropoutRate = config.dropout ?? 0;
  checkPositiveInt('convsPerStage', convsPerStage);
  if (channels.length === 0) throw new RangeError('gatelab cnn: channels needs at least one stage');
  for (const c of channels) checkPositiveInt('channels', c);
  const [height, width, inChannels] = config.inputShape;
  const outH = height >> channels.length;
  const outW = width >> channels.length;
  if (outH < 1 || outW < 1)
    throw new RangeError(`gatelab cnn: ${channels.length} poolings do not fit a ${height}x${width} input`);
  const flat = outH * outW * channels[channels.length - 1];
  const act = resolveActivation(config.activation);
  return {
    kind: 'cnn',
    description: `cnn ${height}x${width}x${inChannels} [conv3x3 BN ${activationLabel(config.activation)}]x${convsPerStage} + pool per stage, channels ${channels.join('-')}, ${config.numClasses} classes`,
    config: { channels: [...channels], convsPerStage, dropout: dropoutRate, numClasses: config.numClasses },
    inputShape: config.inputShape,
    outputSize: config.numClasses,
    init(rand) {
      const layers: ConvLayer[] = [];
      const states: { bn: BatchNormState }[] = [];
      let cin = inChannels;
      for (const cout of channels) {
        for (let i = 0; i < convsPerStage; i++) {
          const bn = batchNormInit(cout);
          layers.push({ conv: conv2dInit(rand, cin, cout, 3, { bias: false }), bn: bn.params });
          states.push({ bn: bn.state });
          cin = cout;
        }
      }
      const head = linearInit(rand, flat, config.numClasses, { init: 'xavier-uniform' });
      const params: CnnParams = { layers, head };
      const state: CnnState = { layers: states };
      return { params: params as unknown as ArrayTree, state: state as unknown as ArrayTree };
    },
    apply(params, state, x, ctx) {
      const p = params as unknown as CnnParams;
      const s = state as unknown as CnnState;
      let h: JaxArray = x;
      const newStates: { bn: BatchNormState }[] = [];
      let layer = 0;
      for (let stage = 0; stage < channels.length; stage++) {
        for (let i = 0; i < convsPerStage; i++, layer++) {
          const { conv, bn } = p.layers[layer];
          const [normed, bnState] = batchNorm(bn, s.layers[layer].bn, conv2d(conv, h), { train: ctx.train });
          newStates.push({ bn: bnState });
          h = ctx.tap(`conv${layer}.preact`, normed);
          h = ctx.tap(`conv${layer}.act`, act(h));
        }
        h = maxPool2d(h, 2);
      }
      h = h.reshape([h.shape[0], flat]);
      if (dropoutRate > 0) h = ctx.dropout(h, dropoutRate);
      const next: CnnState = { layers: newStates };
      return { logits: linear(p.head, h), state: next as unknown as ArrayTree };
    },
  };
}
