/**
 * CIFAR-style ResNet-(6n+2) (He et al. 2016, arXiv 1512.03385, section 4.2): a 3x3 stem conv, three
 * stages of n BasicBlocks with 16/32/64 channels (the 2nd and 3rd stages start with stride 2), global
 * average pooling and a linear classifier. BasicBlock: conv3x3-BN-act-conv3x3-BN, plus the shortcut,
 * then act. Down-sampling shortcuts are the paper's parameter-free option A (subsample, zero-pad the
 * new channels). Inputs are NHWC [B, H, W, C]; 28x28 gives 28/14/7 maps, 32x32 gives 32/16/8.
 */
import { type BatchNormParams, type BatchNormState, batchNorm, batchNormInit } from '../nn/batch-norm.js';
import { type Conv2dParams, conv2d, conv2dInit } from '../nn/conv2d.js';
import type { Uniform } from '../nn/init.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import { globalAvgPool } from '../nn/pool.js';
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { type ActivationChoice, activationLabel, resolveActivation } from './activation-spec.js';
import type { ForwardContext, Model } from './types.js';

export interface ResnetConfig {
  /** [H, W, C] of one image. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  activation: ActivationChoice;
  /** 6n + 2: 20, 32, 44, 56, 110. Default 20. */
  depth?: number;
  /** Channels of the three stages. Default [16, 32, 64]. */
  widths?: readonly [number, number, number];
}

type ConvBn = { conv: Conv2dParams; bn: BatchNormParams };
type BlockParams = { a: ConvBn; b: ConvBn };
type BlockState = { a: BatchNormState; b: BatchNormState };
type ResnetParams = { stem: ConvBn; blocks: BlockParams[]; head: LinearParams };
type ResnetState = { stem: BatchNormState; blocks: BlockState[] };

export function resnet(config: ResnetConfig): Model {
  const depth = config.depth ?? 20;
  if (!(Number.isInteger(depth) && depth >= 8 && (depth - 2) % 6 === 0)) {
    throw new RangeError(
      `gatelab resnet: depth must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110), got ${depth}`,
    );
  }
  const blocksPerStage = (depth - 2) / 6;
  const widths = config.widths ?? [16, 32, 64];
  const [height, width, inChannels] = config.inputShape;
  const act = resolveActivation(config.activation);
  // Stage and stride of every block, in order.
  const plan: { cin: number; cout: number; stride: number }[] = [];
  let cin = widths[0];
  widths.forEach((cout, stage) => {
    for (let i = 0; i < blocksPerStage; i++) {
      plan.push({ cin, cout, stride: stage > 0 && i === 0 ? 2 : 1 });
      cin = cout;
    }
  });

  function convBnInit(rand: Uniform, cinLayer: number, cout: number, states: BatchNormState[]): ConvBn {
    const bn = batchNormInit(cout);
    states.push(bn.state);
    return { conv: conv2dInit(rand, cinLayer, cout, 3, { bias: false }), bn: bn.params };
  }

  function convBn(p: ConvBn, s: BatchNormState, x: JaxArray, stride: number, ctx: ForwardContext) {
    return batchNorm(p.bn, s, conv2d(p.conv, x, { stride }), { train: ctx.train });
  }

  return {
    kind: 'resnet',
    description: `resnet-${depth} ${height}x${width}x${inChannels}, widths ${widths.join('/')}, ${activationLabel(config.activation)}, ${config.numClasses} classes`,
    config: { depth, blocksPerStage, widths: [...widths], numClasses: config.numClasses },
    inputShape: config.inputShape,
    outputSize: config.numClasses,
    init(rand) {
      const stemStates: BatchNormState[] = [];
      const stem = convBnInit(rand, inChannels, widths[0], stemStates);
      const blocks: BlockParams[] = [];
      const blockStates: BlockState[] = [];
      for (const { cin: bin, cout } of plan) {
        const st: BatchNormState[] = [];
        blocks.push({ a: convBnInit(rand, bin, cout, st), b: convBnInit(rand, cout, cout, st) });
        blockStates.push({ a: st[0], b: st[1] });
      }
      const head = linearInit(rand, widths[2], config.numClasses, { init: 'xavier-uniform' });
      const params: ResnetParams = { stem, blocks, head };
      const state: ResnetState = { stem: stemStates[0], blocks: blockStates };
      return { params: params as unknown as ArrayTree, state: state as unknown as ArrayTree };
    },
    apply(params, state, x, ctx) {
      const p = params as unknown as ResnetParams;
      const s = state as unknown as ResnetState;
      const [stemOut, stemState] = convBn(p.stem, s.stem, x, 1, ctx);
      let h = ctx.tap('stem.act', act(ctx.tap('stem.preact', stemOut)));
      const blockStates: BlockState[] = [];
      plan.forEach(({ cin: bin, cout, stride }, i) => {
        const bp = p.blocks[i];
        const [a, aState] = convBn(bp.a, s.blocks[i].a, h.ref, stride, ctx);
        const mid = ctx.tap(`block${i}.a.act`, act(ctx.tap(`block${i}.a.preact`, a)));
        const [b, bState] = convBn(bp.b, s.blocks[i].b, mid, 1, ctx);
        blockStates.push({ a: aState, b: bState });
        const shortcut = stride === 1 && bin === cout ? h : optionAShortcut(h, stride, cout - bin);
        h = ctx.tap(`block${i}.act`, act(ctx.tap(`block${i}.preact`, b.add(shortcut))));
      });
      const next: ResnetState = { stem: stemState, blocks: blockStates };
      return { logits: linear(p.head, globalAvgPool(h)), state: next as unknown as ArrayTree };
    },
  };
}

/** Option A: take every stride-th pixel, zero-pad the extra channels evenly on both sides. Consumes x. */
function optionAShortcut(x: JaxArray, stride: number, extraChannels: number): JaxArray {
  const [batch, height, width, channels] = x.shape;
  const outH = Math.ceil(height / stride);
  const outW = Math.ceil(width / stride);
  // Pad to a multiple of the stride, then keep offset 0 of every window (x[:, ::s, ::s, :]).
  const padded = np.pad(x, [
    [0, 0],
    [0, outH * stride - height],
    [0, outW * stride - width],
    [0, 0],
  ]);
  const sub = padded.reshape([batch, outH, stride, outW, stride, channels]).slice([], [], 0, [], 0, []);
  const before = Math.floor(extraChannels / 2);
  return np.pad(sub, [
    [0, 0],
    [0, 0],
    [0, 0],
    [before, extraChannels - before],
  ]);
}
