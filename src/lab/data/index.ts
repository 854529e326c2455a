/**
 * Data for the lab: embedded real data sets, loaders for full-size files on disk, a seeded RNG and
 * deterministic minibatch iterators.
 *
 * @module
 */

export { type Batch, type BatchOptions, batchCount, epochOrder, iterateBatches } from './batches.js';
export {
  EMBEDDED_SPLIT_SEED,
  EMBEDDED_SPLITS,
  type EmbeddedImageName,
  FASHION_MNIST_CLASS_NAMES,
  loadEmbeddedDataset,
  MNIST_CLASS_NAMES,
} from './embedded.js';
export { createRng, deriveSeed, type Rng, seededPermutation } from './random.js';
export type { Dataset, ImageLoadOptions, Normalization, Split } from './types.js';
