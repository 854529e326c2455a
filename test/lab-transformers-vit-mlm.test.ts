/**
 * The transformer models on tiny configurations: attention masks (a bidirectional encoder sees the
 * future, the causal GPT does not: perturb a later token and compare earlier outputs), ViT patches and
 * output shapes, the masked loss against a hand computation, loss decreasing under a few AdamW steps
 * for the ViT and the masked language model, and the task wiring (babygpt preset, text-mlm data).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { gpt, type Model, mlm, vit } from '../src/lab/models/index.js';
import { patchify, type VitConfig } from '../src/lab/models/vit.js';
import { attentionInit, selfAttention } from '../src/lab/nn/attention.js';
import { logSoftmax, maskedCrossEntropySum } from '../src/lab/nn/loss.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { initLabRuntime, type JaxArray, np, tree } from '../src/lab/runtime.js';
import { buildTaskModel, getTask, loadTaskData, presetOf } from '../src/lab/tasks.js';
import { evaluationContext } from '../src/lab/train/context.js';
import { resolveRunConfig } from '../src/lab/train/run.js';
import { compileSteps } from '../src/lab/train/step.js';
import { initModel } from '../src/lab/train/trainer.js';

beforeAll(async () => {
  await initLabRuntime();
});

const rng = createRng(2024);

/** Logits of a token model for ids [B, T] (evaluation mode). */
function tokenLogits(model: Model, ids: Int32Array, batch: number, time: number): Float32Array {
  const { params, state } = initModel(model, 3);
  const x = np.array(ids, { shape: [batch, time], dtype: np.int32 });
  const { logits, state: next } = model.apply(params, state, x, evaluationContext());
  tree.dispose(next as never);
  return logits.dataSync() as Float32Array;
}

/** Largest |a - b| over the rows of positions < `upTo` (rows are [B*T, V], batch 1). */
function maxDiffBefore(a: Float32Array, b: Float32Array, vocab: number, upTo: number): number {
  let worst = 0;
  for (let i = 0; i < upTo * vocab; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('attention masks', () => {
  it('bidirectional self-attention: an earlier output changes when a later input changes', () => {
    const dim = 8;
    const time = 5;
    const p = attentionInit(() => rng.next(), dim, 1);
    const data = Float32Array.from({ length: time * dim }, () => rng.normal());
    const changed = Float32Array.from(data);
    for (let c = 0; c < dim; c++) changed[(time - 1) * dim + c] += 1;
    const run = (values: Float32Array, causal: boolean) =>
      selfAttention(tree.ref(p as never) as never, np.array(values, { shape: [1, time, dim] }), 2, {
        causal,
      }).dataSync() as Float32Array;
    const firstRow = (y: Float32Array) => y.slice(0, dim);
    const diff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(diff(firstRow(run(data, false)), firstRow(run(changed, false)))).toBeGreaterThan(1e-6);
    expect(diff(firstRow(run(data, true)), firstRow(run(changed, true)))).toBe(0);
    tree.dispose(p as never);
  });

  it('the masked LM sees the future; the GPT does not', () => {
    const vocab = 7;
    const time = 6;
    const ids = Int32Array.from({ length: time }, () => rng.int(vocab));
    const perturbed = Int32Array.from(ids);
    perturbed[time - 1] = (ids[time - 1] + 3) % vocab;
    // One configuration for both models.
    const config = {
      vocabSize: vocab,
      activation: { name: 'gelu' },
      blockSize: time,
      nLayer: 1,
      nHead: 2,
      nEmbd: 8,
    };
    const encoder = mlm(config);
    const decoder = gpt(config);
    const encA = tokenLogits(encoder, ids, 1, time);
    const encB = tokenLogits(encoder, perturbed, 1, time);
    const decA = tokenLogits(decoder, ids, 1, time);
    const decB = tokenLogits(decoder, perturbed, 1, time);
    expect(maxDiffBefore(encA, encB, vocab, time - 1)).toBeGreaterThan(1e-7);
    expect(maxDiffBefore(decA, decB, vocab, time - 1)).toBe(0);
  });
});

/** A GoLU ViT of one block of 2 heads on 8x8 images cut into 4x4 patches, 3 classes. */
const tinyVit = (options: Partial<VitConfig>) =>
  vit({
    inputShape: [8, 8, 1],
    numClasses: 3,
    activation: { name: 'golu' },
    patchSize: 4,
    depth: 1,
    heads: 2,
    ...options,
  });

describe('vision transformer', () => {
  it('patchify cuts row-major p x p patches, each flattened as (py, px, c)', () => {
    // 4x4 image, one channel, values = 10 * row + col.
    const values = Float32Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
    const patches = patchify(np.array(values, { shape: [1, 4, 4, 1] }), 2).dataSync();
    expect(Array.from(patches.slice(0, 4))).toEqual([0, 1, 10, 11]);
    expect(Array.from(patches.slice(4, 8))).toEqual([2, 3, 12, 13]);
    expect(Array.from(patches.slice(8, 12))).toEqual([20, 21, 30, 31]);
  });

  it('gives [B, classes] logits (class token and mean pooling) and rejects patches that do not tile', () => {
    for (const pool of ['cls', 'mean'] as const) {
      const model = tinyVit({ width: 8, pool });
      const { params, state } = initModel(model, 0);
      const x = np.array(
        Float32Array.from({ length: 2 * 64 }, () => rng.next()),
        { shape: [2, 8, 8, 1] },
      );
      const { logits } = model.apply(params, state, x, evaluationContext());
      expect(logits.shape).toEqual([2, 3]);
      logits.dispose();
    }
    expect(() =>
      vit({ inputShape: [28, 28, 1], numClasses: 10, activation: { name: 'relu' }, patchSize: 5 }),
    ).toThrow(/patchSize 5 must divide the image size 28x28/);
  });
});

/** Loss on a fixed batch before and after `steps` AdamW steps. */
function fitFixedBatch(model: Model, x: () => JaxArray, y: () => JaxArray, masked: boolean, steps: number) {
  const opt = adamw({ weightDecay: 0 });
  const { params, state: modelState } = initModel(model, 1);
  let state = { params, optState: opt.init(params), modelState };
  const compiled = compileSteps(model, opt, null, masked);
  const losses: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const scalars = Object.fromEntries(
      Object.entries(opt.scalars(t, 3e-3)).map(([k, v]) => [k, np.array(v)]),
    );
    const out = compiled.train(state, x(), y(), np.zeros([2], { dtype: np.uint32 }), scalars);
    state = out.state;
    losses.push(out.loss.item());
  }
  compiled.dispose();
  tree.dispose(state as never);
  return losses;
}

describe('training on tiny configurations', () => {
  it('the ViT fits a fixed batch (loss decreases)', () => {
    const model = tinyVit({ width: 16 });
    const images = Float32Array.from({ length: 6 * 64 }, () => rng.next());
    const labels = Int32Array.from({ length: 6 }, (_, i) => i % 3);
    const losses = fitFixedBatch(
      model,
      () => np.array(images, { shape: [6, 8, 8, 1] }),
      () => np.array(labels, { dtype: np.int32 }),
      false,
      25,
    );
    expect(losses[0]).toBeCloseTo(Math.log(3), 5); // zero head: uniform prediction
    expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]);
  });

  it('the masked LM fits a fixed batch on its selected positions (loss decreases)', () => {
    const vocab = 9;
    const model = mlm({
      vocabSize: vocab,
      activation: { name: 'relu' },
      blockSize: 8,
      nLayer: 1,
      nHead: 2,
      nEmbd: 16,
    });
    const ids = Int32Array.from({ length: 4 * 8 }, () => rng.int(vocab + 1));
    const labels = Int32Array.from({ length: 4 * 8 }, (_, i) => (i % 3 === 0 ? rng.int(vocab) : -1));
    const losses = fitFixedBatch(
      model,
      () => np.array(ids, { shape: [4, 8], dtype: np.int32 }),
      () => np.array(labels, { dtype: np.int32 }),
      true,
      30,
    );
    expect(losses[0]).toBeGreaterThan(0.8 * Math.log(vocab));
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]);
  });

  it('the masked loss is the cross-entropy summed over labelled rows only', () => {
    const logitsData = Float32Array.from({ length: 4 * 5 }, () => 3 * rng.normal());
    const labels = Int32Array.from([2, -1, 0, -1]);
    const got = maskedCrossEntropySum(
      np.array(logitsData, { shape: [4, 5] }),
      np.array(labels, { dtype: np.int32 }),
    ).item();
    const logProbs = logSoftmax(np.array(logitsData, { shape: [4, 5] })).dataSync();
    expect(got).toBeCloseTo(-(logProbs[0 * 5 + 2] + logProbs[2 * 5 + 0]), 4);
  });
});

describe('task wiring', () => {
  it('text-gpt --model preset=babygpt: the GoLU paper babyGPT sizes and training defaults', () => {
    const config = resolveRunConfig('text-gpt', { name: 'golu' }, { model: { preset: 'babygpt' } });
    expect(config.lr).toBe(1e-3);
    expect(config.batchSize).toBe(16);
    expect(config.schedule).toEqual({ kind: 'cosine', warmup: 100, minRatio: 0.1 });
    expect(presetOf(getTask('text-gpt'), { preset: 'babygpt' }).model).toEqual({
      blockSize: 256,
      nLayer: 6,
      nHead: 6,
      nEmbd: 384,
      dropout: 0.2,
    });
    // An explicit option still wins over the preset.
    expect(
      resolveRunConfig('text-gpt', { name: 'golu' }, { model: { preset: 'babygpt' }, lr: 5e-4 }).lr,
    ).toBe(5e-4);
    expect(() => resolveRunConfig('text-gpt', { name: 'golu' }, { model: { preset: 'huge' } })).toThrow(
      /model preset 'huge' does not exist for task text-gpt; valid: babygpt/,
    );
  });

  it('text-mlm loads masked windows and builds the encoder; mnist-vit builds the ViT', () => {
    const task = getTask('text-mlm');
    const data = loadTaskData(task, { stepsPerEpoch: 1, evalBatches: 1 });
    expect(data.maskedLabels).toBe(true);
    const batch = data.trainBatches(0, 4, 0)[Symbol.iterator]().next().value!;
    expect(batch.y.some((v: number) => v === -1)).toBe(true);
    expect(batch.y.some((v: number) => v >= 0)).toBe(true);
    const model = buildTaskModel(task, data, { name: 'gelu' });
    expect(model.kind).toBe('mlm');
    expect(model.description).toContain('vocab 89 + [MASK]');
    const vitTask = getTask('mnist-vit');
    expect(vitTask.model).toBe('vit');
    expect(getTask('fashion-vit').dataset).toBe('fashion-mnist');
  });
});
