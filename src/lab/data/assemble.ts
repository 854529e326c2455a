/**
 * Turns decoded bytes (pixels 0..255 + labels) into a {@link Dataset}: picks each split's samples,
 * converts to float32 in [0, 1], optionally standardises.
 *
 * @module
 */

import type { Dataset, ImageLayout, ImageLoadOptions, Normalization, Split } from './types.js';

/** Decoded images of one source file (or several concatenated). */
export interface ByteImages {
  /** n * sampleSize bytes, NCHW per sample. */
  pixels: Uint8Array;
  labels: Int32Array;
  n: number;
}

/** Which samples of which source form one split. */
export interface SplitSelection {
  source: ByteImages;
  /** Sample indices into `source`, in the order the split keeps them. */
  indices: ArrayLike<number>;
}

/** byte -> byte/255 as float32, computed once. */
const UNIT_SCALE = (() => {
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = b / 255;
  return table;
})();

/** Indices start, start+1, ..., end-1. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(`limit.${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Gathers the selected samples as float32 in [0, 1]. Source pixels are CHW per sample; `layout` 'NHWC'
 * interleaves the channels while copying (no second pass, no second buffer).
 */
export function toSplit(
  selection: SplitSelection,
  shape: readonly [number, number, number],
  layout: ImageLayout = 'NCHW',
  limit?: number,
): Split {
  const { source, indices } = selection;
  const [channels, height, width] = shape;
  const plane = height * width;
  const sampleSize = channels * plane;
  const n = limit === undefined ? indices.length : Math.min(limit, indices.length);
  const x = new Float32Array(n * sampleSize);
  const y = new Int32Array(n);
  const pixels = source.pixels;
  const interleave = layout === 'NHWC' && channels > 1;
  for (let i = 0; i < n; i++) {
    const from = indices[i] * sampleSize;
    const to = i * sampleSize;
    if (interleave) {
      for (let c = 0; c < channels; c++) {
        const planeStart = from + c * plane;
        for (let p = 0; p < plane; p++) x[to + p * channels + c] = UNIT_SCALE[pixels[planeStart + p]];
      }
    } else {
      for (let k = 0; k < sampleSize; k++) x[to + k] = UNIT_SCALE[pixels[from + k]];
    }
    y[i] = source.labels[indices[i]];
  }
  return { x, y, n };
}

/** Position of pixel p of channel c inside one sample, for either layout. */
function channelStride(
  layout: ImageLayout,
  channels: number,
  plane: number,
): { step: number; offset: number } {
  return layout === 'NHWC' ? { step: channels, offset: 1 } : { step: 1, offset: plane };
}

/** Per-channel mean and (population) standard deviation of a split, accumulated in float64. */
export function channelStats(
  split: Split,
  channels: number,
  layout: ImageLayout = 'NCHW',
): { mean: number[]; std: number[] } {
  const sampleSize = split.n === 0 ? 0 : split.x.length / split.n;
  const plane = sampleSize / channels;
  const { step, offset } = channelStride(layout, channels, plane);
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < split.n; i++) {
      const base = i * sampleSize + c * offset;
      for (let p = 0; p < plane; p++) {
        const v = split.x[base + p * step];
        sum += v;
        sumSquares += v * v;
      }
    }
    const count = split.n * plane;
    const m = count > 0 ? sum / count : 0;
    const variance = count > 0 ? Math.max(0, sumSquares / count - m * m) : 0;
    mean.push(m);
    // A constant channel would divide by zero; leave it centred but unscaled.
    std.push(variance > 0 ? Math.sqrt(variance) : 1);
  }
  return { mean, std };
}

function standardizeInPlace(
  split: Split,
  channels: number,
  layout: ImageLayout,
  mean: number[],
  std: number[],
) {
  if (split.n === 0) return;
  const sampleSize = split.x.length / split.n;
  const plane = sampleSize / channels;
  const { step, offset } = channelStride(layout, channels, plane);
  for (let i = 0; i < split.n; i++) {
    for (let c = 0; c < channels; c++) {
      const base = i * sampleSize + c * offset;
      const m = mean[c];
      const inv = 1 / std[c];
      for (let p = 0; p < plane; p++) split.x[base + p * step] = (split.x[base + p * step] - m) * inv;
    }
  }
}

/** Everything {@link assembleDataset} needs besides the split selections. */
export interface DatasetDescription {
  name: string;
  source: string;
  inputShape: [number, number, number];
  numClasses: number;
  classNames: string[];
}

/** Builds the final {@link Dataset}, applying `limit` and `standardize` from the options. */
export function assembleDataset(
  description: DatasetDescription,
  selections: { train: SplitSelection; val: SplitSelection; test: SplitSelection },
  options: ImageLoadOptions = {},
): Dataset {
  const limit = options.limit ?? {};
  checkLimit('train', limit.train);
  checkLimit('val', limit.val);
  checkLimit('test', limit.test);
  const layout = options.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC') {
    throw new RangeError(`layout must be 'NCHW' or 'NHWC', got ${JSON.stringify(layout)}`);
  }
  const shape = description.inputShape;
  const channels = shape[0];
  const train = toSplit(selections.train, shape, layout, limit.train);
  const val = toSplit(selections.val, shape, layout, limit.val);
  const test = toSplit(selections.test, shape, layout, limit.test);
  let normalization: Normalization = { kind: 'unit' };
  if (options.standardize) {
    const { mean, std } = channelStats(train, channels, layout);
    for (const split of [train, val, test]) standardizeInPlace(split, channels, layout, mean, std);
    normalization = { kind: 'standardize', mean, std };
  }
  return { ...description, layout, train, val, test, normalization };
}
