/**
 * gatelab/tfjs with tf.layers in Node: every activation trains in a small dense model (cpu, and wasm for
 * a subset), learnable layers learn their parameters, models save and reload (in memory, and from files
 * in a fresh Node process), and replaceActivations swaps activations while keeping the weights.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../src/activations/index.js';
import {
  activationId,
  applyActivation,
  golu,
  layers,
  registerActivations,
  replaceActivations,
} from '../src/adapters/tfjs/index.js';
import { regressionTask } from './adapter-tfjs-fixtures.js';

tf.env().set('PROD', true);
registerActivations(tf);

/** The shared regression task (test/adapter-tfjs-fixtures.ts) as tensors. */
function task(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const { inputs, targets } = regressionTask();
  return { xs: tf.tensor2d(inputs), ys: tf.tensor2d(targets) };
}

function denseModel(hidden: tf.layers.Layer | string): tf.Sequential {
  const model = tf.sequential();
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  if (typeof hidden === 'string') {
    model.add(
      tf.layers.dense({
        units: 16,
        inputShape: [2],
        activation: hidden as never,
        kernelInitializer: init(1),
      }),
    );
  } else {
    model.add(tf.layers.dense({ units: 16, inputShape: [2], kernelInitializer: init(1) }));
    model.add(hidden);
  }
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(2) }));
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  return model;
}

async function lossBeforeAfter(model: tf.LayersModel, epochs: number): Promise<[number, number]> {
  const { xs, ys } = task();
  const before = (model.evaluate(xs, ys) as tf.Scalar).dataSync()[0];
  await model.fit(xs, ys, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
  const after = (model.evaluate(xs, ys) as tf.Scalar).dataSync()[0];
  return [before, after];
}

function predict(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
}

async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (artifacts === undefined) throw new Error('model.save did not call the handler');
  return artifacts;
}

describe('gatelab/tfjs training', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const spec of registry) {
    it(`cpu: a dense model with activation '${spec.name}' trains and its loss falls`, async () => {
      const [before, after] = await lossBeforeAfter(denseModel(activationId(spec.name)), 60);
      expect(Number.isFinite(after)).toBe(true);
      expect(after, `${spec.name}: loss ${before} -> ${after}`).toBeLessThan(0.7 * before);
    });
  }

  it('wasm: GoLU, GELU, SE-GEM and parameterised GoLU train too', async () => {
    await tf.setBackend('wasm');
    try {
      for (const id of [
        'golu',
        'gatelabGelu',
        activationId('segem', { n: 2 }),
        activationId('golu', { gamma: 2 }),
      ]) {
        const [before, after] = await lossBeforeAfter(denseModel(id), 60);
        expect(after, `${id}: loss ${before} -> ${after}`).toBeLessThan(0.7 * before);
      }
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('learnable GoLU learns alpha, beta, gamma per channel and its loss falls', async () => {
    const layer = layers.learnableGolu({ perChannel: true, name: 'lgolu' });
    const model = denseModel(layer);
    const [before, after] = await lossBeforeAfter(model, 60);
    expect(after).toBeLessThan(0.7 * before);
    const weights = layer.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[16], [16], [16]]);
    for (const w of weights) {
      const values = Array.from(w.dataSync());
      expect(
        values.some((v) => Math.abs(v - 1) > 1e-3),
        'parameters moved from their initial value 1',
      ).toBe(true);
      expect(values.every((v) => v >= 0)).toBe(true);
    }
  });

  it('learnable PReLU learns its shared slope and its loss falls', async () => {
    const layer = layers.prelu({ name: 'lprelu' });
    const model = denseModel(layer);
    const [before, after] = await lossBeforeAfter(model, 60);
    expect(after).toBeLessThan(0.7 * before);
    const [slope] = layer.getWeights();
    expect(slope.shape).toEqual([1]);
    expect(Math.abs(slope.dataSync()[0] - 0.25)).toBeGreaterThan(1e-3);
  });
});

describe('gatelab/tfjs serialization', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'gatelab-tfjs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A model using every serializable form gatelab offers, trained briefly so learnable weights move. */
  async function richModel(): Promise<tf.Sequential> {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 6, inputShape: [2], activation: 'golu' as never }));
    model.add(
      tf.layers.dense({ units: 6, activation: activationId('egem', { n: 2, epsilon: 1e-3 }) as never }),
    );
    model.add(layers.activation({ activation: 'gelu_tanh' }));
    model.add(layers.segem({ n: 2, epsilon: 0.01, lambda: 0.2 }));
    model.add(layers.golu({ alpha: 1.5, gamma: 2 }));
    model.add(layers.learnableGolu({ perChannel: true, beta: 0.5 }));
    model.add(layers.prelu({ perChannel: true, slope: 0.1 }));
    model.add(tf.layers.activation({ activation: 'leaky_relu' as never }));
    model.add(tf.layers.dense({ units: 1, activation: 'gatelabGelu' as never }));
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const { xs, ys } = task();
    await model.fit(xs, ys, { epochs: 3, batchSize: 64, verbose: 0 });
    return model;
  }

  it('model.save -> tf.loadLayersModel round-trips topology, layer configs and predictions', async () => {
    const model = await richModel();
    const artifacts = await saveToMemory(model);
    const json = JSON.stringify(artifacts.modelTopology);
    // tfjs stores activation names in snake_case; gatelab's identifiers survive the conversion.
    for (const fragment of [
      '"golu"',
      '"egem(n=2,epsilon=0.001)"',
      '"gelu_tanh"',
      '"leaky_relu"',
      '"gatelab_gelu"',
    ]) {
      expect(json).toContain(fragment);
    }
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    for (let i = 0; i < model.layers.length; i++) {
      expect(loaded.layers[i].getConfig()).toEqual(model.layers[i].getConfig());
    }
    const x = task().xs;
    expect(Array.from(predict(loaded, x))).toEqual(Array.from(predict(model, x)));
  });

  it('a model saved to files reloads in a fresh Node process after registerActivations', async () => {
    const model = await richModel();
    const artifacts = await saveToMemory(model);
    const { weightData, ...rest } = artifacts;
    const weights = tf.io.CompositeArrayBuffer.join(weightData as ArrayBuffer | ArrayBuffer[]);
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: rest.weightSpecs }] }),
    );
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
    const x = task().xs;
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify(x.arraySync()));
    const here = fileURLToPath(new URL('.', import.meta.url));
    const child = join(here, 'adapter-tfjs-reload-child.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, dir], {
      cwd: join(here, '..'),
      timeout: 60_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      withoutId: string;
      predictions: number[];
    };
    // Parameters encoded in an activation string must be registered in the loading program too.
    expect(report.withoutId).toMatch(/Unknown activation: egem\(n=2,epsilon=0.001\)/);
    expect(report.predictions).toEqual(Array.from(predict(model, x)));
  });
});

describe('gatelab/tfjs replaceActivations', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  function reluModel(): tf.Sequential {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'relu', name: 'hidden' }));
    model.add(tf.layers.activation({ activation: 'relu', name: 'act' }));
    model.add(tf.layers.dense({ units: 4, activation: 'tanh', name: 'mid' }));
    model.add(tf.layers.dense({ units: 2, name: 'out' }));
    return model;
  }

  const x = () =>
    tf.tensor2d([
      [-1, 0.5, 2],
      [0.3, -0.7, 0.1],
      [1.5, 1, -2],
    ]);

  it('swaps relu for golu in Dense fields and Activation layers, keeping every weight', async () => {
    const model = reluModel();
    const replaced: string[] = [];
    const swapped = await replaceActivations(model, {
      from: 'relu',
      to: 'golu',
      onReplace: (layer, before, after) => replaced.push(`${layer}:${before}->${after}`),
    });
    expect(replaced).toEqual(['hidden:relu->golu', 'act:relu->golu']);
    expect(swapped).not.toBe(model);
    const before = model.getWeights();
    const after = swapped.getWeights();
    expect(after.length).toBe(before.length);
    for (let i = 0; i < before.length; i++)
      expect(Array.from(after[i].dataSync())).toEqual(Array.from(before[i].dataSync()));
    // The original is untouched and the outputs change.
    expect(model.getLayer('hidden').getConfig().activation).toBe('relu');
    expect(predict(swapped, x())).not.toEqual(predict(model, x()));
    // The copy computes exactly the swapped network.
    const [w1, b1, w2, b2, w3, b3] = before;
    const hidden = golu(golu(tf.add(tf.matMul(x(), w1), b1)));
    const expected = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(hidden, w2), b2)), w3), b3);
    const got = predict(swapped, x());
    const want = expected.dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
  });

  it('passes parameters, swaps back, and keeps tfjs names for non-catalog targets', async () => {
    const model = reluModel();
    const withParams = await replaceActivations(model, { from: ['relu'], to: 'golu', params: { alpha: 2 } });
    expect(withParams.getLayer('hidden').getConfig().activation).toBe('golu(alpha=2,beta=1,gamma=1)');
    const back = await replaceActivations(withParams, { from: 'golu', to: 'relu' });
    const reference = predict(model, x());
    const roundTrip = predict(back, x());
    for (let i = 0; i < reference.length; i++) expect(roundTrip[i]).toBeCloseTo(reference[i], 6);
    const linear = await replaceActivations(model, { from: 'tanh', to: 'linear' });
    expect(linear.getLayer('mid').getConfig().activation).toBe('linear');
  });

  it('handles functional models with nested models and GatelabActivation layers', async () => {
    const inner = tf.sequential({ name: 'inner' });
    inner.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu', name: 'inner_dense' }));
    const input = tf.input({ shape: [3] });
    const h = tf.layers
      .dense({ units: 4, activation: 'relu', name: 'outer_dense' })
      .apply(input) as tf.SymbolicTensor;
    const g = layers.activation({ activation: 'gelu', name: 'gelu_layer' }).apply(h) as tf.SymbolicTensor;
    const y = inner.apply(g) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const names: string[] = [];
    const swapped = await replaceActivations(model, {
      from: ['relu', 'gelu'],
      to: 'segem',
      params: { n: 2 },
      onReplace: (layer) => names.push(layer),
    });
    expect(names.sort()).toEqual(['gelu_layer', 'inner_dense', 'outer_dense']);
    expect(swapped.getLayer('gelu_layer').getConfig()).toMatchObject({
      activation: 'segem',
      params: { n: 2 },
    });
    const xIn = x();
    const manual = tf.tidy(() => {
      const [w1, b1, w2, b2] = model.getWeights();
      const seg = (t: tf.Tensor) => applyActivation('segem', t, { n: 2 });
      return seg(tf.add(tf.matMul(seg(seg(tf.add(tf.matMul(xIn, w1), b1))), w2), b2)).dataSync();
    });
    const got = predict(swapped, xIn);
    for (let i = 0; i < manual.length; i++) expect(got[i]).toBeCloseTo(manual[i], 6);
  });

  it('throws when nothing matches, naming the activations the model uses', async () => {
    await expect(replaceActivations(reluModel(), { from: 'gelu', to: 'golu' })).rejects.toThrow(
      /no layer uses activation 'gelu' \(activations used: linear, relu, tanh\)/,
    );
    // (hardSwish was the unknown name here until gatelab gained hard_swish; 'squareplusPlus' is not an activation anywhere.)
    await expect(replaceActivations(reluModel(), { from: 'relu', to: 'squareplusPlus' })).rejects.toThrow(
      /unknown activation 'squareplusPlus'/,
    );
    const unchanged = await replaceActivations(reluModel(), { from: 'gelu', to: 'golu', allowNoMatch: true });
    expect(unchanged.layers).toHaveLength(4);
  });
});
