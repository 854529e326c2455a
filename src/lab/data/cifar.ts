/**
 * CIFAR-10 and CIFAR-100 in their "binary version" (https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * - CIFAR-10 (`cifar-10-batches-bin/`): data_batch_1.bin .. data_batch_5.bin (training) and test_batch.bin,
 *   each 10,000 records of <1 label byte 0..9><3,072 pixel bytes>.
 * - CIFAR-100 (`cifar-100-binary/`): train.bin (50,000 records) and test.bin (10,000), each record
 *   <1 coarse label byte 0..19><1 fine label byte 0..99><3,072 pixel bytes>.
 *
 * The 3,072 pixel bytes are the 1,024 red, then green, then blue values of a 32x32 image, rows top to
 * bottom: already channel-major (CHW), so they are copied as they are.
 *
 * Splits (fixed): train = the training records minus the last `validationSize` (default ⌊n/10⌋: 5,000 of
 * 50,000, i.e. the second half of data_batch_5 for CIFAR-10), validation = those last records,
 * test = test_batch.bin / test.bin.
 *
 * @module
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assembleDataset, type ByteImages, range } from './assemble.js';
import { DataFileError, formatBytes, readDataFile, requireDirectory } from './files.js';
import type { Dataset, ImageLoadOptions } from './types.js';

/** Bytes of one 32x32x3 image. */
export const CIFAR_IMAGE_BYTES = 3072;

/** CIFAR-10 class names (label order of batches.meta.txt). */
export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** CIFAR-100 fine class names (label order of fine_label_names.txt; alphabetical). */
export const CIFAR100_FINE_CLASS_NAMES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can ' +
  'castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin ' +
  'elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster ' +
  'man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck ' +
  'pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk ' +
  'skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television ' +
  'tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm'
).split(' ');

/** CIFAR-100 coarse (superclass) names (label order of coarse_label_names.txt; alphabetical). */
export const CIFAR100_COARSE_CLASS_NAMES = (
  'aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices ' +
  'household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes ' +
  'large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees ' +
  'vehicles_1 vehicles_2'
).split(' ');

/** Which CIFAR binary layout a file has. */
export type CifarVariant = 'cifar10' | 'cifar100';

/** Which CIFAR-100 label to use as the class. */
export type Cifar100LabelKind = 'fine' | 'coarse';

/** Decoded CIFAR records: pixels (CHW per image), the chosen labels, and for CIFAR-100 both label kinds. */
export interface CifarRecords extends ByteImages {
  coarseLabels?: Int32Array;
  fineLabels?: Int32Array;
}

/**
 * Parses the records of one CIFAR binary file.
 *
 * @param file path used in error messages.
 * @param labelKind for CIFAR-100: which label becomes `labels` (default 'fine').
 */
export function parseCifarRecords(
  bytes: Uint8Array,
  file: string,
  variant: CifarVariant,
  labelKind: Cifar100LabelKind = 'fine',
): CifarRecords {
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const recordBytes = labelBytes + CIFAR_IMAGE_BYTES;
  const title = variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
  if (bytes.length === 0) throw new DataFileError(file, `file is empty (expected ${title} records)`);
  if (bytes.length % recordBytes !== 0) {
    const whole = Math.floor(bytes.length / recordBytes);
    throw new DataFileError(
      file,
      `size mismatch: ${formatBytes(bytes.length)} is not a whole number of ${recordBytes}-byte ${title} records ` +
        `(${whole} records = ${formatBytes(whole * recordBytes)}, ${whole + 1} records = ` +
        `${formatBytes((whole + 1) * recordBytes)}); the file is truncated or not a ${title} binary batch`,
    );
  }
  const n = bytes.length / recordBytes;
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  const coarse = variant === 'cifar100' ? new Int32Array(n) : undefined;
  const fine = variant === 'cifar100' ? new Int32Array(n) : undefined;
  const checkLabel = (value: number, limit: number, index: number, kind: string) => {
    if (value >= limit) {
      throw new DataFileError(
        file,
        `${kind}label out of range: ${value} in record ${index} (byte offset ${index * recordBytes}), ` +
          `expected 0..${limit - 1}; is this a ${title} file?`,
      );
    }
  };
  for (let i = 0; i < n; i++) {
    const offset = i * recordBytes;
    if (coarse && fine) {
      checkLabel(bytes[offset], 20, i, 'coarse ');
      checkLabel(bytes[offset + 1], 100, i, 'fine ');
      coarse[i] = bytes[offset];
      fine[i] = bytes[offset + 1];
      labels[i] = labelKind === 'coarse' ? coarse[i] : fine[i];
    } else {
      checkLabel(bytes[offset], 10, i, '');
      labels[i] = bytes[offset];
    }
    pixels.set(bytes.subarray(offset + labelBytes, offset + recordBytes), i * CIFAR_IMAGE_BYTES);
  }
  return { pixels, labels, n, coarseLabels: coarse, fineLabels: fine };
}

/** Reads one CIFAR binary file (gzipped or not). */
export function readCifarFile(
  file: string,
  variant: CifarVariant,
  labelKind: Cifar100LabelKind = 'fine',
): CifarRecords {
  const what = variant === 'cifar10' ? 'CIFAR-10 batch' : 'CIFAR-100';
  return parseCifarRecords(readDataFile(file, what), file, variant, labelKind);
}

/** Concatenates record sets in order. */
function concatRecords(parts: ByteImages[]): ByteImages {
  const n = parts.reduce((sum, part) => sum + part.n, 0);
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  let offset = 0;
  for (const part of parts) {
    pixels.set(part.pixels, offset * CIFAR_IMAGE_BYTES);
    labels.set(part.labels, offset);
    offset += part.n;
  }
  return { pixels, labels, n };
}

const CIFAR_LAYOUT = {
  cifar10: {
    subdirectory: 'cifar-10-batches-bin',
    train: [
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ],
    test: 'test_batch.bin',
  },
  cifar100: { subdirectory: 'cifar-100-binary', train: ['train.bin'], test: 'test.bin' },
} as const;

/**
 * The directory that actually holds the CIFAR files: `directory` itself, or its standard subdirectory
 * (cifar-10-batches-bin / cifar-100-binary) when `directory` is where the archive was extracted.
 */
export function resolveCifarDirectory(directory: string, variant: CifarVariant): string {
  const layout = CIFAR_LAYOUT[variant];
  const contents = [...layout.train, layout.test].join(', ');
  requireDirectory(directory, contents);
  const nested = join(directory, layout.subdirectory);
  const testName = layout.test;
  if (!existsSync(join(directory, testName)) && existsSync(join(nested, testName))) return nested;
  return directory;
}

/** Reads class names from a names file (one per line, e.g. batches.meta.txt) when present and well-formed. */
function readClassNames(file: string, count: number, fallback: string[]): string[] {
  if (!existsSync(file) || !statSync(file).isFile()) return fallback;
  const names = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return names.length === count ? names : fallback;
}

/** Options of {@link loadCifarDataset}. */
export interface CifarLoadOptions extends ImageLoadOptions {
  /** Records taken from the end of the training data for validation (default ⌊n/10⌋: 5,000 of 50,000). */
  validationSize?: number;
  /** CIFAR-100 only: classify the 100 fine labels (default) or the 20 coarse superclasses. */
  labels?: Cifar100LabelKind;
}

/**
 * Loads CIFAR-10 or CIFAR-100 from the extracted binary version.
 *
 * @param directory the extracted directory (cifar-10-batches-bin / cifar-100-binary) or its parent.
 */
export function loadCifarDataset(
  variant: CifarVariant,
  directory: string,
  options: CifarLoadOptions = {},
): Dataset {
  const labelKind = options.labels ?? 'fine';
  if (labelKind !== 'fine' && labelKind !== 'coarse') {
    throw new RangeError(`labels must be 'fine' or 'coarse', got ${JSON.stringify(labelKind)}`);
  }
  const root = resolveCifarDirectory(directory, variant);
  const layout = CIFAR_LAYOUT[variant];
  const trainParts = layout.train.map((name) => ({
    name,
    records: readCifarFile(join(root, name), variant, labelKind),
  }));
  // Every training batch of the real data has the same size; a shorter one was cut at a record boundary.
  for (const part of trainParts) {
    if (part.records.n !== trainParts[0].records.n) {
      throw new DataFileError(
        join(root, part.name),
        `count mismatch: ${part.records.n} records, but ${layout.train[0]} has ${trainParts[0].records.n} ` +
          '(all training batches have the same size; the file is probably truncated)',
      );
    }
  }
  const train = concatRecords(trainParts.map((part) => part.records));
  const test = readCifarFile(join(root, layout.test), variant, labelKind);
  const validationSize = options.validationSize ?? Math.floor(train.n / 10);
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize >= train.n) {
    throw new RangeError(
      `validationSize must be an integer in [0, ${train.n - 1}] (${train.n} training records), got ${validationSize}`,
    );
  }
  let classNames: string[];
  if (variant === 'cifar10') {
    classNames = readClassNames(join(root, 'batches.meta.txt'), 10, CIFAR10_CLASS_NAMES);
  } else if (labelKind === 'coarse') {
    classNames = readClassNames(join(root, 'coarse_label_names.txt'), 20, CIFAR100_COARSE_CLASS_NAMES);
  } else {
    classNames = readClassNames(join(root, 'fine_label_names.txt'), 100, CIFAR100_FINE_CLASS_NAMES);
  }
  const trainEnd = train.n - validationSize;
  return assembleDataset(
    {
      name: variant === 'cifar100' && labelKind === 'coarse' ? 'cifar100-coarse' : variant,
      source: root,
      inputShape: [3, 32, 32],
      numClasses: classNames.length,
      classNames,
    },
    {
      train: { source: train, indices: range(0, trainEnd) },
      val: { source: train, indices: range(trainEnd, train.n) },
      test: { source: test, indices: range(0, test.n) },
    },
    options,
  );
}
