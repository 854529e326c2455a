/**
 * Checkpoints and resume, in process: a run stopped at a random step (seeded, so the steps are the same
 * every time) and resumed from its checkpoint gives bit-identical metrics lines, final weights, diagnostics
 * and summary to a run done in one go — on the hidden state each model has: dropout keys (mlp, cnn, gpt),
 * batch-norm running statistics (cnn), momentum and Adam moments, the step and cosine schedules, the
 * per-epoch shuffle, the text sampler's position, the masked LM's masks and learnable activation
 * parameters (mlm, vit). Wall-clock fields are left out of the comparison: `msPerStep` of step lines,
 * and `timing`, `startedAt`, `finishedAt` of summary.json (plus `id`, `dir` and `resumedAt`, which name
 * the folder and the resumes).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { recorderHooks } from '../src/lab/hooks/recorder.js';
import { CHECKPOINT_FILE, readCheckpoint } from '../src/lab/runs/checkpoint.js';
import { getTask, loadTaskData } from '../src/lab/tasks.js';
import {
  type RunConfig,
  type RunOptions,
  type RunOverrides,
  resolveRunConfig,
  resumeExperiment,
  runExperiment,
} from '../src/lab/train/run.js';
import { tempDir } from './helpers/temp-dir.js';
import { metricsWithoutClock, summaryWithoutClock } from './run-files.js';

const runsDir = tempDir('resume');

const recorder = { diagnosticsEvery: 3, saveWeights: true };
const attach: RunOptions['attach'] = (run) => recorderHooks(recorder, run);

/** A run configuration with diagnostics and saved weights, checkpointing every `every` steps. */
function configOf(task: string, activation: string, every: number, overrides: RunOverrides): RunConfig {
  return resolveRunConfig(task, { name: activation }, { ...overrides, ...recorder, checkpointEvery: every });
}

/** Runs `config` stopped at each of `stops` (steps done), resuming after each; returns the folder. */
async function interruptedRun(config: RunConfig, id: string, stops: number[]) {
  let stepsSeen = 0;
  let stopAt = stops[0];
  const options = {
    progress: 'none' as const,
    attach,
    hooks: {
      onStep: (e: { step: number }) => {
        stepsSeen = e.step;
      },
    },
    stopRequested: () => (stepsSeen >= stopAt ? 'SIGTERM' : null),
  };
  let summary = await runExperiment(config, { ...options, runsDir, runId: id });
  const dir = summary.dir;
  for (let i = 1; i <= stops.length; i++) {
    expect(summary.status).toBe('interrupted');
    expect(summary.interrupted).toMatchObject({ step: stops[i - 1], reason: 'SIGTERM' });
    expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(true);
    expect(readCheckpoint(dir).step).toBe(stops[i - 1]);
    stopAt = i < stops.length ? stops[i] : Number.POSITIVE_INFINITY;
    summary = await resumeExperiment(dir, options);
  }
  expect(summary.status).toBe('completed');
  expect(summary.resumedAt).toEqual(stops);
  expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(false);
  return dir;
}

/** The same run in one go, without step checkpoints (they must not change anything). */
async function referenceRun(config: RunConfig, id: string) {
  const summary = await runExperiment(
    { ...config, checkpointEvery: 0 },
    { runsDir, runId: id, progress: 'none', attach },
  );
  expect(summary.status).toBe('completed');
  return summary.dir;
}

function expectSameRun(reference: string, resumed: string) {
  expect(metricsWithoutClock(resumed)).toEqual(metricsWithoutClock(reference));
  expect(
    readFileSync(join(resumed, 'weights.bin')).equals(readFileSync(join(reference, 'weights.bin'))),
  ).toBe(true);
  expect(readFileSync(join(resumed, 'diagnostics.json'), 'utf8')).toBe(
    readFileSync(join(reference, 'diagnostics.json'), 'utf8'),
  );
  expect(summaryWithoutClock(resumed)).toEqual(summaryWithoutClock(reference));
}

/** A run stopped at `stops` and resumed equals the same run done in one go (folders NAME-ref, NAME-part). */
async function expectResumedSame(config: RunConfig, name: string, stops: number[]): Promise<string> {
  const reference = await referenceRun(config, `${name}-ref`);
  expectSameRun(reference, await interruptedRun(config, `${name}-part`, stops));
  return reference;
}

/** The one-layer character model with dropout of the GPT and masked LM cases. */
const TINY_TEXT: RunOverrides = {
  epochs: 2,
  batchSize: 4,
  model: { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, dropout: 0.1 },
  data: { stepsPerEpoch: 5, evalBatches: 1 },
};
/** The small MLP of the edge cases: 256 / 64 = 4 steps per epoch. */
const TINY_MLP: RunOverrides = {
  seed: 0,
  batchSize: 64,
  model: { depth: 1, width: 16 },
  data: { limitTrain: 256, limitEval: 64 },
};

/** Distinct sorted steps in [1, total - 1] drawn from a seeded generator. */
function randomSteps(seed: number, total: number, count: number): number[] {
  const rng = createRng(seed);
  const steps = new Set<number>();
  while (steps.size < count) steps.add(1 + rng.int(total - 1));
  return [...steps].sort((a, b) => a - b);
}

describe('resume from a checkpoint gives the same run, bit for bit', () => {
  it('mlp with dropout, SGD Nesterov momentum, step schedule, clipping; stopped twice mid-epoch', async () => {
    const config = configOf('mnist-mlp', 'golu', 5, {
      seed: 3,
      epochs: 3,
      batchSize: 32,
      optimizer: 'sgd',
      momentum: 0.9,
      nesterov: true,
      lr: 0.05,
      schedule: { kind: 'step', every: 5, gamma: 0.5 },
      clipNorm: 1,
      model: { depth: 1, width: 32, dropout: 0.2 },
      data: { limitTrain: 256, limitEval: 64 },
    });
    // 256 / 32 = 8 steps per epoch, 24 steps; checkpoints every 5 steps, so the stops fall between them.
    await expectResumedSame(config, 'mlp', randomSteps(101, 24, 2));
  });

  it('cnn with batch norm and dropout, AdamW, cosine schedule with warmup', async () => {
    const config = configOf('fashion-cnn', 'gelu', 3, {
      seed: 1,
      epochs: 2,
      batchSize: 16,
      lr: 3e-3,
      schedule: { kind: 'cosine', warmup: 2, minRatio: 0.1 },
      model: { channels: [4, 4], dropout: 0.3 },
      data: { limitTrain: 64, limitEval: 32 },
    });
    await expectResumedSame(config, 'cnn', randomSteps(202, 8, 1));
  });

  it('char GPT with dropout: the text sampler continues at the same window', async () => {
    const config = configOf('text-gpt', 'swish', 4, { ...TINY_TEXT, seed: 2 });
    await expectResumedSame(config, 'gpt', randomSteps(303, 10, 2));
  });

  it('masked LM with learnable GoLU parameters per channel and dropout: masks and sampler continue', async () => {
    const config = configOf('text-mlm', 'golu', 4, {
      ...TINY_TEXT,
      seed: 4,
      learnable: ['alpha', 'beta', 'gamma'],
      learnableScope: 'channel',
    });
    const reference = await expectResumedSame(config, 'mlm', randomSteps(404, 10, 2));
    // The activation-params records (and weights.bin, which holds the parameters) matched too.
    expect(readFileSync(join(reference, 'metrics.jsonl'), 'utf8')).toContain('"kind":"activation-params"');
  });

  it('ViT with a learnable PReLU slope, dropout, AdamW with warm-up', async () => {
    const config = configOf('mnist-vit', 'prelu', 3, {
      seed: 5,
      epochs: 2,
      batchSize: 16,
      schedule: { kind: 'cosine', warmup: 2, minRatio: 0 },
      model: { patchSize: 14, depth: 1, width: 16, heads: 2, dropout: 0.1 },
      data: { limitTrain: 64, limitEval: 32 },
      learnable: ['slope'],
    });
    await expectResumedSame(config, 'vit', randomSteps(505, 8, 1));
  });

  it('stops right after an evaluation and before the first step, with checkpoints only at evaluations', async () => {
    const config = configOf('mnist-mlp', 'relu', 0, { ...TINY_MLP, epochs: 2 });
    await expectResumedSame(config, 'edge', [0, 4, 6]);
  });

  it('refuses a damaged checkpoint with a message naming the file', async () => {
    const config = configOf('mnist-mlp', 'relu', 0, { ...TINY_MLP, epochs: 1 });
    let steps = 0;
    const summary = await runExperiment(config, {
      runsDir,
      runId: 'damaged',
      progress: 'none',
      hooks: {
        onStep: (e) => {
          steps = e.step;
        },
      },
      stopRequested: () => (steps >= 2 ? 'SIGINT' : null),
    });
    const file = join(summary.dir, CHECKPOINT_FILE);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    await expect(resumeExperiment(summary.dir, { progress: 'none' })).rejects.toThrow(
      `${file}: damaged checkpoint (`,
    );
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    await expect(resumeExperiment(summary.dir, { progress: 'none' })).rejects.toThrow('checksum mismatch');
  });
});

describe('batches from a position in the data order', () => {
  it('image and text batches from index k equal the tail of the whole epoch', () => {
    for (const [task, opts] of [
      ['mnist-mlp', { limitTrain: 200, limitEval: 16 }],
      ['text-gpt', { stepsPerEpoch: 7, evalBatches: 1, blockSize: 8 }],
    ] as const) {
      const data = loadTaskData(getTask(task), opts);
      const all = [...data.trainBatches(2, 16, 9)];
      const tail = [...data.trainBatches(2, 16, 9, 3)];
      expect(tail.length).toBe(all.length - 3);
      tail.forEach((b, i) => {
        expect(Array.from(b.x)).toEqual(Array.from(all[i + 3].x));
        expect(Array.from(b.y)).toEqual(Array.from(all[i + 3].y));
      });
    }
  });
});
