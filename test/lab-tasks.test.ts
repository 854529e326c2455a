/**
 * `--data` switches a task to a user's full-size files: generated IDX (MNIST layout), CIFAR-10 binary
 * batches and a plain-text corpus, each trained for a few steps through the real task pipeline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { initLabRuntime } from '../src/lab/runtime.js';
import { resolveRunConfig, runExperiment } from '../src/lab/train/run.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir('lab-tasks');
const runsDir = join(root, 'runs');
const rng = createRng(2024);

beforeAll(async () => {
  await initLabRuntime();
});

/** An IDX file: big-endian magic, dimensions, then unsigned bytes. */
function idx(magic: number, dims: number[], bytes: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, Buffer.from(bytes)]);
}

function randomBytes(n: number, max = 256): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(max));
}

describe('--data', () => {
  it('mnist-mlp trains on IDX files from a directory', async () => {
    const dir = join(root, 'mnist-idx');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(0x803, [120, 28, 28], randomBytes(120 * 784)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [120], randomBytes(120, 10)));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [30, 28, 28], randomBytes(30 * 784)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(0x801, [30], randomBytes(30, 10)));
    const config = resolveRunConfig(
      'mnist-mlp',
      { name: 'gelu' },
      {
        epochs: 1,
        batchSize: 32,
        evalBatchSize: 32,
        model: { depth: 1, width: 16 },
        data: { dataPath: dir },
      },
    );
    const summary = await runExperiment(config, { runsDir, progress: 'none' });
    expect(summary.status).toBe('completed');
    expect(summary.data).toContain('110 train / 10 val / 30 test');
    expect(summary.stepsDone).toBe(3);
    expect(summary.test!.count).toBe(30);
  });

  it('cifar10-resnet trains on CIFAR-10 binary batches (3 channels, NHWC)', async () => {
    const dir = join(root, 'cifar');
    mkdirSync(dir);
    const record = () => Buffer.concat([Buffer.from([rng.int(10)]), Buffer.from(randomBytes(3072))]);
    const batch = (n: number) => Buffer.concat(Array.from({ length: n }, record));
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), batch(10));
    writeFileSync(join(dir, 'test_batch.bin'), batch(12));
    const config = resolveRunConfig(
      'cifar10-resnet',
      { name: 'golu' },
      {
        epochs: 1,
        batchSize: 15,
        evalBatchSize: 16,
        maxSteps: 2,
        model: { depth: 8, widths: [4, 6, 8] },
        data: { dataPath: dir },
      },
    );
    const summary = await runExperiment(config, { runsDir, progress: 'none' });
    expect(summary.status).toBe('completed');
    expect(summary.model).toContain('resnet-8 32x32x3');
    expect(summary.data).toContain('45 train / 5 val / 12 test');
    expect(summary.stepsDone).toBe(2);
    expect(Number.isFinite(summary.test!.loss)).toBe(true);
  });

  it('text-gpt trains on a UTF-8 text file and reports perplexity and token accuracy', async () => {
    const file = join(root, 'stories.txt');
    const sentence = 'Once upon a time there was a little fox who liked to run. ';
    writeFileSync(file, sentence.repeat(80));
    const config = resolveRunConfig(
      'text-gpt',
      { name: 'relu' },
      {
        epochs: 2,
        batchSize: 8,
        evalBatchSize: 8,
        model: { blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 },
        data: { dataPath: file, stepsPerEpoch: 15, evalBatches: 2 },
        lr: 1e-2,
      },
    );
    const summary = await runExperiment(config, { runsDir, progress: 'none' });
    expect(summary.status).toBe('completed');
    expect(summary.model).toContain('context 16');
    expect(summary.stepsDone).toBe(30);
    const test = summary.test!;
    expect(test.perplexity).toBeCloseTo(Math.exp(test.loss), 10);
    // 20-odd characters: a uniform guess has perplexity ~ vocabulary size; 30 steps must beat it.
    expect(test.perplexity!).toBeLessThan(12);
    expect(test.accuracy).toBeGreaterThan(0.2);
  });
});
