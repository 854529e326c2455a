/**
 * The lab's hand-written layers: forward values against direct loops, gradients against central
 * finite differences (float64), and the numerical edge cases (huge logits, causality, floor pooling).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { causalSelfAttention, softmax } from '../src/lab/nn/attention.js';
import { batchNorm } from '../src/lab/nn/batch-norm.js';
import { type Conv2dOptions, conv2d } from '../src/lab/nn/conv2d.js';
import { dropout } from '../src/lab/nn/dropout.js';
import { embed } from '../src/lab/nn/embedding.js';
import { type CheckInput, gradientCheck, worstGradientRatio } from '../src/lab/nn/gradcheck.js';
import { kaimingNormal, kaimingUniform, xavierUniform } from '../src/lab/nn/init.js';
import { layerNorm } from '../src/lab/nn/layer-norm.js';
import { linear } from '../src/lab/nn/linear.js';
import { correctCount, crossEntropy, logSoftmax } from '../src/lab/nn/loss.js';
import { avgPool2d, maxPool2d } from '../src/lab/nn/pool.js';
import { initLabRuntime, type JaxArray, np, random } from '../src/lab/runtime.js';

const rng = createRng(1234);
const rand = () => rng.next();

function input(shape: number[], scale = 1): CheckInput {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * scale;
  return { data, shape };
}

function f64(v: CheckInput): JaxArray {
  return np.array(v.data, { shape: v.shape, dtype: np.float64 });
}

/** sum(y * weights): a scalar whose gradient reaches every output element with a different weight. */
function weightedSum(y: JaxArray, weights: CheckInput): JaxArray {
  return y.mul(f64(weights)).sum();
}

/**
 * Arithmetic layers are checked in full float64 (eps 1e-5, rtol 1e-4). jax-js's wasm device evaluates
 * float64 exp/log in float32 precision, so layers with exp/log (softmax, cross-entropy) use a larger
 * step (1e-2, truncation error ~1e-4) and a looser tolerance.
 */
function expectGradientsMatch(
  f: (a: Record<string, JaxArray>) => JaxArray,
  inputs: Record<string, CheckInput>,
  transcendental = false,
) {
  const eps = transcendental ? 1e-2 : 1e-5;
  const checks = gradientCheck(f, inputs, { rand, samples: 6, eps });
  const ratio = transcendental
    ? worstGradientRatio(checks, 2e-3, 1e-3)
    : worstGradientRatio(checks, 1e-4, 1e-6);
  expect(ratio, JSON.stringify(checks)).toBeLessThanOrEqual(1);
}

/** Direct 7-loop convolution (cross-correlation) of NHWC x with IHWO w. */
function referenceConv(
  x: CheckInput,
  w: CheckInput,
  stride: number,
  pad: number,
): { data: Float64Array; shape: number[] } {
  const [b, h, wd, cin] = x.shape;
  const [, k, , cout] = w.shape;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(b * oh * ow * cout);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < cout; o++) {
          let acc = 0;
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const r = i * stride + di - pad;
              const c = j * stride + dj - pad;
              if (r < 0 || r >= h || c < 0 || c >= wd) continue;
              for (let ci = 0; ci < cin; ci++) {
                acc +=
                  x.data[((n * h + r) * wd + c) * cin + ci] * w.data[((ci * k + di) * k + dj) * cout + o];
              }
            }
          out[((n * oh + i) * ow + j) * cout + o] = acc;
        }
  return { data: out, shape: [b, oh, ow, cout] };
}

beforeAll(async () => {
  await initLabRuntime();
});

describe('conv2d (im2col and tap-sum)', () => {
  const cases: { name: string; x: number[]; k: number; cout: number; options: Conv2dOptions; pad: number }[] =
    [
      {
        name: 'im2col 3x3 same stride 1',
        x: [2, 5, 6, 3],
        k: 3,
        cout: 4,
        options: { method: 'im2col' },
        pad: 1,
      },
      {
        name: 'tap-sum 3x3 same stride 1',
        x: [2, 5, 6, 3],
        k: 3,
        cout: 4,
        options: { method: 'tapsum' },
        pad: 1,
      },
      { name: 'im2col 3x3 stride 2 (even)', x: [2, 6, 6, 2], k: 3, cout: 3, options: { stride: 2 }, pad: 1 },
      { name: 'im2col 3x3 stride 2 (odd)', x: [1, 7, 5, 2], k: 3, cout: 3, options: { stride: 2 }, pad: 1 },
      {
        name: 'tap-sum 5x5 valid',
        x: [1, 7, 7, 2],
        k: 5,
        cout: 2,
        options: { method: 'tapsum', padding: 'valid' },
        pad: 0,
      },
      { name: 'im2col 1x1', x: [2, 3, 3, 4], k: 1, cout: 5, options: {}, pad: 0 },
      { name: 'auto, padding 2', x: [1, 4, 4, 5], k: 3, cout: 2, options: { padding: 2 }, pad: 2 },
    ];
  for (const c of cases) {
    it(`${c.name}: forward equals a direct loop`, () => {
      const x = input(c.x);
      const w = input([c.x[3], c.k, c.k, c.cout]);
      const ref = referenceConv(x, w, c.options.stride ?? 1, c.pad);
      const y = conv2d({ w: f64(w) }, f64(x), c.options);
      expect(y.shape).toEqual(ref.shape);
      const got = y.dataSync();
      for (let i = 0; i < ref.data.length; i++) expect(got[i]).toBeCloseTo(ref.data[i], 10);
    });
  }
  it('adds the bias per output channel', () => {
    const x = input([1, 3, 3, 2]);
    const w = input([2, 3, 3, 2]);
    const withBias = conv2d(
      { w: f64(w), b: np.array(new Float64Array([10, -10]), { dtype: np.float64 }) },
      f64(x),
    );
    const without = conv2d({ w: f64(w) }, f64(x));
    const diff = withBias.sub(without).reshape([-1, 2]).js() as number[][];
    for (const row of diff) {
      expect(row[0]).toBeCloseTo(10, 10);
      expect(row[1]).toBeCloseTo(-10, 10);
    }
  });
  for (const method of ['im2col', 'tapsum'] as const) {
    it(`${method}: gradients w.r.t. input, kernel and bias match finite differences`, () => {
      const options: Conv2dOptions = method === 'im2col' ? { method, stride: 2 } : { method };
      const x = input([2, 4, 4, 3]);
      const w = input([3, 3, 3, 2]); // Cin = 3, 3x3, Cout = 2
      const b = input([2]);
      const outShape = method === 'im2col' ? [2, 2, 2, 2] : [2, 4, 4, 2];
      const r = input(outShape);
      expectGradientsMatch((a) => weightedSum(conv2d({ w: a.w, b: a.b }, a.x, options), r), { x, w, b });
    });
  }
  it('rejects a channel mismatch and tap-sum with a stride', () => {
    expect(() => conv2d({ w: np.zeros([2, 3, 3, 1]) }, np.zeros([1, 4, 4, 3]))).toThrow(/expected input/);
    expect(() =>
      conv2d({ w: np.zeros([2, 3, 3, 1]) }, np.zeros([1, 4, 4, 2]), { method: 'tapsum', stride: 2 }),
    ).toThrow(/stride 1/);
  });
});

describe('pooling', () => {
  it('max and average pooling equal loops, dropping the ragged edge (floor mode)', () => {
    const x = input([1, 5, 5, 2]);
    const mp = maxPool2d(f64(x), 2).dataSync();
    const ap = avgPool2d(f64(x), 2).dataSync();
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let c = 0; c < 2; c++) {
          const vals = [0, 1].flatMap((di) =>
            [0, 1].map((dj) => x.data[((2 * i + di) * 5 + 2 * j + dj) * 2 + c]),
          );
          expect(mp[(i * 2 + j) * 2 + c]).toBe(Math.max(...vals));
          expect(ap[(i * 2 + j) * 2 + c]).toBeCloseTo(vals.reduce((a, v) => a + v, 0) / 4, 12);
        }
  });
  it('gradients match finite differences', () => {
    const x = input([2, 4, 6, 2]);
    const r = input([2, 2, 3, 2]);
    expectGradientsMatch((a) => weightedSum(maxPool2d(a.x, 2), r), { x });
    expectGradientsMatch((a) => weightedSum(avgPool2d(a.x, 2), r), { x });
  });
});

describe('normalisation', () => {
  it('layer norm: zero mean, unit variance per row, and finite-difference gradients', () => {
    const x = input([3, 7], 4);
    const y = layerNorm(
      { gamma: np.ones([7], { dtype: np.float64 }), beta: np.zeros([7], { dtype: np.float64 }) },
      f64(x),
    );
    for (const row of y.js() as number[][]) {
      const mean = row.reduce((a, v) => a + v, 0) / 7;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / 7;
      expect(mean).toBeCloseTo(0, 10);
      expect(variance).toBeCloseTo(1, 4); // eps = 1e-5 shrinks it slightly
    }
    const gamma = input([7]);
    const beta = input([7]);
    const r = input([3, 7]);
    expectGradientsMatch((a) => weightedSum(layerNorm({ gamma: a.gamma, beta: a.beta }, a.x), r), {
      x,
      gamma,
      beta,
    });
  });

  it('batch norm (training): batch statistics, PyTorch running-stat update, finite-difference gradients', () => {
    const x = input([4, 2, 2, 3], 2);
    const state = { mean: np.zeros([3], { dtype: np.float64 }), var: np.ones([3], { dtype: np.float64 }) };
    const params = { gamma: np.ones([3], { dtype: np.float64 }), beta: np.zeros([3], { dtype: np.float64 }) };
    const [y, next] = batchNorm(params, state, f64(x), { train: true, momentum: 0.1 });
    const ys = y.dataSync();
    const m = next.mean.dataSync();
    const v = next.var.dataSync();
    for (let c = 0; c < 3; c++) {
      const vals = Array.from({ length: 16 }, (_, i) => x.data[i * 3 + c]);
      const mean = vals.reduce((a, b) => a + b, 0) / 16;
      const biased = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 16;
      expect(m[c]).toBeCloseTo(0.1 * mean, 12);
      expect(v[c]).toBeCloseTo(0.9 + 0.1 * biased * (16 / 15), 12);
      const normed = Array.from({ length: 16 }, (_, i) => ys[i * 3 + c]);
      expect(normed.reduce((a, b) => a + b, 0) / 16).toBeCloseTo(0, 10);
    }
    const gamma = input([3]);
    const beta = input([3]);
    const r = input([4, 2, 2, 3]);
    expectGradientsMatch(
      (a) => {
        const s = { mean: np.zeros([3], { dtype: np.float64 }), var: np.ones([3], { dtype: np.float64 }) };
        const [out, st] = batchNorm({ gamma: a.gamma, beta: a.beta }, s, a.x, { train: true });
        st.mean.dispose();
        st.var.dispose();
        return weightedSum(out, r);
      },
      { x, gamma, beta },
    );
  });

  it('batch norm (evaluation): running statistics normalise and the state passes through', () => {
    const x = input([2, 3]);
    const state = {
      mean: np.array(new Float64Array([1, -1, 0.5]), { dtype: np.float64 }),
      var: np.array(new Float64Array([4, 0.25, 1]), { dtype: np.float64 }),
    };
    const params = {
      gamma: np.array(new Float64Array([2, 1, 1]), { dtype: np.float64 }),
      beta: np.array(new Float64Array([0, 0, 3]), { dtype: np.float64 }),
    };
    const [y, next] = batchNorm(params, state, f64(x), { train: false, eps: 0 });
    const ys = y.dataSync();
    const expected = (v: number, c: number) => [2 * ((v - 1) / 2), (v + 1) / 0.5, v - 0.5 + 3][c];
    for (let i = 0; i < 6; i++) expect(ys[i]).toBeCloseTo(expected(x.data[i], i % 3), 10);
    expect(Array.from(next.mean.dataSync())).toEqual([1, -1, 0.5]);
  });
});

describe('attention, embedding, linear', () => {
  const dim = 8;
  const heads = 2;
  function attentionInputs() {
    return {
      x: input([2, 5, dim]),
      wqkv: input([dim, 3 * dim], 0.4),
      bqkv: input([3 * dim], 0.1),
      wproj: input([dim, dim], 0.4),
      bproj: input([dim], 0.1),
    };
  }
  const attend = (a: Record<string, JaxArray>) =>
    causalSelfAttention({ qkv: { w: a.wqkv, b: a.bqkv }, proj: { w: a.wproj, b: a.bproj } }, a.x, heads);

  it('causal self-attention: gradients match finite differences', () => {
    const inputs = attentionInputs();
    const r = input([2, 5, dim]);
    expectGradientsMatch((a) => weightedSum(attend(a), r), inputs, true);
  });

  it('is causal: changing a later token leaves earlier outputs unchanged', () => {
    const inputs = attentionInputs();
    const arrays = () => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, f64(v)]));
    const before = attend(arrays()).dataSync().slice();
    inputs.x.data[4 * dim + 3] += 5; // batch 0, last position
    const after = attend(arrays()).dataSync();
    for (let t = 0; t < 4; t++)
      for (let c = 0; c < dim; c++) expect(after[t * dim + c]).toBe(before[t * dim + c]);
    expect(after[4 * dim]).not.toBe(before[4 * dim]);
  });

  it('softmax is stable for huge scores', () => {
    const s = softmax(np.array([[1e4, 0, -1e4]])).js() as number[][];
    expect(s[0]).toEqual([1, 0, 0]);
  });

  it('embedding picks rows and has finite-difference gradients', () => {
    const table = input([6, 4]);
    const ids = np.array([5, 0, 5, 2], { dtype: np.int32 }).reshape([2, 2]);
    const rows = embed(f64(table), ids).js() as number[][][];
    expect(rows[1][0]).toEqual(Array.from(table.data.slice(20, 24)));
    const r = input([2, 2, 4]);
    expectGradientsMatch(
      (a) => weightedSum(embed(a.table, np.array([5, 0, 5, 2], { dtype: np.int32 }).reshape([2, 2])), r),
      {
        table,
      },
    );
  });

  it('linear layer gradients match finite differences over leading axes', () => {
    const r = input([2, 3, 5]);
    expectGradientsMatch((a) => weightedSum(linear({ w: a.w, b: a.b }, a.x), r), {
      x: input([2, 3, 4]),
      w: input([4, 5]),
      b: input([5]),
    });
  });
});

describe('loss', () => {
  it('log-softmax stays finite for logits of 1e30 and matches the direct formula for small ones', () => {
    const big = logSoftmax(np.array([[1e30, 0, -1e30]])).js() as number[][];
    expect(big[0][0]).toBe(0);
    expect(Number.isFinite(big[0][1])).toBe(true);
    const small = logSoftmax(np.array([[1, 2, 3]])).js() as number[][];
    const z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    small[0].forEach((v, i) => {
      expect(v).toBeCloseTo(i + 1 - z, 5);
    });
  });

  it('cross-entropy is the mean negative log-likelihood; correctCount counts arg-max hits', () => {
    const logits = np.array([
      [2, 0, 0],
      [0, 0, 3],
    ]);
    const labels = np.array([0, 1], { dtype: np.int32 });
    const ce = crossEntropy(logits.ref, labels.ref).item();
    const l0 = -(2 - Math.log(Math.exp(2) + 2));
    const l1 = -(0 - Math.log(2 + Math.exp(3)));
    expect(ce).toBeCloseTo((l0 + l1) / 2, 5);
    expect(correctCount(logits, labels).item()).toBe(1);
  });

  it('correctCount takes the first maximum on ties and never counts a row holding a NaN', () => {
    const inf = Number.POSITIVE_INFINITY;
    const logits = np.array([
      [1, 3, 3], // tie: the first maximum (1) wins
      [1, 3, 3],
      [Number.NaN, 0, 5], // NaN: wrong whatever the label
      [0, Number.NaN, 0],
      [-inf, -inf, -inf], // all equal: index 0
      [0, inf, 1],
      [-inf, 0, -1],
    ]);
    const labels = np.array([1, 2, 2, 0, 0, 1, 1], { dtype: np.int32 });
    expect(correctCount(logits, labels).item()).toBe(4);
  });

  it('cross-entropy gradient is softmax - onehot (finite differences)', () => {
    const r = input([1]);
    r.data[0] = 1;
    expectGradientsMatch(
      (a) => weightedSum(crossEntropy(a.logits, np.array([2, 0, 1], { dtype: np.int32 })).reshape([1]), r),
      { logits: input([3, 4], 3) },
      true,
    );
  });
});

describe('dropout', () => {
  it('is the identity without a key and keeps about 1 - rate of the units, scaled by 1/(1 - rate)', () => {
    const x = np.ones([4000]);
    expect(dropout(x.ref, 0.5, null).sum().item()).toBe(4000);
    const y = dropout(x, 0.25, random.key(7)).dataSync() as Float32Array;
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(kept.length / 4000).toBeGreaterThan(0.72);
    expect(kept.length / 4000).toBeLessThan(0.78);
    expect(() => dropout(np.ones([2]), 1, null)).toThrow(/rate/);
  });
});

describe('initialisers', () => {
  function std(values: Float32Array): number {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  }
  it('have the documented spread', () => {
    const r = createRng(5);
    const u = () => r.next();
    expect(std(kaimingNormal(u, 40000, 200))).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(std(kaimingUniform(u, 40000, 50))).toBeCloseTo(Math.sqrt(2 / 50), 2);
    const xu = xavierUniform(u, 40000, 100, 300);
    const bound = Math.sqrt(6 / 400);
    expect(Math.max(...xu)).toBeLessThanOrEqual(bound);
    expect(std(xu)).toBeCloseTo(bound / Math.sqrt(3), 2);
  });
  it('are deterministic for a seed', () => {
    const a = createRng(9);
    const b = createRng(9);
    expect(Array.from(kaimingNormal(() => a.next(), 10, 3))).toEqual(
      Array.from(kaimingNormal(() => b.next(), 10, 3)),
    );
    expect(() => kaimingNormal(() => 0.5, 3, 0)).toThrow(/fanIn/);
  });
});
