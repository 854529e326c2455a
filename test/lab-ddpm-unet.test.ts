/**
 * The diffusion U-Net: output layout, the timestep embedding's values, that the timestep reaches the
 * output, the attention block against a direct computation, whole-model gradients against finite
 * differences (float64) with and without attention, and a few jitted AdamW steps that lower the
 * epsilon loss on real digits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { noiseMse, noisyBatch } from '../src/lab/diffusion/process.js';
import { noiseSchedule } from '../src/lab/diffusion/schedule.js';
import { ddpmUnet, packTimesteps, timestepEmbeddingTable } from '../src/lab/models/index.js';
import { evalContext, type Model } from '../src/lab/models/types.js';
import { gradientCheck, withReplacedLeaves, worstGradientRatio } from '../src/lab/nn/gradcheck.js';
import { type SpatialAttentionParams, spatialSelfAttention } from '../src/lab/nn/spatial-attention.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { type ArrayTree, initLabRuntime, type JaxArray, np, random, tree } from '../src/lab/runtime.js';
import { namedLeaves } from '../src/lab/train/probe.js';
import { compileSteps } from '../src/lab/train/step.js';
import { initModel } from '../src/lab/train/trainer.js';

beforeAll(async () => {
  await initLabRuntime();
});

const rng = createRng(91);

function tiny(activation: string, attention: boolean): Model {
  return ddpmUnet({
    imageShape: [4, 4, 1],
    activation: { name: activation },
    channels: [4, 8],
    groups: 2,
    attention,
    timesteps: 10,
  });
}

describe('timestep embedding', () => {
  it("is Ho et al.'s sinusoid: sin block then cos block, frequencies 10000^(-i/(half-1))", () => {
    const table = timestepEmbeddingTable(10, 8);
    expect(Array.from(table.subarray(0, 8))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    const w1 = 10000 ** (-1 / 3);
    expect(table[5 * 8 + 1]).toBeCloseTo(Math.sin(5 * w1), 15);
    expect(table[5 * 8 + 4 + 1]).toBeCloseTo(Math.cos(5 * w1), 15);
    expect(table[7 * 8 + 0]).toBeCloseTo(Math.sin(7), 15);
    expect(table[7 * 8 + 3]).toBeCloseTo(Math.sin(7 * 1e-4), 15);
    expect(() => timestepEmbeddingTable(10, 5)).toThrow(
      'timestep embedding width must be an even integer >= 4, got 5',
    );
  });
});

describe('ddpm-unet', () => {
  it('maps [B, H, W, C + 1] (the last channel holds t) to noise [B*H*W, C]; t changes the output', () => {
    for (const attention of [false, true]) {
      const model = tiny('golu', attention);
      expect(model.inputShape).toEqual([4, 4, 2]);
      expect(model.outputSize).toBe(1);
      const { params, state } = initModel(model, 1);
      const x = Float32Array.from({ length: 2 * 16 }, () => rng.normal());
      const run = (t: number[]) => {
        const input = np.array(packTimesteps(x, t, 2), { shape: [2, 4, 4, 2] });
        const out = model.apply(tree.ref(params as never) as ArrayTree, state, input, evalContext);
        expect(out.logits.shape).toEqual([2 * 16, 1]);
        return Array.from(out.logits.dataSync() as Float32Array);
      };
      const a = run([0, 9]);
      const b = run([0, 3]);
      expect(a.every(Number.isFinite)).toBe(true);
      expect(a.slice(0, 16)).toEqual(b.slice(0, 16)); // sample 0 kept t = 0
      expect(a.slice(16)).not.toEqual(b.slice(16)); // sample 1 moved from t = 9 to 3
      tree.dispose(params as never);
    }
  });

  it('names bad options', () => {
    const base = { imageShape: [4, 4, 1] as const, activation: { name: 'relu' } };
    expect(() => ddpmUnet({ ...base, channels: [6, 8] })).toThrow(
      'ddpm-unet channels must be divisible by groups = 4, got 6',
    );
    expect(() => ddpmUnet({ ...base, imageShape: [5, 4, 1] })).toThrow(
      'ddpm-unet image height and width must be even, got 5x4',
    );
    const model = tiny('relu', false);
    const { params, state } = initModel(model, 1);
    expect(() => model.apply(params, state, np.zeros([1, 4, 4, 1]), evalContext)).toThrow(
      'ddpm-unet expects [B, 4, 4, 2] (image channels + the timestep), got [1, 4, 4, 1]',
    );
  });

  it('spatial self-attention equals x + proj(softmax(q k^T / sqrt(C)) v) computed by hand', () => {
    const [b, h, w, c] = [1, 2, 2, 2];
    const x = Float32Array.from({ length: b * h * w * c }, () => rng.normal());
    const wq = Float32Array.from({ length: c * 3 * c }, () => rng.normal() * 0.5);
    const wp = Float32Array.from({ length: c * c }, () => rng.normal() * 0.5);
    const p: SpatialAttentionParams = {
      norm: { gamma: np.ones([c]), beta: np.zeros([c]) },
      qkv: { w: np.array(wq, { shape: [c, 3 * c] }) },
      proj: { w: np.array(wp, { shape: [c, c] }) },
    };
    const out = spatialSelfAttention(p, np.array(x, { shape: [b, h, w, c] }), 1).dataSync();
    // By hand: group norm with one group over the 4 positions x 2 channels.
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
    const n = Array.from(x, (v) => (v - mean) / Math.sqrt(variance + 1e-5));
    const tokens = h * w;
    const proj = (row: number[], m: Float32Array, cols: number) =>
      Array.from({ length: cols }, (_, j) => row.reduce((a, v, i) => a + v * m[i * cols + j], 0));
    const qkv = Array.from({ length: tokens }, (_, t) => proj(n.slice(t * c, t * c + c), wq, 3 * c));
    for (let t = 0; t < tokens; t++) {
      const q = qkv[t].slice(0, c);
      const scores = qkv.map((r) => r.slice(c, 2 * c).reduce((a, v, i) => a + v * q[i], 0) / Math.sqrt(c));
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const z = e.reduce((a, v) => a + v, 0);
      const mixed = Array.from({ length: c }, (_, j) =>
        qkv.reduce((a, r, s) => a + (e[s] / z) * r[2 * c + j], 0),
      );
      const y = proj(mixed, wp, c);
      for (let j = 0; j < c; j++) expect(out[t * c + j]).toBeCloseTo(x[t * c + j] + y[j], 5);
    }
  });

  for (const attention of [false, true]) {
    it(`gradients of sum(noise * R) match finite differences (float64${attention ? ', with attention' : ''})`, () => {
      // softsign: C1 and arithmetic only, so a difference step cannot cross a kink; attention's softmax
      // needs exp, which jax-js's wasm device evaluates in float32 precision: a larger step there.
      const model = tiny('softsign', attention);
      const { params } = initModel(model, 2);
      const params64 = tree.map((leaf: JaxArray) => leaf.astype(np.float64), params as never) as ArrayTree;
      const named = namedLeaves(params64);
      const pick = attention
        ? named
            .map((n, i) => [n.path, i] as const)
            .filter(([path]) => path.includes('attention') || path === 'timeMlp.fc1.w')
        : [0, Math.floor(named.length / 3), Math.floor((2 * named.length) / 3), named.length - 1].map(
            (i) => [named[i].path, i] as const,
          );
      const inputs = Object.fromEntries(
        pick.map(([path, i]) => [
          path,
          { data: Float64Array.from(named[i].leaf.ref.dataSync()), shape: named[i].leaf.shape },
        ]),
      );
      const x = Float64Array.from({ length: 2 * 16 }, () => rng.normal());
      const weights = Float64Array.from({ length: 2 * 16 }, () => rng.normal());
      const f = (a: Record<string, JaxArray>) => {
        const input = np.array(Float64Array.from(packTimesteps(x, [2, 7], 2)), {
          shape: [2, 4, 4, 2],
          dtype: np.float64,
        });
        const out = model.apply(
          withReplacedLeaves(
            params64,
            named.map((n) => n.path),
            a,
          ),
          {},
          input,
          evalContext,
        );
        return out.logits.mul(np.array(weights, { shape: [32, 1], dtype: np.float64 })).sum();
      };
      const checks = gradientCheck(f, inputs, {
        rand: () => rng.next(),
        samples: 2,
        eps: attention ? 1e-3 : 1e-6,
      });
      expect(checks.length).toBeGreaterThan(5);
      const ratio = attention
        ? worstGradientRatio(checks, 3e-3, 1e-4)
        : worstGradientRatio(checks, 1e-4, 1e-7);
      expect(ratio, JSON.stringify(checks)).toBeLessThanOrEqual(1);
      tree.dispose(params64 as never);
    });
  }

  it("the trainer's compiled step (the model's own loss) lowers the epsilon loss on a fixed noisy batch", () => {
    const schedule = noiseSchedule('cosine', 10);
    const model = tiny('golu', true);
    const { params, state: modelState } = initModel(model, 3);
    const opt = adamw({ weightDecay: 0 });
    const images = Float32Array.from({ length: 8 * 16 }, (_, i) => (i % 5 === 0 ? 1 : -1));
    const { xt, t, noise } = noisyBatch(schedule, images, 8, createRng(4));
    let state = { params, optState: opt.init(params), modelState };
    const steps = compileSteps(model, opt, null);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const scalars = Object.fromEntries(
        Object.entries(opt.scalars(i + 1, 0.01)).map(([k, v]) => [k, np.array(v)]),
      );
      const x = np.array(packTimesteps(xt, t, 8), { shape: [8, 4, 4, 2] });
      const out = steps.train(state, x, np.array(noise, { shape: [8, 4, 4, 1] }), random.key(i), scalars);
      state = out.state;
      losses.push(out.loss.item());
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]);
    // Evaluation: the loss of the batch summed over rows, and the model's raw outputs via predict.
    const x = () => np.array(packTimesteps(xt, t, 8), { shape: [8, 4, 4, 2] });
    const [sum] = steps.evaluate(
      state.params,
      state.modelState,
      x(),
      np.array(noise, { shape: [8, 4, 4, 1] }),
    );
    const predicted = steps.predict(state.params, state.modelState, x());
    expect(predicted.shape).toEqual([8 * 16, 1]);
    const direct = noiseMse(predicted, np.array(noise, { shape: [8, 4, 4, 1] })).item();
    expect(sum.item() / 8).toBeCloseTo(direct, 5);
    tree.dispose(state as never);
    steps.dispose();
  });
});
