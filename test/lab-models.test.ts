/**
 * The four models on tiny sizes: output shapes, whole-model gradients against finite differences
 * (float64, relu), finite gradients with a smooth activation, and a few training steps that must fit a
 * fixed batch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { cnn, gpt, type Model, mlp, resnet } from '../src/lab/models/index.js';
import { gradientCheck, withReplacedLeaves, worstGradientRatio } from '../src/lab/nn/gradcheck.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { type ArrayTree, initLabRuntime, type JaxArray, np, tree } from '../src/lab/runtime.js';
import { evaluationContext, trainContext } from '../src/lab/train/context.js';
import { namedLeaves } from '../src/lab/train/probe.js';
import { compileSteps } from '../src/lab/train/step.js';
import { initModel } from '../src/lab/train/trainer.js';

beforeAll(async () => {
  await initLabRuntime();
});

interface Case {
  name: string;
  build: (activation: string) => Model;
  batch: () => { x: JaxArray; y: JaxArray; outRows: number };
  /** Float64 copy of the batch input (token ids stay int32). */
  x64: () => JaxArray;
  transcendental: boolean;
}

const rng = createRng(77);
const images = (n: number, h: number, w: number, c: number) =>
  Float32Array.from({ length: n * h * w * c }, () => rng.next());
const imgData = images(6, 8, 8, 1);
const labels = Int32Array.from({ length: 6 }, (_, i) => i % 3);
const tokens = Int32Array.from({ length: 4 * 8 }, () => rng.int(11));
const nextTokens = Int32Array.from({ length: 4 * 8 }, () => rng.int(11));

const imageBatch = () => ({
  x: np.array(imgData, { shape: [6, 8, 8, 1] }),
  y: np.array(labels, { dtype: np.int32 }),
  outRows: 6,
});

const cases: Case[] = [
  {
    name: 'mlp',
    build: (a) => mlp({ inputShape: [8, 8, 1], numClasses: 3, activation: { name: a }, depth: 2, width: 16 }),
    batch: imageBatch,
    x64: () => np.array(Float64Array.from(imgData), { shape: [6, 8, 8, 1], dtype: np.float64 }),
    transcendental: false,
  },
  {
    name: 'cnn',
    build: (a) => cnn({ inputShape: [8, 8, 1], numClasses: 3, activation: { name: a }, channels: [4, 6] }),
    batch: imageBatch,
    x64: () => np.array(Float64Array.from(imgData), { shape: [6, 8, 8, 1], dtype: np.float64 }),
    transcendental: false,
  },
  {
    name: 'resnet-8',
    build: (a) =>
      resnet({ inputShape: [8, 8, 1], numClasses: 3, activation: { name: a }, depth: 8, widths: [4, 6, 8] }),
    batch: imageBatch,
    x64: () => np.array(Float64Array.from(imgData), { shape: [6, 8, 8, 1], dtype: np.float64 }),
    transcendental: false,
  },
  {
    name: 'gpt',
    build: (a) =>
      gpt({ vocabSize: 11, activation: { name: a }, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16 }),
    batch: () => ({
      x: np.array(tokens, { shape: [4, 8], dtype: np.int32 }),
      y: np.array(nextTokens, { dtype: np.int32 }),
      outRows: 32,
    }),
    x64: () => np.array(tokens, { shape: [4, 8], dtype: np.int32 }),
    transcendental: true,
  },
];

function toFloat64(t: ArrayTree): ArrayTree {
  return tree.map((leaf: JaxArray) => leaf.astype(np.float64), t as never) as ArrayTree;
}

for (const c of cases) {
  describe(c.name, () => {
    it('forward gives logits [rows, classes]; evaluation mode keeps the state', () => {
      const model = c.build('golu');
      const { params, state } = initModel(model, 1);
      const { x, y } = c.batch();
      y.dispose();
      const out = model.apply(params, state, x, evaluationContext());
      expect(out.logits.shape).toEqual([c.batch().outRows, model.outputSize]);
      const values = Array.from(out.logits.dataSync() as Float32Array);
      expect(values.every((v) => Number.isFinite(v))).toBe(true);
      tree.dispose(out.state as never);
    });

    it('whole-model gradients of sum(logits * R) match finite differences (float64)', () => {
      // softsign for the transformer: arithmetic only and C1, so a difference step cannot cross a kink.
      const model = c.build(c.transcendental ? 'softsign' : 'relu');
      const { params, state } = initModel(model, 2);
      const params64 = toFloat64(params);
      const state64 = toFloat64(state);
      const named = namedLeaves(params64);
      // Check a handful of leaves: the first, a middle and the last (head) one.
      const chosen = [0, Math.floor(named.length / 2), named.length - 1];
      const inputs = Object.fromEntries(
        chosen.map((i) => [
          named[i].path,
          { data: Float64Array.from(named[i].leaf.ref.dataSync()), shape: named[i].leaf.shape },
        ]),
      );
      // Loss = sum(logits * R): pure float64 arithmetic for the image models (jax-js's wasm device
      // evaluates float64 exp/log in float32 precision, which would swamp a 1e-6 difference step).
      const { y, outRows } = c.batch();
      y.dispose();
      const weights = Float64Array.from({ length: outRows * (c.name === 'gpt' ? 11 : 3) }, () =>
        rng.normal(),
      );
      const f = (a: Record<string, JaxArray>) => {
        const p = withReplacedLeaves(
          params64,
          named.map((n) => n.path),
          a,
        );
        const ctx = trainContext(np.zeros([2], { dtype: np.uint32 }));
        const out = model.apply(p, tree.ref(state64 as never) as ArrayTree, c.x64(), ctx);
        ctx.finish();
        tree.dispose(out.state as never);
        return out.logits.mul(np.array(weights, { shape: out.logits.shape, dtype: np.float64 })).sum();
      };
      const checks = gradientCheck(f, inputs, {
        rand: () => rng.next(),
        samples: 4,
        eps: c.transcendental ? 1e-3 : 1e-6,
      });
      const ratio = c.transcendental
        ? worstGradientRatio(checks, 3e-3, 1e-4)
        : worstGradientRatio(checks, 1e-4, 1e-7);
      expect(ratio, JSON.stringify(checks)).toBeLessThanOrEqual(1);
      tree.dispose(params64 as never);
      tree.dispose(state64 as never);
    });

    it('a few jitted AdamW steps with golu fit a fixed batch; gradients stay finite', () => {
      const model = c.build('golu');
      const { params, state: modelState } = initModel(model, 3);
      const opt = adamw({ weightDecay: 0 });
      let state = { params, optState: opt.init(params), modelState };
      const steps = compileSteps(model, opt, 1);
      const losses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const { x, y } = c.batch();
        const scalars = Object.fromEntries(
          Object.entries(opt.scalars(i + 1, 0.01)).map(([k, v]) => [k, np.array(v)]),
        );
        const out = steps.train(state, x, y, np.zeros([2], { dtype: np.uint32 }), scalars);
        state = out.state;
        losses.push(out.loss.item());
        const norm = out.gradNorm!.item();
        expect(Number.isFinite(norm) && norm > 0).toBe(true);
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[11]).toBeLessThan(0.7 * losses[0]);
      tree.dispose(state as never);
      steps.dispose();
    });
  });
}

describe('model configuration errors', () => {
  it('name the bad option', () => {
    expect(() =>
      resnet({ inputShape: [8, 8, 1], numClasses: 2, activation: { name: 'relu' }, depth: 21 }),
    ).toThrow(/6n\+2/);
    expect(() => gpt({ vocabSize: 5, activation: { name: 'relu' }, nEmbd: 10, nHead: 3 })).toThrow(/divide/);
    expect(() => mlp({ inputShape: [4], numClasses: 2, activation: { name: 'relu' }, depth: 0 })).toThrow(
      /depth/,
    );
    expect(() => mlp({ inputShape: [4], numClasses: 2, activation: { name: 'nope' } })).toThrow(
      /Valid names/,
    );
    expect(() =>
      mlp({ inputShape: [4], numClasses: 2, activation: { name: 'golu', params: { beta: -1 } } }),
    ).toThrow(/beta/);
  });
});
