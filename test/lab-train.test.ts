/**
 * The trainer and a run's files: determinism given a seed, divergence handling, runs/<id>/ contents,
 * the diagnostics probe, and task/option errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '../src/lab/data/training-data.js';
import { mlp } from '../src/lab/models/index.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { sgd } from '../src/lab/optim/sgd.js';
import { initLabRuntime, np } from '../src/lab/runtime.js';
import { getTask, loadTaskData, parseModelOptions } from '../src/lab/tasks.js';
import { createProbe, histogram, summarizeLayers } from '../src/lab/train/probe.js';
import { resolveRunConfig, runExperiment } from '../src/lab/train/run.js';
import { type TrainOptions, train } from '../src/lab/train/trainer.js';
import { mnistMlpConfig } from './helpers/run-config.js';
import { tempDir } from './helpers/temp-dir.js';

const runsDir = tempDir('lab-train');
let data: TrainingData;

beforeAll(async () => {
  await initLabRuntime();
  data = loadTaskData(getTask('mnist-mlp'), { limitTrain: 256, limitEval: 128 });
});

const tinyModel = (activation = 'golu') =>
  mlp({ inputShape: data.inputShape, numClasses: 10, activation: { name: activation }, depth: 1, width: 32 });

const options = (over: Partial<TrainOptions> = {}): TrainOptions => ({
  seed: 4,
  epochs: 2,
  batchSize: 64,
  lr: 3e-3,
  schedule: { kind: 'cosine', warmup: 2, minRatio: 0 },
  clipNorm: null,
  maxSteps: null,
  evalBatchSize: 64,
  logEvery: 1,
  ...over,
});

describe('trainer', () => {
  it('is deterministic given a seed, and a different seed changes the run', async () => {
    const record = async (seed: number) => {
      const losses: number[] = [];
      const result = await train(tinyModel(), data, adamw(), options({ seed }), {
        onStep: (e) => losses.push(e.loss),
      });
      return { losses, result };
    };
    const a = await record(4);
    const b = await record(4);
    const c = await record(5);
    expect(a.losses).toHaveLength(8); // 256 / 64 = 4 steps x 2 epochs
    expect(b.losses).toEqual(a.losses);
    expect(b.result.test).toEqual(a.result.test);
    expect(c.losses).not.toEqual(a.losses);
    expect(a.result.status).toBe('completed');
    expect(a.result.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(a.result.test!.count).toBe(128);
    expect(a.result.timing.msPerStep).toBeGreaterThan(0);
  });

  it('learns: a small MLP beats chance clearly on real digits', async () => {
    const result = await train(tinyModel('relu'), data, adamw(), options({ epochs: 4 }));
    expect(result.test!.accuracy).toBeGreaterThan(0.5);
  });

  it('stops a run whose loss becomes NaN/Inf and reports the step', async () => {
    const steps: number[] = [];
    const result = await train(tinyModel('relu'), data, sgd(), options({ lr: 1e25, epochs: 3 }), {
      onStep: (e) => steps.push(e.step),
    });
    expect(result.status).toBe('diverged');
    expect(result.diverged).not.toBeNull();
    expect(Number.isFinite(result.diverged!.loss)).toBe(false);
    expect(result.diverged!.step).toBeGreaterThan(0);
    expect(result.stepsDone).toBe(result.diverged!.step);
    expect(steps.every((s) => s < result.diverged!.step)).toBe(true);
    expect(result.test).toBeNull();
  });

  it('calls the diagnostics hook, and the probe records activations, their gradients and parameter grads', async () => {
    const model = tinyModel('relu');
    const probe = createProbe(model);
    const seen: number[] = [];
    let summaries: ReturnType<typeof summarizeLayers> = [];
    let paramPaths: string[] = [];
    await train(model, data, adamw(), options({ epochs: 1 }), {
      diagnosticsEvery: 2,
      onDiagnostics: ({ step, params, modelState, batch }) => {
        seen.push(step);
        const x = np.array(batch.x as Float32Array, { shape: [batch.rows, ...data.inputShape] });
        const y = np.array(batch.y, { dtype: np.int32 });
        const result = probe.run(params, modelState, x, y);
        expect(Number.isFinite(result.loss)).toBe(true);
        summaries = summarizeLayers(result);
        paramPaths = result.params.map((p) => p.path);
        const head = result.params.find((p) => p.path === 'head.w')!;
        expect(head.grad.length).toBe(32 * 10);
        expect(histogram(head.value, 10).counts.reduce((a, b) => a + b, 0)).toBe(320);
      },
    });
    probe.dispose();
    expect(seen).toEqual([0, 2]);
    expect(summaries.map((s) => s.name)).toEqual(['block0.preact', 'block0.act']);
    const [pre, act] = summaries;
    expect(Math.abs(pre.mean)).toBeLessThan(0.01); // LayerNorm output (beta moved a little)
    expect(act.mean).toBeGreaterThan(0); // ReLU output
    expect(act.gradNorm).toBeGreaterThan(0);
    expect(act.deadFraction).toBeGreaterThanOrEqual(0);
    expect(paramPaths).toEqual([
      'blocks.0.linear.w',
      'blocks.0.linear.b',
      'blocks.0.norm.gamma',
      'blocks.0.norm.beta',
      'head.w',
      'head.b',
    ]);
  });
});

describe('runExperiment', () => {
  it('writes config.json, metrics.jsonl and summary.json', async () => {
    const config = resolveRunConfig(
      'mnist-mlp',
      { name: 'golu', params: { gamma: 2 } },
      {
        seed: 1,
        epochs: 1,
        batchSize: 64,
        model: { depth: 1, width: 32 },
        data: { limitTrain: 256, limitEval: 128 },
      },
    );
    const summary = await runExperiment(config, { runsDir, runId: 'files-check', progress: 'none' });
    const dir = join(runsDir, 'files-check');
    expect(summary.dir).toBe(dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg.activation).toEqual({ name: 'golu', params: { gamma: 2 } });
    expect(cfg.activationLabel).toBe('golu(gamma=2)');
    expect(cfg.modelDescription).toContain('mlp 784-[32 LN golu(gamma=2)]x1-10');
    expect(cfg.optimizerSettings.name).toBe('adamw');
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.kind === 'step').length).toBeGreaterThan(0);
    expect(metrics.some((m) => m.kind === 'eval' && m.split === 'val')).toBe(true);
    expect(metrics.some((m) => m.kind === 'eval' && m.split === 'test')).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(saved.status).toBe('completed');
    expect(saved.test.accuracy).toBe(summary.test!.accuracy);
    expect(saved.activation.label).toBe('golu(gamma=2)');
  });

  it('marks a diverged run in its files (loss as a string, step and epoch)', async () => {
    const sgd = { optimizer: 'sgd', momentum: 0, nesterov: false } as const;
    const config = mnistMlpConfig({ name: 'relu' }, { epochs: 2, lr: 1e25, ...sgd });
    const summary = await runExperiment(config, { runsDir, runId: 'diverge-check', progress: 'none' });
    expect(summary.status).toBe('diverged');
    const saved = JSON.parse(readFileSync(join(runsDir, 'diverge-check', 'summary.json'), 'utf8'));
    expect(saved.status).toBe('diverged');
    expect(['NaN', 'Infinity', '-Infinity']).toContain(saved.diverged.loss);
    expect(saved.diverged.step).toBe(summary.diverged!.step);
    expect(saved.test).toBeNull();
    const metrics = readFileSync(join(runsDir, 'diverge-check', 'metrics.jsonl'), 'utf8');
    expect(metrics).toContain('"kind":"diverged"');
    expect(existsSync(join(runsDir, 'diverge-check', 'config.json'))).toBe(true);
  });
});

describe('tasks and options', () => {
  it('reject unknown tasks, missing data and bad options with clear messages', () => {
    expect(() => getTask('imagenet')).toThrow(/Valid tasks: mnist-mlp, fashion-cnn, mnist-resnet, text-gpt/);
    expect(() => loadTaskData(getTask('cifar10-resnet'))).toThrow(/needs --data/);
    expect(() => parseModelOptions(['depth'])).toThrow(/key=value/);
    expect(() => parseModelOptions(['width=wide'])).toThrow(/not a number/);
    expect(parseModelOptions(['channels=16,32', 'layerNorm=false', 'depth=3'])).toEqual({
      channels: [16, 32],
      layerNorm: false,
      depth: 3,
    });
    expect(() => resolveRunConfig('mnist-mlp', { name: 'relu' }, { lr: -1 })).toThrow(/learning rate/);
    expect(() => resolveRunConfig('mnist-mlp', { name: 'relu' }, { epochs: 0 })).toThrow(/epochs/);
  });
});
