/**
 * A small U-Net (Ronneberger, Fischer & Brox 2015) for semantic segmentation: two down-sampling stages,
 * a bottleneck and two up-sampling stages with skip connections, every block
 * [conv3x3 -> GroupNorm -> activation] x 2, 2x2 max pooling down, nearest 2x upsampling + concatenation
 * up, and a 1x1 convolution to per-pixel class logits. Group norm rather than batch norm so that the
 * small batches this CPU affords do not couple the samples. Inputs are NHWC [B, H, W, C] with H and W
 * divisible by 4; the logits come out as [B*H*W, classes] (pixel-major, like the GPT's [B*T, vocab]),
 * so the trainer's cross-entropy and accuracy become per-pixel loss and pixel accuracy.
 *
 * With `patch` p > 1 the stages run at 1/p of the resolution, losslessly: the input's p x p pixel blocks
 * become channels (space-to-depth) and the head predicts p x p pixels' logits per position
 * (depth-to-space), as in ESPCN's sub-pixel convolution (Shi et al. 2016). The convolutions then cost
 * about 1/p^2 as much and see p times as far (a digit's identity needs its whole shape). The input is
 * zero-padded at the bottom and right to multiples of 4p (64x84 -> 64x88 for p = 2) and the logits
 * cropped back.
 */
import { type Conv2dParams, conv2d, conv2dInit } from '../nn/conv2d.js';
import { type GroupNormParams, groupNorm, groupNormInit } from '../nn/group-norm.js';
import { maxPool2d } from '../nn/pool.js';
import { depthToSpace, spaceToDepth } from '../nn/space-to-depth.js';
import { upsampleNearest2d } from '../nn/upsample.js';
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { type ActivationChoice, activationLabel, resolveActivation } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import type { Model } from './types.js';

/** The options of a three-stage conv net on images (the U-Net here, the detector in centernet.ts). */
export interface StagedConvConfig {
  /** [H, W, C] of one image; H and W divisible by 4. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  activation: ActivationChoice;
  /** Channels of the three stages (the default is the model's). */
  channels?: readonly [number, number, number];
  /** Group-norm groups (each stage's channels must be divisible by it). Default 4. */
  groups?: number;
}

/** Smallest class frequency taken as a prior (an absent class would give log 0). */
const PRIOR_FLOOR = 1e-4;

/** Per-class logit biases whose softmax is the given prior (floored at PRIOR_FLOOR). */
export function priorLogits(prior: readonly number[]): Float32Array {
  return Float32Array.from(prior, (f) => Math.log(Math.max(f, PRIOR_FLOOR)));
}

/** The U-Net's options; channels: the two encoder stages and the bottleneck, default [16, 32, 64]. */
export interface UnetConfig extends StagedConvConfig {
  /**
   * Frequency of each class among the training pixels: the head's biases start at their logarithms, so
   * the first prediction is the class prior (background ~96 %) instead of uniform. Without it the
   * network spends its first ~130 steps learning that prior through its other weights and then sits at
   * "all background" (measured: mIoU 8.8 % after one default epoch).
   */
  classPrior?: readonly number[];
  /** Side of the pixel blocks folded into channels before the stages (1: full resolution). Default 1. */
  patch?: number;
}

type ConvBlock = { conv1: Conv2dParams; norm1: GroupNormParams; conv2: Conv2dParams; norm2: GroupNormParams };
type UnetParams = {
  down1: ConvBlock;
  down2: ConvBlock;
  bottleneck: ConvBlock;
  up2: ConvBlock;
  up1: ConvBlock;
  head: Conv2dParams;
};

/** Three positive stage widths, each divisible by the group-norm groups (U-Net, detector). */
export function checkStageChannels(model: string, channels: readonly number[], groups: number): void {
  if (channels.length !== 3) {
    throw new RangeError(`${model} channels must list 3 stage widths, got ${channels.length}`);
  }
  for (const c of channels) checkPositiveInt(`${model} channels`, c);
  checkPositiveInt(`${model} groups`, groups);
  for (const c of channels) {
    if (c % groups !== 0) {
      throw new RangeError(`${model} channels must be divisible by groups = ${groups}, got ${c}`);
    }
  }
}

/**
 * A three-stage conv net's options with defaults filled in and checked (sides divisible by 4: two
 * 2x2 poolings), and its activation.
 */
export function stageSizes(
  model: string,
  config: StagedConvConfig,
  defaultChannels: readonly [number, number, number],
) {
  const channels = config.channels ?? defaultChannels;
  const groups = config.groups ?? 4;
  checkStageChannels(model, channels, groups);
  const [height, width, inChannels] = config.inputShape;
  if (height % 4 !== 0 || width % 4 !== 0) {
    throw new RangeError(`${model} input height and width must be divisible by 4, got ${height}x${width}`);
  }
  return { channels, groups, height, width, inChannels, act: resolveActivation(config.activation) };
}

export function unet(config: UnetConfig): Model {
  const { channels, groups, height, width, inChannels, act } = stageSizes('unet', config, [16, 32, 64]);
  if (config.classPrior !== undefined && config.classPrior.length !== config.numClasses) {
    throw new RangeError(
      `unet classPrior must have one frequency per class (${config.numClasses}), got ${config.classPrior.length}`,
    );
  }
  const patch = config.patch ?? 1;
  checkPositiveInt('unet patch', patch);
  const [c1, c2, c3] = channels;
  const label = activationLabel(config.activation);
  const classes = config.numClasses;
  // Padded sides: multiples of 4 * patch, so both poolings divide the patched grid.
  const paddedHeight = Math.ceil(height / (4 * patch)) * 4 * patch;
  const paddedWidth = Math.ceil(width / (4 * patch)) * 4 * patch;
  const [gridHeight, gridWidth] = [paddedHeight / patch, paddedWidth / patch];
  const blockChannels = patch * patch;

  const blockInit = (rand: () => number, cin: number, cout: number): ConvBlock => ({
    conv1: conv2dInit(rand, cin, cout, 3, { bias: false }),
    norm1: groupNormInit(cout),
    conv2: conv2dInit(rand, cout, cout, 3, { bias: false }),
    norm2: groupNormInit(cout),
  });
  const block = (p: ConvBlock, x: JaxArray, name: string, tap: (n: string, v: JaxArray) => JaxArray) => {
    let h = tap(`${name}.act1`, act(groupNorm(p.norm1, conv2d(p.conv1, x), groups)));
    h = tap(`${name}.act2`, act(groupNorm(p.norm2, conv2d(p.conv2, h), groups)));
    return h;
  };

  return {
    kind: 'unet',
    description: `unet ${height}x${width}x${inChannels}${patch > 1 ? ` in ${patch}x${patch} patches (stages at ${gridHeight}x${gridWidth})` : ''} [conv3x3 GN${groups} ${label}]x2 per block, channels ${c1}-${c2}-${c3}, ${classes} classes per pixel`,
    config: { channels: [...channels], groups, numClasses: classes, patch },
    inputShape: config.inputShape,
    outputSize: config.numClasses,
    init(rand) {
      const params: UnetParams = {
        down1: blockInit(rand, inChannels * blockChannels, c1),
        down2: blockInit(rand, c1, c2),
        bottleneck: blockInit(rand, c2, c3),
        up2: blockInit(rand, c3 + c2, c2),
        up1: blockInit(rand, c2 + c1, c1),
        // Per position: the logits of the patch x patch pixels it stands for, pixel-major.
        head: conv2dInit(rand, c1, classes * blockChannels, 1, { init: 'xavier-uniform' }),
      };
      if (config.classPrior !== undefined && 'b' in params.head) {
        params.head.b.dispose();
        const prior = priorLogits(config.classPrior);
        params.head.b = np.array(
          Float32Array.from({ length: classes * blockChannels }, (_, i) => prior[i % classes]),
        );
      }
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, x, ctx) {
      const p = params as unknown as UnetParams;
      const tap = ctx.tap.bind(ctx);
      const skip1 = block(p.down1, toPatches(x, patch, paddedHeight, paddedWidth), 'down1', tap);
      const skip2 = block(p.down2, maxPool2d(skip1.ref, 2), 'down2', tap);
      const bottom = block(p.bottleneck, maxPool2d(skip2.ref, 2), 'bottleneck', tap);
      const up2 = block(p.up2, np.concatenate([upsampleNearest2d(bottom, 2), skip2], 3), 'up2', tap);
      const up1 = block(p.up1, np.concatenate([upsampleNearest2d(up2, 2), skip1], 3), 'up1', tap);
      const logits = fromPatches(conv2d(p.head, up1), patch, height, width);
      return { logits: logits.reshape([-1, classes]), state };
    },
  };
}

/** [B, H, W, C] zero-padded to [B, paddedH, paddedW, C], p x p blocks to channels: [B, paddedH/p, paddedW/p, p*p*C]. */
export function toPatches(x: JaxArray, patch: number, paddedHeight: number, paddedWidth: number): JaxArray {
  const [, height, width] = x.shape;
  const padded =
    paddedHeight === height && paddedWidth === width
      ? x
      : np.pad(x, [
          [0, 0],
          [0, paddedHeight - height],
          [0, paddedWidth - width],
          [0, 0],
        ]);
  return patch === 1 ? padded : spaceToDepth(padded, patch);
}

/** The inverse for the head's output: [B, h, w, p*p*K] to [B, h*p, w*p, K], cropped to height x width. */
export function fromPatches(y: JaxArray, patch: number, height: number, width: number): JaxArray {
  const pixels = patch === 1 ? y : depthToSpace(y, patch);
  if (pixels.shape[1] === height && pixels.shape[2] === width) return pixels;
  return pixels.slice([], [0, height], [0, width], []);
}
