import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../src/lab/data/load.js';
import { tempDir } from './helpers/temp-dir.js';

// Small files in exactly the on-disk formats, generated per run.
const root = tempDir('data-test');

let dirCounter = 0;
function freshDir(name: string): string {
  const dir = join(root, `${dirCounter++}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Loads `dataset` from `dir` and checks its image shape, its 10 classes and its split sizes [train, val, test]. */
function loadTenClasses(dataset: string, dir: string, inputShape: number[], splits: number[]) {
  const data = loadDataset(dataset, { dataPath: dir });
  expect(data.inputShape).toEqual(inputShape);
  expect(data.numClasses).toBe(10);
  expect([data.train.n, data.val.n, data.test.n]).toEqual(splits);
  return data;
}

/** Deterministic pixel pattern shared by writers and checks. */
const pixelAt = (sample: number, offset: number) =>
  (sample * 37 + offset * 11 + ((offset * offset) % 7)) % 256;

function idxImages(n: number, rows = 28, cols = 28, sampleOffset = 0): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(n, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(cols, 12);
  const data = Buffer.alloc(n * rows * cols);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < rows * cols; k++) data[i * rows * cols + k] = pixelAt(i + sampleOffset, k);
  return Buffer.concat([header, data]);
}

function idxLabels(labels: number[]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** The float32 value the loaders store for a byte. */
const unit = (byte: number) => Math.fround(byte / 255);

const labelsFor = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => (i * 3 + offset) % 10);

interface IdxDirOptions {
  gzip?: boolean;
  dotted?: boolean;
  trainN?: number;
  testN?: number;
}

function writeIdxDir(options: IdxDirOptions = {}): string {
  const { gzip = false, dotted = false, trainN = 24, testN = 6 } = options;
  const dir = freshDir('idx');
  const name = (base: string) => {
    const spelled = dotted ? base.replace('-idx', '.idx') : base;
    return join(dir, gzip ? `${spelled}.gz` : spelled);
  };
  const write = (base: string, data: Buffer) => writeFileSync(name(base), gzip ? gzipSync(data) : data);
  write('train-images-idx3-ubyte', idxImages(trainN));
  write('train-labels-idx1-ubyte', idxLabels(labelsFor(trainN)));
  write('t10k-images-idx3-ubyte', idxImages(testN, 28, 28, 1000));
  write('t10k-labels-idx1-ubyte', idxLabels(labelsFor(testN, 5)));
  return dir;
}

describe('IDX loader (MNIST / Fashion-MNIST files)', () => {
  it('loads raw files: documented split (last n/12 of train = validation), exact pixels and labels', () => {
    const data = loadTenClasses('mnist', writeIdxDir(), [1, 28, 28], [22, 2, 6]);
    expect(data.train.x[3 * 784 + 100]).toBe(unit(pixelAt(3, 100)));
    expect(data.val.x[1 * 784 + 5]).toBe(unit(pixelAt(23, 5))); // val = train samples 22, 23
    expect(data.test.x[4 * 784 + 700]).toBe(unit(pixelAt(1004, 700)));
    expect(Array.from(data.train.y)).toEqual(labelsFor(24).slice(0, 22));
    expect(Array.from(data.val.y)).toEqual(labelsFor(24).slice(22));
    expect(Array.from(data.test.y)).toEqual(labelsFor(6, 5));
  });

  it('reads gzipped files (detected by magic) and the dotted spelling identically', () => {
    const raw = loadDataset('fashion-mnist', { dataPath: writeIdxDir() });
    const gz = loadDataset('fashion-mnist', { dataPath: writeIdxDir({ gzip: true }) });
    const dotted = loadDataset('fashion-mnist', { dataPath: writeIdxDir({ dotted: true, gzip: true }) });
    for (const other of [gz, dotted]) {
      expect(other.train.x).toEqual(raw.train.x);
      expect(other.test.y).toEqual(raw.test.y);
    }
    expect(raw.classNames[9]).toBe('Ankle boot');
    // gzip magic decides, not the name: gzipped content under the plain name works too.
    const dir = writeIdxDir();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), gzipSync(idxImages(24)));
    expect(loadDataset('mnist', { dataPath: dir }).train.x).toEqual(raw.train.x);
  });

  it('accepts explicit file paths and a validationSize', () => {
    const dir = writeIdxDir();
    const data = loadDataset('mnist', {
      dataPath: {
        trainImages: join(dir, 'train-images-idx3-ubyte'),
        trainLabels: join(dir, 'train-labels-idx1-ubyte'),
        testImages: join(dir, 't10k-images-idx3-ubyte'),
        testLabels: join(dir, 't10k-labels-idx1-ubyte'),
      },
      validationSize: 4,
    });
    expect([data.train.n, data.val.n]).toEqual([20, 4]);
    expect(() => loadDataset('mnist', { dataPath: dir, validationSize: 24 })).toThrow(/validationSize/);
  });

  it('names the file and the problem: missing directory, missing file', () => {
    const missing = join(root, 'no-such-dir');
    expect(() => loadDataset('mnist', { dataPath: missing })).toThrow(`${missing}: directory not found`);
    const dir = writeIdxDir();
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      new RegExp(
        `${dir}: no testLabels file found \\(looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz`,
      ),
    );
  });

  it('truncated or oversized file: size mismatch with expected vs actual bytes', () => {
    const dir = writeIdxDir();
    const file = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(file, idxImages(24).subarray(0, 16 + 24 * 784 - 100));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      `${file}: size mismatch: the header declares 24 x 28 x 28 = 18,816 bytes of data ` +
        '(+16-byte header = 18,832 bytes expected), but the file has 18,732 bytes (truncated)',
    );
    writeFileSync(file, Buffer.concat([idxImages(24), Buffer.alloc(5)]));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(/has 18,837 bytes \(5 bytes too many\)/);
    writeFileSync(file, idxImages(0));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(`${file}: holds no images`);
    writeFileSync(file, Buffer.from([0, 0]));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      `${file}: file is 2 bytes, too short for an IDX header`,
    );
  });

  it('wrong magic number: expected vs found', () => {
    const dir = writeIdxDir();
    const file = join(dir, 'train-images-idx3-ubyte');
    copyFileSync(join(dir, 'train-labels-idx1-ubyte'), file);
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      `${file}: wrong magic number: expected 0x00000803 (2051, IDX images (idx3-ubyte)), found 0x00000801 (2049) (an IDX label file)`,
    );
    writeFileSync(file, Buffer.from('<!DOCTYPE html><html>not found</html>'));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      /wrong magic number: expected 0x00000803.*found 0x3c21444f/,
    );
  });

  it('label out of range and count mismatch between images and labels', () => {
    const dir = writeIdxDir();
    const labels = join(dir, 'train-labels-idx1-ubyte');
    const bad = labelsFor(24);
    bad[3] = 12;
    writeFileSync(labels, idxLabels(bad));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      `${labels}: label out of range: label 12 at index 3, expected 0..9`,
    );
    writeFileSync(labels, idxLabels(labelsFor(23)));
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(
      `${labels}: count mismatch: 23 labels, but the image file ${join(dir, 'train-images-idx3-ubyte')} has 24 images`,
    );
  });

  it('bad gzip data names the file', () => {
    const dir = writeIdxDir({ gzip: true });
    const file = join(dir, 't10k-images-idx3-ubyte.gz');
    const good = gzipSync(idxImages(6, 28, 28, 1000));
    writeFileSync(file, good.subarray(0, good.length - 40)); // cut inside the deflate stream
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(new RegExp(`^${file}: bad gzip data \\(`));
    const corrupt = Buffer.from(good);
    corrupt[20] ^= 0xff;
    corrupt[21] ^= 0xff;
    writeFileSync(file, corrupt);
    expect(() => loadDataset('mnist', { dataPath: dir })).toThrow(/bad gzip data/);
  });
});

// ---------- CIFAR ----------

function cifarRecords(labels: number[][], sampleOffset = 0): Buffer {
  const labelBytes = labels[0].length;
  const record = labelBytes + 3072;
  const out = Buffer.alloc(labels.length * record);
  labels.forEach((recordLabels, i) => {
    recordLabels.forEach((value, k) => {
      out[i * record + k] = value;
    });
    for (let p = 0; p < 3072; p++) out[i * record + labelBytes + p] = pixelAt(i + sampleOffset, p);
  });
  return out;
}

const cifar10Labels = (n: number, offset: number) => Array.from({ length: n }, (_, i) => [(i + offset) % 10]);

function writeCifar10Dir(perBatch = 4, testN = 3, nested = false): string {
  const top = freshDir('cifar10');
  const dir = nested ? join(top, 'cifar-10-batches-bin') : top;
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) {
    writeFileSync(
      join(dir, `data_batch_${b}.bin`),
      cifarRecords(cifar10Labels(perBatch, b), (b - 1) * perBatch),
    );
  }
  writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(cifar10Labels(testN, 7), 500));
  return top;
}

describe('CIFAR-10 binary loader', () => {
  it('loads data_batch_1..5 + test_batch with the documented split and CHW pixels', () => {
    // 20 training records: last 20/10 = 2 are validation (the end of data_batch_5).
    const data = loadTenClasses('cifar10', writeCifar10Dir(), [3, 32, 32], [18, 2, 3]);
    expect(data.classNames[0]).toBe('airplane');
    // Record 5 = data_batch_2 record 1; green channel (c=1), row 4, column 9.
    const offset = 1 * 1024 + 4 * 32 + 9;
    expect(data.train.x[5 * 3072 + offset]).toBe(unit(pixelAt(5, offset)));
    expect(data.train.y[5]).toBe((1 + 2) % 10);
    expect(data.val.y[1]).toBe((3 + 5) % 10);
    expect(data.test.x[2 * 3072 + 3071]).toBe(unit(pixelAt(502, 3071)));
    expect(Array.from(data.test.y)).toEqual([7, 8, 9]);
  });

  it('finds the cifar-10-batches-bin subdirectory and reads batches.meta.txt names', () => {
    const top = writeCifar10Dir(2, 2, true);
    const names = 'a b c d e f g h i j'.split(' ');
    writeFileSync(join(top, 'cifar-10-batches-bin', 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    const data = loadDataset('cifar10', { dataPath: top, standardize: true });
    expect(data.classNames).toEqual(names);
    expect(data.train.n).toBe(9);
    expect(data.normalization.kind).toBe('standardize');
    if (data.normalization.kind === 'standardize') expect(data.normalization.mean).toHaveLength(3);
  });

  it("layout 'NHWC' interleaves channels while loading; standardisation agrees with NCHW", () => {
    const dir = writeCifar10Dir();
    const nchw = loadDataset('cifar10', { dataPath: dir, standardize: true });
    const nhwc = loadDataset('cifar10', { dataPath: dir, standardize: true, layout: 'NHWC' });
    expect(nchw.layout).toBe('NCHW');
    expect(nhwc.layout).toBe('NHWC');
    expect(nhwc.normalization).toEqual(nchw.normalization);
    let mismatches = 0;
    for (const split of ['train', 'val', 'test'] as const) {
      for (let i = 0; i < nchw[split].n; i++) {
        for (let c = 0; c < 3; c++) {
          for (let p = 0; p < 1024; p++) {
            if (nhwc[split].x[i * 3072 + p * 3 + c] !== nchw[split].x[i * 3072 + c * 1024 + p]) mismatches++;
          }
        }
      }
    }
    expect(mismatches).toBe(0);
    expect(nhwc.train.y).toEqual(nchw.train.y);
    expect(() => loadDataset('cifar10', { dataPath: dir, layout: 'HWC' as never })).toThrow(/layout must be/);
  });

  it('requires dataPath and says how to get the files; unknown names list valid ones', () => {
    expect(() => loadDataset('cifar10')).toThrow(
      /cifar10 is not embedded.*pass dataPath.*cifar-10-binary\.tar\.gz/,
    );
    expect(() => loadDataset('cifar100')).toThrow(/cifar-100-binary/);
    expect(() => loadDataset('imagenet')).toThrow(
      'unknown data set "imagenet"; valid names: mnist, fashion-mnist, cifar10, cifar100',
    );
  });

  it('truncated batch: size is not a whole number of records', () => {
    const dir = writeCifar10Dir();
    const file = join(dir, 'data_batch_3.bin');
    writeFileSync(file, cifarRecords(cifar10Labels(4, 3)).subarray(0, 4 * 3073 - 1000));
    expect(() => loadDataset('cifar10', { dataPath: dir })).toThrow(
      `${file}: size mismatch: 11,292 bytes is not a whole number of 3073-byte CIFAR-10 records ` +
        '(3 records = 9,219 bytes, 4 records = 12,292 bytes); the file is truncated or not a CIFAR-10 binary batch',
    );
  });

  it('batch cut at a record boundary: count mismatch with the other batches', () => {
    const dir = writeCifar10Dir();
    const file = join(dir, 'data_batch_4.bin');
    writeFileSync(file, cifarRecords(cifar10Labels(3, 4)));
    expect(() => loadDataset('cifar10', { dataPath: dir })).toThrow(
      `${file}: count mismatch: 3 records, but data_batch_1.bin has 4`,
    );
  });

  it('label out of range, missing batch, empty file', () => {
    const dir = writeCifar10Dir();
    const file = join(dir, 'test_batch.bin');
    writeFileSync(file, cifarRecords([[1], [2], [10]]));
    expect(() => loadDataset('cifar10', { dataPath: dir })).toThrow(
      `${file}: label out of range: 10 in record 2 (byte offset 6146), expected 0..9; is this a CIFAR-10 file?`,
    );
    writeFileSync(file, Buffer.alloc(0));
    expect(() => loadDataset('cifar10', { dataPath: dir })).toThrow(`${file}: file is empty`);
    rmSync(join(dir, 'data_batch_2.bin'));
    expect(() => loadDataset('cifar10', { dataPath: dir })).toThrow(
      `${join(dir, 'data_batch_2.bin')}: CIFAR-10 batch file not found`,
    );
  });
});

describe('CIFAR-100 binary loader', () => {
  function writeCifar100Dir(): string {
    const dir = freshDir('cifar100');
    const train = Array.from({ length: 20 }, (_, i) => [i % 20, (i * 7) % 100]);
    const test = Array.from({ length: 5 }, (_, i) => [19 - i, 99 - i]);
    writeFileSync(join(dir, 'train.bin'), cifarRecords(train));
    writeFileSync(join(dir, 'test.bin'), cifarRecords(test, 100));
    return dir;
  }

  it('uses fine labels by default and coarse on request', () => {
    const dir = writeCifar100Dir();
    const fine = loadDataset('cifar100', { dataPath: dir });
    expect(fine.numClasses).toBe(100);
    expect(fine.classNames[1]).toBe('aquarium_fish');
    expect([fine.train.n, fine.val.n, fine.test.n]).toEqual([18, 2, 5]);
    expect(Array.from(fine.train.y.subarray(0, 4))).toEqual([0, 7, 14, 21]);
    expect(Array.from(fine.test.y)).toEqual([99, 98, 97, 96, 95]);
    expect(fine.test.x[3 * 3072 + 2000]).toBe(unit(pixelAt(103, 2000)));
    const coarse = loadDataset('cifar100', { dataPath: dir, labels: 'coarse' });
    expect(coarse.name).toBe('cifar100-coarse');
    expect(coarse.numClasses).toBe(20);
    expect(Array.from(coarse.train.y.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    expect(coarse.train.x).toEqual(fine.train.x);
  });

  it('names the file for bad labels and bad sizes', () => {
    const dir = writeCifar100Dir();
    const file = join(dir, 'train.bin');
    writeFileSync(
      file,
      cifarRecords([
        [3, 5],
        [20, 5],
      ]),
    );
    expect(() => loadDataset('cifar100', { dataPath: dir })).toThrow(
      `${file}: coarse label out of range: 20 in record 1 (byte offset 3074), expected 0..19`,
    );
    writeFileSync(file, cifarRecords([[3, 100]]));
    expect(() => loadDataset('cifar100', { dataPath: dir })).toThrow(
      /fine label out of range: 100 in record 0/,
    );
    // A CIFAR-10 file given as CIFAR-100: 3073-byte records do not divide into 3074-byte ones.
    writeFileSync(file, cifarRecords(cifar10Labels(4, 0)));
    expect(() => loadDataset('cifar100', { dataPath: dir })).toThrow(/3074-byte CIFAR-100 records/);
    expect(() => loadDataset('cifar100', { dataPath: join(dir, 'test.bin') })).toThrow(
      /expected a directory/,
    );
  });
});
