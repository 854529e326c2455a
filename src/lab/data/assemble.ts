/**
 * Turns decoded bytes (pixels 0..255 + labels) into a {@link Dataset}: picks each split's samples,
 * converts to float32 in [0, 1], optionally standardises.
 *
 * @module
 */

import type { Dataset, ImageLoadOptions, Normalization, Split } from './types.js';

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

/** Gathers the selected samples as float32 in [0, 1]. */
export function toSplit(selection: SplitSelection, sampleSize: number, limit?: number): Split {
  const { source, indices } = selection;
  const n = limit === undefined ? indices.length : Math.min(limit, indices.length);
  const x = new Float32Array(n * sampleSize);
  const y = new Int32Array(n);
  const pixels = source.pixels;
  for (let i = 0; i < n; i++) {
    const from = indices[i] * sampleSize;
    const to = i * sampleSize;
    for (let k = 0; k < sampleSize; k++) x[to + k] = UNIT_SCALE[pixels[from + k]];
    y[i] = source.labels[indices[i]];
  }
  return { x, y, n };
}

/** Per-channel mean and (population) standard deviation of a split, accumulated in float64. */
export function channelStats(split: Split, channels: number): { mean: number[]; std: number[] } {
  const sampleSize = split.n === 0 ? 0 : split.x.length / split.n;
  const plane = sampleSize / channels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < split.n; i++) {
      const base = i * sampleSize + c * plane;
      for (let k = 0; k < plane; k++) {
        const v = split.x[base + k];
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

function standardizeInPlace(split: Split, channels: number, mean: number[], std: number[]): void {
  if (split.n === 0) return;
  const sampleSize = split.x.length / split.n;
  const plane = sampleSize / channels;
  for (let i = 0; i < split.n; i++) {
    for (let c = 0; c < channels; c++) {
      const base = i * sampleSize + c * plane;
      const m = mean[c];
      const inv = 1 / std[c];
      for (let k = 0; k < plane; k++) split.x[base + k] = (split.x[base + k] - m) * inv;
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
  const [channels, height, width] = description.inputShape;
  const sampleSize = channels * height * width;
  const train = toSplit(selections.train, sampleSize, limit.train);
  const val = toSplit(selections.val, sampleSize, limit.val);
  const test = toSplit(selections.test, sampleSize, limit.test);
  let normalization: Normalization = { kind: 'unit' };
  if (options.standardize) {
    const { mean, std } = channelStats(train, channels);
    for (const split of [train, val, test]) standardizeInPlace(split, channels, mean, std);
    normalization = { kind: 'standardize', mean, std };
  }
  return { ...description, train, val, test, normalization };
}
