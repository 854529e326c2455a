/**
 * Learnable activation parameters in the lab: the layer computes the catalog activation at its start
 * values, its parameters live in the model's parameter tree (so checkpoints and --save-weights hold
 * them), positive ones stay positive (log parameterisation), they get gradients and no weight decay,
 * a run logs them per evaluation and the report draws their trajectories; unknown names fail early.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { learnableValues } from '../src/lab/analysis/learnable.js';
import { recorderHooks } from '../src/lab/hooks/recorder.js';
import { activationLayer, checkLearnable } from '../src/lab/models/activation-spec.js';
import { mlp } from '../src/lab/models/index.js';
import { decays } from '../src/lab/optim/types.js';
import { buildRunsReport } from '../src/lab/report/report.js';
import { loadRun } from '../src/lab/runs/read.js';
import { readWeights } from '../src/lab/runs/weights.js';
import { grad, initLabRuntime, np } from '../src/lab/runtime.js';
import { namedLeaves } from '../src/lab/train/probe.js';
import { resolveRunConfig, runExperiment } from '../src/lab/train/run.js';
import { initModel } from '../src/lab/train/trainer.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir('learnable');
beforeAll(async () => {
  await initLabRuntime();
});

const xs = [-3, -0.5, 0, 0.7, 2.5];

describe('activation layer with learnable parameters', () => {
  it('starts at the given values and computes the catalog function (layer and channel scope)', () => {
    for (const scope of ['layer', 'channel'] as const) {
      const layer = activationLayer({
        name: 'golu',
        params: { beta: 0.5, gamma: 2 },
        learnable: { names: ['alpha', 'beta', 'gamma'], scope },
      });
      const p = layer.init(xs.length)!;
      expect(p.alpha.shape).toEqual(scope === 'layer' ? [] : [xs.length]);
      // Positive parameters are stored as their logarithm.
      expect(p.beta.ref.dataSync()[0]).toBeCloseTo(Math.log(0.5), 6);
      const y = layer.apply(np.array(xs, { shape: [1, xs.length] }), p).dataSync();
      const want = activation('golu', { beta: 0.5, gamma: 2 });
      xs.forEach((x, i) => {
        expect(y[i]).toBeCloseTo(want.value(x), 5);
      });
    }
  });

  it('gives gradients to every learnable parameter and keeps positive ones positive', () => {
    const layer = activationLayer({
      name: 'golu',
      learnable: { names: ['alpha', 'beta', 'gamma'], scope: 'layer' },
    });
    const p = layer.init(1)!;
    const loss = (q: typeof p) => layer.apply(np.array(xs), q).sum();
    const g = (grad as (f: unknown) => (x: unknown) => unknown)(loss)(p) as typeof p;
    for (const name of ['alpha', 'beta', 'gamma'])
      expect(Math.abs(g[name].dataSync()[0])).toBeGreaterThan(1e-4);
    // A raw value far below 0 is still a positive parameter: exp(-30) > 0.
    const tiny = { alpha: np.array(-30), beta: np.array(0), gamma: np.array(0) };
    const y = layer.apply(np.array([2]), tiny).dataSync()[0];
    expect(y).toBeGreaterThan(0);
    expect(y).toBeCloseTo(Math.exp(-30) * activation('golu').value(2), 18);
  });

  it('trains PReLU slope as itself (any finite value) and is never weight-decayed', () => {
    const layer = activationLayer({ name: 'prelu', learnable: { names: ['slope'], scope: 'channel' } });
    const p = layer.init(4)!;
    expect(Array.from(p.slope.ref.dataSync())).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(decays(p.slope)).toBe(false); // ndim 1: no decay, as for biases
    expect(decays(np.array(0.3))).toBe(false);
  });

  it('rejects parameters that are not learnable for the activation, naming the valid ones', () => {
    expect(() => checkLearnable('golu', ['slope'])).toThrow(
      /learnable parameter 'slope' is not a learnable parameter of golu \(learnable: alpha, beta, gamma\)/,
    );
    expect(() => checkLearnable('relu', ['alpha'])).toThrow(/\(learnable: none\)/);
    expect(() =>
      resolveRunConfig('mnist-mlp', { name: 'golu' }, { learnableScope: 'neuron' as never }),
    ).toThrow(/--learnable-scope \(learnable parameter scope\) must be one of layer, channel, got 'neuron'/);
    // Models without learnable activation sites refuse before anything is written (train, compare, sweeps).
    expect(() => resolveRunConfig('fashion-cnn', { name: 'golu' }, { learnable: ['alpha'] })).toThrow(
      '--learnable alpha: learnable activation parameters are available for the mlp, gpt, vit, mlm models, not for cnn (task fashion-cnn)',
    );
  });

  it('adds nothing to the parameter tree of a fixed activation (same init as before)', () => {
    const fixed = mlp({ inputShape: [4], numClasses: 2, activation: { name: 'golu' }, depth: 2, width: 3 });
    const learn = mlp({
      inputShape: [4],
      numClasses: 2,
      activation: { name: 'golu', learnable: { names: ['gamma'], scope: 'layer' } },
      depth: 2,
      width: 3,
    });
    const a = namedLeaves(initModel(fixed, 0).params);
    const b = namedLeaves(initModel(learn, 0).params);
    expect(a.some((l) => l.path.includes('.act.'))).toBe(false);
    expect(b.filter((l) => l.path.includes('.act.')).map((l) => l.path)).toEqual([
      'blocks.0.act.gamma',
      'blocks.1.act.gamma',
    ]);
    // The other weights are bit-identical: the learnable parameters draw no random numbers.
    for (const leaf of a) {
      const twin = b.find((l) => l.path === leaf.path)!;
      expect(Array.from(twin.leaf.ref.dataSync())).toEqual(Array.from(leaf.leaf.ref.dataSync()));
    }
  });
});

describe('a run with --learnable', () => {
  it('logs the values per evaluation, saves them with the weights, and the report plots them', async () => {
    const config = resolveRunConfig(
      'mnist-mlp',
      { name: 'golu' },
      {
        epochs: 2,
        maxSteps: 6,
        batchSize: 50,
        lr: 0.05,
        model: { depth: 2, width: 16 },
        data: { limitTrain: 150, limitEval: 50 },
        learnable: ['alpha', 'beta', 'gamma'],
        learnableScope: 'channel',
      },
    );
    let checked = false;
    const summary = await runExperiment(config, {
      runsDir: dir,
      runId: 'learn',
      progress: 'none',
      attach: (run) => {
        const hooks = recorderHooks({ diagnosticsEvery: 0, saveWeights: true }, run);
        return {
          ...hooks,
          onFinish: (info) => {
            expect(learnableValues('golu', info.params)).toHaveLength(6);
            checked = true;
            hooks.onFinish?.(info);
          },
        };
      },
    });
    expect(summary.activation.label).toBe('golu[learn alpha,beta,gamma per channel]');
    const records = readFileSync(join(summary.dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.kind === 'activation-params');
    expect(records.map((r) => r.step)).toEqual([0, 3, 6]); // before training and after each validation
    expect(records[0].values).toHaveLength(6); // 2 layers x 3 parameters
    expect(records[0].values[0]).toMatchObject({
      layer: 'blocks.0',
      param: 'alpha',
      mean: 1,
      min: 1,
      max: 1,
    });
    const moved = records[2].values.some((v: { min: number; max: number }) => v.max - v.min > 0);
    expect(moved).toBe(true); // channels trained apart
    expect(summary.learnedActivation).toEqual(records[2].values);
    expect(checked).toBe(true);
    // --save-weights holds them: they are leaves of the parameter tree.
    const weights = readWeights(summary.dir);
    const gamma = weights.manifest.params.find((p) => p.name === 'blocks.1.act.gamma');
    expect(gamma?.shape).toEqual([16]);
    const html = await buildRunsReport([loadRun(summary.dir)]);
    expect(html).toContain('Learnable activation parameters');
  });
});
