/**
 * Data for the lab: embedded real data sets, loaders for full-size files on disk, a seeded RNG and
 * deterministic minibatch iterators.
 *
 * @module
 */

export { type Batch, type BatchOptions, batchCount, epochOrder, iterateBatches } from './batches.js';
export {
  CIFAR_IMAGE_BYTES,
  CIFAR10_CLASS_NAMES,
  CIFAR100_COARSE_CLASS_NAMES,
  CIFAR100_FINE_CLASS_NAMES,
  type Cifar100LabelKind,
  type CifarLoadOptions,
  type CifarRecords,
  type CifarVariant,
  loadCifarDataset,
  parseCifarRecords,
  readCifarFile,
} from './cifar.js';
export {
  EMBEDDED_SPLIT_SEED,
  EMBEDDED_SPLITS,
  type EmbeddedImageName,
  FASHION_MNIST_CLASS_NAMES,
  loadEmbeddedDataset,
  MNIST_CLASS_NAMES,
} from './embedded.js';
export { DataFileError } from './files.js';
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type IdxArray,
  type IdxFiles,
  type IdxLoadOptions,
  loadIdxDataset,
  parseIdx,
  readIdxFile,
  resolveIdxFiles,
} from './idx.js';
export { DATASET_NAMES, type DatasetName, type LoadDatasetOptions, loadDataset } from './load.js';
export { createRng, deriveSeed, type Rng, seededPermutation } from './random.js';
export {
  createTextBatchSampler,
  DEFAULT_MAX_TEXT_BYTES,
  loadTextCorpus,
  TEXT_SPLIT,
  type TextBatch,
  type TextBatchOptions,
  type TextBatchSampler,
  type TextCorpus,
  type TextLoadOptions,
  textCorpusFromString,
  textEvalBatches,
} from './text.js';
export type { Dataset, ImageLayout, ImageLoadOptions, Normalization, Split } from './types.js';
