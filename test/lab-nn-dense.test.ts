/**
 * Layers of the dense-prediction models (segmentation, detection, diffusion): values against direct
 * loops, gradients against central finite differences in float64.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { type CheckInput, gradientCheck, worstGradientRatio } from '../src/lab/nn/gradcheck.js';
import { groupNorm } from '../src/lab/nn/group-norm.js';
import { upsampleNearest2d } from '../src/lab/nn/upsample.js';
import { initLabRuntime, type JaxArray, np } from '../src/lab/runtime.js';

const rng = createRng(99);
const rand = () => rng.next();

function sample(shape: number[], scale = 1): CheckInput {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * scale;
  return { data, shape };
}
const f64 = (v: CheckInput): JaxArray => np.array(v.data, { shape: v.shape, dtype: np.float64 });

beforeAll(async () => {
  await initLabRuntime();
});

describe('nearest upsampling', () => {
  it('repeats each pixel factor x factor times and sums gradients over each block', () => {
    const x = sample([2, 2, 3, 2]);
    const y = upsampleNearest2d(f64(x), 2);
    expect(y.shape).toEqual([2, 4, 6, 2]);
    const ys = y.dataSync();
    for (let b = 0; b < 2; b++)
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 6; c++)
          for (let ch = 0; ch < 2; ch++) {
            const source = x.data[((b * 2 + (r >> 1)) * 3 + (c >> 1)) * 2 + ch]!;
            expect(ys[((b * 4 + r) * 6 + c) * 2 + ch]).toBe(source);
          }
    const weights = sample([2, 4, 6, 2]);
    const checks = gradientCheck((a) => upsampleNearest2d(a.x, 2).mul(f64(weights)).sum(), { x }, { rand });
    expect(worstGradientRatio(checks)).toBeLessThanOrEqual(1);
    expect(() => upsampleNearest2d(f64(x), 0)).toThrow('upsampling factor must be an integer >= 1, got 0');
  });
});

describe('group norm', () => {
  it('zero mean and unit variance per (sample, group); matches a direct loop; finite-difference gradients', () => {
    const x = sample([2, 3, 2, 4], 3);
    const gamma = sample([4]);
    const beta = sample([4]);
    const groups = 2;
    const y = groupNorm({ gamma: f64(gamma), beta: f64(beta) }, f64(x), groups, 0).dataSync();
    for (let b = 0; b < 2; b++) {
      for (let g = 0; g < groups; g++) {
        const idx: number[] = [];
        for (let p = 0; p < 6; p++) for (let c = g * 2; c < g * 2 + 2; c++) idx.push(b * 24 + p * 4 + c);
        const mean = idx.reduce((a, i) => a + x.data[i]!, 0) / idx.length;
        const variance = idx.reduce((a, i) => a + (x.data[i]! - mean) ** 2, 0) / idx.length;
        for (const i of idx) {
          const c = i % 4;
          const expected = ((x.data[i]! - mean) / Math.sqrt(variance)) * gamma.data[c]! + beta.data[c]!;
          expect(y[i]).toBeCloseTo(expected, 10);
        }
      }
    }
    const weights = sample([2, 3, 2, 4]);
    const checks = gradientCheck(
      (a) => groupNorm({ gamma: a.gamma, beta: a.beta }, a.x, groups).mul(f64(weights)).sum(),
      { x, gamma, beta },
      { rand, samples: 6 },
    );
    expect(worstGradientRatio(checks)).toBeLessThanOrEqual(1);
  });

  it('rejects a group count that does not divide the channels', () => {
    const x = sample([1, 2, 2, 6]);
    expect(() => groupNorm({ gamma: np.ones([6]), beta: np.zeros([6]) }, f64(x), 4)).toThrow(
      'group norm: groups must be a positive divisor of 6 channels, got 4',
    );
  });
});
