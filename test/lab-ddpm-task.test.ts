/**
 * The mnist-ddpm task: its denoising batches (deterministic, resumable, the target is the noise that
 * made the input, evaluation draws fixed per image), its settings' checks, the feature classifier
 * trained once and cached, and `gatelab compare` end to end (3 activations x 2 seeds at tiny sizes):
 * the verdict ranks by test loss, the table shows FID and the entropies, each run folder holds a sample
 * grid per evaluation and the report shows it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/lab/data/index.js';
import { classifierKey, loadFeatureClassifier } from '../src/lab/diffusion/feature-classifier.js';
import { diffusionSettings } from '../src/lab/diffusion/options.js';
import { noiseSchedule } from '../src/lab/diffusion/schedule.js';
import { frechetDistance, gaussianStats } from '../src/lab/metrics/frechet.js';
import { initLabRuntime } from '../src/lab/runtime.js';
import { getTask, loadTaskData } from '../src/lab/tasks.js';
import { resolveRunConfig } from '../src/lab/train/config.js';
import { loadRunData } from '../src/lab/train/run.js';
import { tempDir } from './helpers/temp-dir.js';

const scratch = tempDir('ddpm');
beforeAll(async () => {
  await initLabRuntime();
});

const task = getTask('mnist-ddpm');
const small = () => loadTaskData(task, { limitTrain: 64, limitEval: 20 });

describe('mnist-ddpm data', () => {
  it('pairs (x_t with t as the last channel, eps) with x_t = sqrt(abar) (2 pixel - 1) + sqrt(1 - abar) eps', () => {
    const data = small();
    expect(data.kind).toBe('diffusion');
    expect(data.inputShape).toEqual([28, 28, 2]);
    expect(data.target).toEqual({ shape: [28, 28, 1], dtype: 'float32' });
    const images = loadDataset('mnist', { layout: 'NHWC', limit: { train: 64, val: 20, test: 20 } });
    const schedule = noiseSchedule('linear', 1000);
    const [batch] = data.evalBatches('test', 20);
    const x = batch.x as Float32Array;
    const eps = batch.y as Float32Array;
    for (const row of [0, 7, 19]) {
      const t = x[row * 784 * 2 + 1];
      expect(Number.isInteger(t) && t >= 0 && t < 1000).toBe(true);
      for (const p of [0, 300, 783]) {
        expect(x[(row * 784 + p) * 2 + 1]).toBe(t);
        const pixel = images.test.x[row * 784 + p];
        const expected =
          schedule.signalScales[t] * (2 * pixel - 1) + schedule.noiseScales[t] * eps[row * 784 + p];
        expect(x[(row * 784 + p) * 2]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('fixes each evaluation image draw whatever the batch size; training batches are seeded and resumable', () => {
    const data = small();
    const whole = [...data.evalBatches('val', 20)][0];
    const parts = [...data.evalBatches('val', 7)];
    expect(parts.map((b) => b.rows)).toEqual([7, 7, 6]);
    const joined = new Float32Array(parts.flatMap((b) => Array.from(b.x as Float32Array)));
    expect(Array.from(joined)).toEqual(Array.from(whole.x as Float32Array));
    const first = [...data.trainBatches(1, 16, 5)];
    expect(first.length).toBe(4);
    const again = [...data.trainBatches(1, 16, 5, 2)];
    expect(Array.from(again[0].x as Float32Array)).toEqual(Array.from(first[2].x as Float32Array));
    expect(Array.from(again[1].y as Float32Array)).toEqual(Array.from(first[3].y as Float32Array));
    const otherSeed = [...data.trainBatches(1, 16, 6)];
    expect(Array.from(otherSeed[0].y as Float32Array)).not.toEqual(Array.from(first[0].y as Float32Array));
  });

  it('checks the diffusion settings before anything is written', () => {
    expect(() =>
      loadRunData(resolveRunConfig('mnist-ddpm', { name: 'relu' }, { model: { sampleSteps: 2000 } })),
    ).toThrow('--model sampleSteps must be an integer in [0, 1000], got 2000');
    expect(() => resolveRunConfig('mnist-ddpm', { name: 'relu' }, { model: { sampler: 1 } })).toThrow(
      '--model sampler: not an option of the ddpm-unet model of mnist-ddpm',
    );
    expect(diffusionSettings({ sampleSteps: 0, cosine: true, timesteps: 500 })).toEqual({
      timesteps: 500,
      schedule: 'cosine',
      sampler: 'ddpm',
      sampleSteps: 500,
      samples: 128,
    });
    const cosine = loadTaskData(task, { limitTrain: 8, limitEval: 4, model: { cosine: true } });
    expect(cosine.description).toContain('cosine schedule');
  });
});

describe('FID feature classifier', () => {
  it('is trained once, cached under its key, and gives FID 0 for a split against itself', async () => {
    const dataset = loadDataset('mnist', { layout: 'NHWC', limit: { train: 256, val: 100, test: 100 } });
    const cacheDir = join(scratch, 'cache');
    const notes: string[] = [];
    const first = await loadFeatureClassifier(dataset, { cacheDir, note: (l) => notes.push(l) });
    expect(first.trainedNow).toBe(true);
    expect(notes[0]).toContain('training the FID feature classifier for mnist once');
    const { key } = classifierKey(dataset);
    expect(first.dir).toBe(join(cacheDir, 'fid-classifier', key));
    expect(existsSync(join(first.dir, 'classifier.json'))).toBe(true);
    expect(first.record.steps).toBe(4); // 2 epochs of 256 / 128
    const second = await loadFeatureClassifier(dataset, { cacheDir });
    expect(second.trainedNow).toBe(false);
    const a = await first.evaluate(dataset.val.x, dataset.val.n);
    const b = await second.evaluate(dataset.val.x, dataset.val.n);
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
    const stats = gaussianStats(a.features, 100, 64);
    expect(frechetDistance(stats, stats)).toBeLessThan(1e-9);
    const test = await first.evaluate(dataset.test.x, dataset.test.n);
    expect(frechetDistance(stats, gaussianStats(test.features, 100, 64))).toBeGreaterThan(0);
    // Probabilities are rows of a softmax.
    for (let r = 0; r < 3; r++) {
      const row = a.probabilities.subarray(r * 10, r * 10 + 10);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
    // Other data, other key.
    const other = loadDataset('mnist', { layout: 'NHWC', limit: { train: 128, val: 10, test: 10 } });
    expect(classifierKey(other).key).not.toBe(key);
    first.dispose();
    second.dispose();
  }, 600_000);
});

describe('gatelab compare --task mnist-ddpm (end to end)', () => {
  it('runs relu, gelu, golu x 2 seeds; ranks by test loss; FID columns; a sample grid per evaluation in folders and report', () => {
    const runsDir = join(scratch, 'runs');
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'compare',
        '--task',
        'mnist-ddpm',
        '--activations',
        'relu,gelu,golu',
        '--seeds',
        '2',
        '--jobs',
        '2',
        '--epochs',
        '1',
        '--batch-size',
        '16',
        '--limit-train',
        '32',
        '--limit-eval',
        '16',
        '--model',
        'channels=8,16',
        '--model',
        'samples=8',
        '--model',
        'sampleSteps=2',
        '--runs-dir',
        runsDir,
        '--id',
        'tiny',
        '--device',
        'wasm',
      ],
      { encoding: 'utf8', timeout: 900_000, env: { ...process.env, GATELAB_CACHE: join(scratch, 'cache') } },
    );
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/test loss/);
    expect(result.stdout).toMatch(/FID/);
    const compare = JSON.parse(readFileSync(join(runsDir, 'tiny', 'compare.json'), 'utf8'));
    expect(JSON.stringify(compare.verdict)).toMatch(/loss/);
    const runs = readdirSync(join(runsDir, 'tiny')).filter((d) =>
      existsSync(join(runsDir, 'tiny', d, 'summary.json')),
    );
    expect(runs.length).toBe(6);
    for (const run of runs) {
      const summary = JSON.parse(readFileSync(join(runsDir, 'tiny', run, 'summary.json'), 'utf8'));
      expect(summary.metricKind).toBe('diffusion');
      expect(Number.isFinite(summary.test.metrics.fid)).toBe(true);
      expect(summary.test.metrics.class_entropy).toBeLessThanOrEqual(Math.log(10) + 1e-9);
      const figures = readdirSync(join(runsDir, 'tiny', run, 'figures'));
      expect(figures.sort()).toEqual(['test-step000002.svg', 'val-step000002.svg']);
    }
    const report = readFileSync(join(runsDir, 'tiny', 'report.html'), 'utf8');
    expect(report).toContain('data:image/png;base64,');
    expect(report).toMatch(/samples \(test evaluation; DDIM eta 0, 2 steps/);
  }, 900_000);
});
