/**
 * Batches of images with dense per-image targets (segmentation masks, detection target maps): the same
 * seeded order as the classification batches (`iterateBatches`, so resuming mid-epoch gives the same
 * batches), with the targets gathered by sample index.
 *
 * @module
 */
import { iterateBatches } from './batches.js';
import type { HostBatch } from './training-data.js';

/** Images (n * pixels floats, one channel) and a way to gather the targets of given samples. */
export interface SceneSplit {
  x: Float32Array;
  n: number;
  /** The targets of samples `indices`, concatenated in that order. */
  targets(indices: Int32Array): Int32Array | Float32Array;
}

/**
 * A split whose targets are one row of `width` values per sample (`row(sample)`), stacked in the
 * order asked for into a new array of the row's kind.
 */
export function stackedTargets(
  split: { x: Float32Array; n: number },
  width: number,
  allocate: (length: number) => Int32Array | Float32Array,
  row: (sample: number) => ArrayLike<number>,
): SceneSplit {
  return {
    x: split.x,
    n: split.n,
    targets(indices) {
      const y = allocate(indices.length * width);
      indices.forEach((sample, i) => {
        y.set(row(sample), i * width);
      });
      return y;
    },
  };
}

function indexSplit(split: SceneSplit) {
  return { x: split.x, y: Int32Array.from({ length: split.n }, (_, i) => i), n: split.n };
}

/** The training batches of (seed, epoch) from `startBatch`, full batches only (drop_last). */
export function* sceneTrainBatches(
  split: SceneSplit,
  options: { batchSize: number; seed: number; epoch: number; startBatch: number },
): Generator<HostBatch & { indices: Int32Array }> {
  for (const b of iterateBatches(indexSplit(split), { ...options, dropLast: true })) {
    yield { x: b.x, y: split.targets(b.y), rows: b.n, indices: b.y };
  }
}

/** The evaluation batches in split order (the last one may be smaller). */
export function* sceneEvalBatches(
  split: SceneSplit,
  batchSize: number,
): Generator<HostBatch & { indices: Int32Array }> {
  for (const b of iterateBatches(indexSplit(split), { batchSize, shuffle: false })) {
    yield { x: b.x, y: split.targets(b.y), rows: b.n, indices: b.y };
  }
}
