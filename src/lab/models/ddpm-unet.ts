/**
 * The noise-prediction U-Net of DDPM (Ho, Jain & Abbeel 2020, arXiv 2006.11239, appendix B; the
 * PixelCNN++-style backbone of their `diffusion_tf/models/unet.py`), cut down to two resolutions for a
 * CPU:
 *
 *   conv3x3 C -> c1
 *   H x W:      ResBlock(c1 -> c1)                          (its output is the skip)
 *   down:       conv3x3 stride 2, c1 -> c1
 *   H/2 x W/2:  ResBlock(c1 -> c2), [self-attention], ResBlock(c2 -> c2)
 *   up:         nearest 2x, concatenate the skip (c2 + c1)
 *   H x W:      ResBlock(c2 + c1 -> c1)
 *   GroupNorm, act, conv3x3 c1 -> C                          (the predicted noise)
 *
 * ResBlock(cin -> cout), pre-activation as in Ho et al.: h = conv3x3(act(GN(x))); h += Linear(act(temb));
 * h = conv3x3(act(GN(h))); out = skip(x) + h, skip a 1x1 convolution when cin != cout. The time
 * embedding temb = Linear(act(Linear(sinusoid(t)))) of width 4 c1 enters every block. The chosen
 * activation is used everywhere (blocks, time MLP, output head). Ho et al. also use dropout and
 * zero-initialise each block's last convolution; neither is done here (short CPU runs, and a zero
 * layer would hide every earlier gradient from the finite-difference tests).
 *
 * The lab's Model interface takes one input array, so the timestep travels as an extra input channel:
 * apply(x) expects [B, H, W, C + 1] whose last channel holds t (an integer 0 .. T-1, the same at every
 * pixel; `packTimesteps` builds it) and returns the noise as [B*H*W, C] (pixel-major, like the
 * segmentation U-Net's logits). Diagnostics, checkpoints and the benchmark then treat it like any model.
 */

import { noiseMse } from '../diffusion/process.js';
import { type Conv2dParams, conv2d, conv2dInit } from '../nn/conv2d.js';
import { type GroupNormParams, groupNorm, groupNormInit } from '../nn/group-norm.js';
import type { Uniform } from '../nn/init.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import {
  type SpatialAttentionParams,
  spatialAttentionInit,
  spatialSelfAttention,
} from '../nn/spatial-attention.js';
import { upsampleNearest2d } from '../nn/upsample.js';
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { type ActivationChoice, activationLabel, resolveActivation } from './activation-spec.js';
import { checkPositiveInt } from './mlp.js';
import type { Model } from './types.js';

export interface DdpmUnetConfig {
  /** [H, W, C] of one image (without the timestep channel); H and W even. */
  imageShape: readonly [number, number, number];
  activation: ActivationChoice;
  /** Channels at the full and the half resolution. Default [16, 32]. */
  channels?: readonly [number, number];
  /** Group-norm groups (both widths must be divisible by it). Default 4. */
  groups?: number;
  /** Self-attention at the half resolution. Default false. */
  attention?: boolean;
  /** T: the embedding table covers t = 0 .. T-1. Default 1000. */
  timesteps?: number;
}

type ResBlockParams = {
  norm1: GroupNormParams;
  conv1: Conv2dParams;
  time: LinearParams;
  norm2: GroupNormParams;
  conv2: Conv2dParams;
  skip?: Conv2dParams;
};
type DdpmUnetParams = {
  timeMlp: { fc1: LinearParams; fc2: LinearParams };
  input: Conv2dParams;
  high: ResBlockParams;
  down: Conv2dParams;
  low1: ResBlockParams;
  attention?: SpatialAttentionParams;
  low2: ResBlockParams;
  up: ResBlockParams;
  outNorm: GroupNormParams;
  output: Conv2dParams;
};

/**
 * The sinusoidal timestep embedding of Ho et al. (their `get_timestep_embedding`, after Vaswani et al.
 * 2017): for half = dim / 2 and frequencies w_i = exp(-ln(10000) i / (half - 1)), i = 0 .. half-1,
 * emb(t) = [sin(t w_0) .. sin(t w_{half-1}), cos(t w_0) .. cos(t w_{half-1})]. Rows t = 0 .. T-1, float64
 * on the host (the model looks rows up instead of evaluating sin/cos in float32 each step).
 */
export function timestepEmbeddingTable(timesteps: number, dim: number): Float64Array {
  if (!(Number.isInteger(dim) && dim >= 4 && dim % 2 === 0)) {
    throw new RangeError(`timestep embedding width must be an even integer >= 4, got ${dim}`);
  }
  const half = dim / 2;
  const table = new Float64Array(timesteps * dim);
  for (let t = 0; t < timesteps; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp((-Math.log(10000) * i) / (half - 1));
      table[t * dim + i] = Math.sin(angle);
      table[t * dim + half + i] = Math.cos(angle);
    }
  }
  return table;
}

/**
 * The model's input [rows, H, W, C + 1] from images [rows, H, W, C] (row-major, NHWC) and one timestep
 * per row: each pixel's C values followed by its row's t.
 */
export function packTimesteps(
  images: ArrayLike<number>,
  t: ArrayLike<number>,
  rows: number,
  channels = 1,
): Float32Array {
  const pixels = images.length / (rows * channels);
  if (!Number.isInteger(pixels) || t.length !== rows) {
    throw new RangeError(
      `packTimesteps: ${images.length} values, ${rows} rows of ${channels} channels and ${t.length} timesteps do not fit`,
    );
  }
  const out = new Float32Array(rows * pixels * (channels + 1));
  let o = 0;
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const step = t[r];
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) out[o++] = images[i++];
      out[o++] = step;
    }
  }
  return out;
}

export function ddpmUnet(config: DdpmUnetConfig): Model {
  const channels = config.channels ?? [16, 32];
  const groups = config.groups ?? 4;
  const attention = config.attention ?? false;
  const timesteps = config.timesteps ?? 1000;
  if (channels.length !== 2) {
    throw new RangeError(
      `ddpm-unet channels must list 2 widths (full, half resolution), got ${channels.length}`,
    );
  }
  for (const c of channels) checkPositiveInt('ddpm-unet channels', c);
  checkPositiveInt('ddpm-unet groups', groups);
  checkPositiveInt('ddpm-unet timesteps', timesteps);
  for (const c of channels) {
    if (c % groups !== 0) {
      throw new RangeError(`ddpm-unet channels must be divisible by groups = ${groups}, got ${c}`);
    }
  }
  const [height, width, imageChannels] = config.imageShape;
  if (height % 2 !== 0 || width % 2 !== 0) {
    throw new RangeError(`ddpm-unet image height and width must be even, got ${height}x${width}`);
  }
  const [c1, c2] = channels;
  const embedWidth = Math.max(4, c1 + (c1 % 2));
  const timeWidth = 4 * c1;
  const table = Float32Array.from(timestepEmbeddingTable(timesteps, embedWidth));
  const act = resolveActivation(config.activation);
  const label = activationLabel(config.activation);

  const resBlockInit = (rand: Uniform, cin: number, cout: number): ResBlockParams => ({
    norm1: groupNormInit(cin),
    conv1: conv2dInit(rand, cin, cout, 3),
    time: linearInit(rand, timeWidth, cout),
    norm2: groupNormInit(cout),
    conv2: conv2dInit(rand, cout, cout, 3),
    ...(cin === cout ? {} : { skip: conv2dInit(rand, cin, cout, 1, { init: 'xavier-uniform' }) }),
  });
  type Tap = (name: string, v: JaxArray) => JaxArray;
  /** Consumes p, x and temb. */
  const resBlock = (p: ResBlockParams, x: JaxArray, temb: JaxArray, name: string, tap: Tap) => {
    const [batch] = x.shape;
    let h = conv2d(p.conv1, tap(`${name}.act1`, act(groupNorm(p.norm1, x.ref, groups))));
    const cout = h.shape[3];
    h = h.add(linear(p.time, temb).reshape([batch, 1, 1, cout]));
    h = conv2d(p.conv2, tap(`${name}.act2`, act(groupNorm(p.norm2, h, groups))));
    const skip = p.skip === undefined ? x : conv2d(p.skip, x);
    return skip.add(h);
  };

  return {
    kind: 'ddpm-unet',
    description: `ddpm-unet ${height}x${width}x${imageChannels} channels ${c1}-${c2} (2 resolutions, pre-activation ResBlocks GN${groups} ${label}, sinusoidal time embedding ${embedWidth} -> MLP ${timeWidth}${attention ? `, self-attention at ${height / 2}x${width / 2}` : ''}), T = ${timesteps}`,
    config: { channels: [...channels], groups, attention, timesteps, timeWidth, embedWidth },
    inputShape: [height, width, imageChannels + 1],
    outputSize: imageChannels,
    // Ho et al.'s L_simple: the targets are the noise each input was made with.
    loss: noiseMse,
    init(rand) {
      const params: DdpmUnetParams = {
        timeMlp: {
          fc1: linearInit(rand, embedWidth, timeWidth),
          fc2: linearInit(rand, timeWidth, timeWidth),
        },
        input: conv2dInit(rand, imageChannels, c1, 3, { init: 'xavier-uniform' }),
        high: resBlockInit(rand, c1, c1),
        down: conv2dInit(rand, c1, c1, 3, { init: 'xavier-uniform' }),
        low1: resBlockInit(rand, c1, c2),
        ...(attention ? { attention: spatialAttentionInit(rand, c2) } : {}),
        low2: resBlockInit(rand, c2, c2),
        up: resBlockInit(rand, c2 + c1, c1),
        outNorm: groupNormInit(c1),
        output: conv2dInit(rand, c1, imageChannels, 3, { init: 'xavier-uniform' }),
      };
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, input, ctx) {
      const p = params as unknown as DdpmUnetParams;
      const tap: Tap = ctx.tap.bind(ctx);
      if (input.ndim !== 4 || input.shape[3] !== imageChannels + 1) {
        throw new Error(
          `ddpm-unet expects [B, ${height}, ${width}, ${imageChannels + 1}] (image channels + the timestep), got [${input.shape.join(', ')}]`,
        );
      }
      const x = input.ref.slice([], [], [], [0, imageChannels]);
      const steps = input.slice([], 0, 0, imageChannels).astype(np.int32);
      const sinusoid = np.take(np.array(table, { shape: [timesteps, embedWidth] }), steps, 0).astype(x.dtype);
      const temb = linear(p.timeMlp.fc2, tap('time.act1', act(linear(p.timeMlp.fc1, sinusoid))));
      // Every block adds Linear(act(temb)): the activation is shared, computed once.
      const timeFeatures = tap('time.act2', act(temb));
      const h0 = conv2d(p.input, x);
      const skip = resBlock(p.high, h0, timeFeatures.ref, 'high', tap);
      let low = conv2d(p.down, skip.ref, { stride: 2 });
      low = resBlock(p.low1, low, timeFeatures.ref, 'low1', tap);
      if (p.attention !== undefined) low = spatialSelfAttention(p.attention, low, groups);
      low = resBlock(p.low2, low, timeFeatures.ref, 'low2', tap);
      const merged = np.concatenate([upsampleNearest2d(low, 2), skip], 3);
      const up = resBlock(p.up, merged, timeFeatures, 'up', tap);
      const out = conv2d(p.output, tap('out.act', act(groupNorm(p.outNorm, up, groups))));
      return { logits: out.reshape([-1, imageChannels]), state };
    },
  };
}
