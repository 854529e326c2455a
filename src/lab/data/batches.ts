/**
 * Seeded, deterministic minibatches over a {@link Split}.
 *
 * The order of epoch e is `seededPermutation(n, deriveSeed(seed, e))`: it depends only on (seed, epoch, n),
 * so epoch 3 is the same whether or not epochs 0..2 were iterated (resuming a run gives identical batches).
 *
 * @module
 */

import { deriveSeed, seededPermutation } from './random.js';
import type { Split } from './types.js';

/** One minibatch, copied out of the split (safe to keep or modify). */
export interface Batch {
  /** n * sampleSize floats, NCHW. */
  x: Float32Array;
  /** n labels. */
  y: Int32Array;
  /** Samples in this batch (= batchSize except perhaps the last one). */
  n: number;
  /** Index of this batch within its epoch. */
  index: number;
}

/** Options of {@link iterateBatches}. */
export interface BatchOptions {
  batchSize: number;
  /** Seed of the per-epoch shuffle; required when `shuffle` is true. */
  seed?: number;
  /** Epoch number (0-based); each epoch gets its own order. Default 0. */
  epoch?: number;
  /** Shuffle the samples (default true). false = split order, for evaluation. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Start at this batch index of the epoch (resuming mid-epoch); default 0. */
  startBatch?: number;
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
}

/** Number of batches per epoch over n samples. */
export function batchCount(n: number, batchSize: number, dropLast = false): number {
  checkBatchSize(batchSize);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** The sample order of one epoch: a seeded permutation of 0..n-1 that depends only on (n, seed, epoch). */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  }
  return seededPermutation(n, deriveSeed(seed, epoch));
}

/**
 * Yields the minibatches of one epoch.
 *
 * @example
 * for (let epoch = 0; epoch < epochs; epoch++) {
 *   for (const batch of iterateBatches(dataset.train, { batchSize: 128, seed, epoch })) step(batch.x, batch.y);
 * }
 */
export function* iterateBatches(split: Split, options: BatchOptions): Generator<Batch> {
  const { batchSize, epoch = 0, shuffle = true, dropLast = false, startBatch = 0 } = options;
  checkBatchSize(batchSize);
  if (!Number.isInteger(startBatch) || startBatch < 0) {
    throw new RangeError(`startBatch must be a non-negative integer, got ${startBatch}`);
  }
  if (split.y.length !== split.n || (split.n > 0 && split.x.length % split.n !== 0)) {
    throw new Error(
      `split is inconsistent: n=${split.n}, x.length=${split.x.length}, y.length=${split.y.length}`,
    );
  }
  let order: Int32Array | undefined;
  if (shuffle) {
    if (options.seed === undefined)
      throw new Error('iterateBatches: a seed is required when shuffle is true');
    order = epochOrder(split.n, options.seed, epoch);
  }
  const sampleSize = split.n === 0 ? 0 : split.x.length / split.n;
  const batches = batchCount(split.n, batchSize, dropLast);
  for (let index = startBatch; index < batches; index++) {
    const start = index * batchSize;
    const n = Math.min(batchSize, split.n - start);
    if (!order) {
      yield {
        x: split.x.slice(start * sampleSize, (start + n) * sampleSize),
        y: split.y.slice(start, start + n),
        n,
        index,
      };
      continue;
    }
    const x = new Float32Array(n * sampleSize);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const sample = order[start + i];
      x.set(split.x.subarray(sample * sampleSize, (sample + 1) * sampleSize), i * sampleSize);
      y[i] = split.y[sample];
    }
    yield { x, y, n, index };
  }
}
