/**
 * MNIST / Fashion-MNIST in the original IDX format (http://yann.lecun.com/exdb/mnist/), gzipped or not.
 *
 * IDX layout: a 4-byte big-endian magic number (two zero bytes, a type code, the number of dimensions:
 * 0x00000803 for unsigned-byte images [n, rows, cols], 0x00000801 for unsigned-byte labels [n]), then one
 * big-endian uint32 per dimension, then the data bytes in row-major order.
 *
 * Splits (fixed): train = the training file minus its last `validationSize` images, validation = those last
 * images (default ⌊n/12⌋, i.e. 5,000 of 60,000, the classic MNIST validation set), test = the t10k files.
 *
 * @module
 */

import { assembleDataset, type ByteImages, range } from './assemble.js';
import { DataFileError, findFile, formatBytes, readDataFile, requireDirectory } from './files.js';
import type { Dataset, ImageLoadOptions } from './types.js';

/** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The data bytes, row-major. */
  data: Uint8Array;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return ' (an IDX image file)';
  if (magic === IDX_LABELS_MAGIC) return ' (an IDX label file)';
  return '';
}

/**
 * Parses IDX bytes, checking the magic number and that the size matches the header exactly.
 *
 * @param file path used in error messages.
 * @param expectedMagic {@link IDX_IMAGES_MAGIC} or {@link IDX_LABELS_MAGIC}.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic: number): IdxArray {
  const kind = expectedMagic === IDX_IMAGES_MAGIC ? 'images (idx3-ubyte)' : 'labels (idx1-ubyte)';
  if (bytes.length < 4) {
    throw new DataFileError(
      file,
      `file is ${formatBytes(bytes.length)}, too short for an IDX header (truncated?)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new DataFileError(
      file,
      `wrong magic number: expected ${hex(expectedMagic)} (${expectedMagic}, IDX ${kind}), ` +
        `found ${hex(magic)} (${magic})${describeMagic(magic)}`,
    );
  }
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DataFileError(
      file,
      `size mismatch: the IDX header alone needs ${formatBytes(headerBytes)}, the file has ${formatBytes(bytes.length)} (truncated)`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const dataBytes = dims.reduce((product, size) => product * size, 1);
  const expectedBytes = headerBytes + dataBytes;
  if (bytes.length !== expectedBytes) {
    const verdict =
      bytes.length < expectedBytes ? 'truncated' : `${formatBytes(bytes.length - expectedBytes)} too many`;
    throw new DataFileError(
      file,
      `size mismatch: the header declares ${dims.join(' x ')} = ${formatBytes(dataBytes)} of data ` +
        `(+${headerBytes}-byte header = ${formatBytes(expectedBytes)} expected), ` +
        `but the file has ${formatBytes(bytes.length)} (${verdict})`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads and parses one IDX file (gzipped or not). */
export function readIdxFile(file: string, expectedMagic: number): IdxArray {
  const what = expectedMagic === IDX_IMAGES_MAGIC ? 'IDX images' : 'IDX labels';
  return parseIdx(readDataFile(file, what), file, expectedMagic);
}

/**
 * Reads a matching pair of IDX image and label files, checking counts and the label range.
 *
 * @param numClasses labels must lie in [0, numClasses).
 */
export function readIdxPair(
  imagesFile: string,
  labelsFile: string,
  numClasses: number,
): ByteImages & { rows: number; cols: number } {
  const images = readIdxFile(imagesFile, IDX_IMAGES_MAGIC);
  const labels = readIdxFile(labelsFile, IDX_LABELS_MAGIC);
  const [n, rows, cols] = images.dims;
  const [labelCount] = labels.dims;
  if (n === 0) throw new DataFileError(imagesFile, 'holds no images (the header declares a count of 0)');
  if (n !== labelCount) {
    throw new DataFileError(
      labelsFile,
      `count mismatch: ${labelCount} labels, but the image file ${imagesFile} has ${n} images`,
    );
  }
  const labelValues = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels.data[i];
    if (label >= numClasses) {
      throw new DataFileError(
        labelsFile,
        `label out of range: label ${label} at index ${i}, expected 0..${numClasses - 1}`,
      );
    }
    labelValues[i] = label;
  }
  return { pixels: images.data, labels: labelValues, n, rows, cols };
}

/** Paths of the four IDX files of an MNIST-style data set. */
export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** Standard IDX base names; each is also tried with '.' before 'idx' (Kaggle mirrors) and with '.gz'. */
const IDX_BASE_NAMES: Record<keyof IdxFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

function candidateNames(base: string): string[] {
  const dotted = base.replace(/-idx/, '.idx');
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

/**
 * Finds the four standard IDX files in a directory: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally ending in .gz (or spelled
 * train-images.idx3-ubyte).
 */
export function resolveIdxFiles(directory: string): IdxFiles {
  requireDirectory(directory, `${Object.values(IDX_BASE_NAMES).join(', ')} (optionally .gz)`);
  const resolve = (key: keyof IdxFiles) => findFile(directory, candidateNames(IDX_BASE_NAMES[key]), key);
  return {
    trainImages: resolve('trainImages'),
    trainLabels: resolve('trainLabels'),
    testImages: resolve('testImages'),
    testLabels: resolve('testLabels'),
  };
}

/** Options of {@link loadIdxDataset}. */
export interface IdxLoadOptions extends ImageLoadOptions {
  /** Images taken from the end of the training file for validation (default ⌊n/12⌋: 5,000 of 60,000). */
  validationSize?: number;
}

/**
 * Loads MNIST or Fashion-MNIST from the original IDX files.
 *
 * @param source a directory holding the four standard files, or their explicit paths.
 */
export function loadIdxDataset(
  description: { name: string; classNames: string[] },
  source: string | IdxFiles,
  options: IdxLoadOptions = {},
): Dataset {
  const files = typeof source === 'string' ? resolveIdxFiles(source) : source;
  const numClasses = description.classNames.length;
  const train = readIdxPair(files.trainImages, files.trainLabels, numClasses);
  const test = readIdxPair(files.testImages, files.testLabels, numClasses);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DataFileError(
      files.testImages,
      `image size ${test.rows}x${test.cols} differs from the training images' ${train.rows}x${train.cols} (${files.trainImages})`,
    );
  }
  const validationSize = options.validationSize ?? Math.floor(train.n / 12);
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize >= train.n) {
    throw new RangeError(
      `validationSize must be an integer in [0, ${train.n - 1}] (training file has ${train.n} images), got ${validationSize}`,
    );
  }
  const trainEnd = train.n - validationSize;
  return assembleDataset(
    {
      name: description.name,
      source: typeof source === 'string' ? source : files.trainImages,
      inputShape: [1, train.rows, train.cols],
      numClasses,
      classNames: description.classNames,
    },
    {
      train: { source: train, indices: range(0, trainEnd) },
      val: { source: train, indices: range(trainEnd, train.n) },
      test: { source: test, indices: range(0, test.n) },
    },
    options,
  );
}
