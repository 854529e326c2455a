/**
 * The diffusion core: schedules against hand and numpy values, q(x_t | x_0), the epsilon loss, and the
 * samplers on predictors whose answers are known (an oracle that knows x_0, and the exact optimal
 * predictor for Gaussian data, whose samples must come out with the data's spread).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/random.js';
import { noiseMse, noisyBatch, sample, samplerPlan } from '../src/lab/diffusion/process.js';
import {
  cosineBetas,
  linearBetas,
  type NoiseSchedule,
  noiseSchedule,
  samplingTimesteps,
} from '../src/lab/diffusion/schedule.js';
import { initLabRuntime, np } from '../src/lab/runtime.js';

beforeAll(async () => {
  await initLabRuntime();
});

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('noise schedules', () => {
  it("linear: Ho et al.'s betas and their products", () => {
    const s = noiseSchedule('linear', 1000);
    expect(s.betas[0]).toBe(1e-4);
    expect(rel(s.betas[999], 0.02)).toBeLessThan(1e-15);
    expect(rel(s.betas[1] - s.betas[0], (0.02 - 1e-4) / 999)).toBeLessThan(1e-9);
    // A plain running product, and numpy: np.cumprod(1 - np.linspace(1e-4, 0.02, 1000)).
    let product = 1;
    for (let t = 0; t < 1000; t++) {
      product *= 1 - s.betas[t];
      expect(rel(s.alphaBars[t], product)).toBeLessThan(1e-12);
    }
    expect(s.alphaBars[0]).toBeCloseTo(0.9999, 15);
    expect(rel(s.alphaBars[499], 0.07858724288177824)).toBeLessThan(1e-12);
    expect(rel(s.alphaBars[999], 4.035829765375676e-5)).toBeLessThan(1e-11);
    for (const t of [0, 10, 500, 999]) {
      expect(rel(s.signalScales[t] ** 2, s.alphaBars[t])).toBeLessThan(1e-14);
      expect(rel(s.noiseScales[t] ** 2, 1 - s.alphaBars[t])).toBeLessThan(1e-12);
    }
    // Posterior variance: 0 at t = 0, beta~ = (1 - abar_{t-1}) / (1 - abar_t) beta_t after.
    expect(s.posteriorVariances[0]).toBe(0);
    const t = 300;
    const expected = ((1 - s.alphaBars[t - 1]) / (1 - s.alphaBars[t])) * s.betas[t];
    expect(rel(s.posteriorVariances[t], expected)).toBeLessThan(1e-12);
    // Another T scales the end points by 1000 / T.
    expect(linearBetas(100)[0]).toBeCloseTo(1e-3, 15);
    expect(linearBetas(100)[99]).toBeCloseTo(0.2, 14);
  });

  it("cosine: Nichol & Dhariwal's abar = f(t) / f(0) where beta is below its cap", () => {
    const s = noiseSchedule('cosine', 1000);
    const f = (t: number) => Math.cos(((t / 1000 + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [0, 1, 100, 500, 900, 990])
      expect(rel(s.alphaBars[t], f(t + 1) / f(0))).toBeLessThan(1e-10);
    // numpy, the same definition: betas = min(1 - f(i+1)/f(i), 0.999), np.cumprod(1 - betas).
    expect(rel(s.alphaBars[0], 0.999958715775178)).toBeLessThan(1e-12);
    expect(rel(s.alphaBars[499], 0.4938435904406382)).toBeLessThan(1e-12);
    expect(rel(s.alphaBars[999], 2.4287669070348567e-9)).toBeLessThan(1e-6);
    expect(s.betas[999]).toBe(0.999);
    expect(Math.max(...cosineBetas(50))).toBeLessThanOrEqual(0.999);
  });

  it('names bad arguments', () => {
    expect(() => noiseSchedule('quadratic' as never)).toThrow(
      "noise schedule must be one of linear, cosine, got 'quadratic'",
    );
    expect(() => noiseSchedule('linear', 1)).toThrow(
      'diffusion timesteps must be an integer in [2, 100000], got 1',
    );
    expect(() => noiseSchedule('linear', 20)).toThrow('the linear schedule needs more than 20 timesteps');
    expect(noiseSchedule('cosine', 2).betas.length).toBe(2);
    expect(() => samplingTimesteps(1000, 0)).toThrow(
      'sampling steps must be an integer in [1, 1000] (T), got 0',
    );
  });

  it('DDIM timesteps are uniform and start at 0', () => {
    expect(samplingTimesteps(1000, 5)).toEqual([0, 200, 400, 600, 800]);
    expect(samplingTimesteps(10, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('forward process and loss', () => {
  const schedule = noiseSchedule('linear', 1000);

  it('q(x_t | x_0) = sqrt(abar) x0 + sqrt(1 - abar) eps, per row step', () => {
    const x0 = Float32Array.from([0.5, -1, 0.25, 1]);
    const noise = Float32Array.from([1, 2, -1, 0.5]);
    const t = Int32Array.from([0, 999]);
    const { xt } = noisyBatch(schedule, x0, 2, { t, noise });
    const [s0, n0] = [schedule.signalScales[0], schedule.noiseScales[0]];
    const [s1, n1] = [schedule.signalScales[999], schedule.noiseScales[999]];
    const expected = [s0 * 0.5 + n0 * 1, s0 * -1 + n0 * 2, s1 * 0.25 + n1 * -1, s1 * 1 + n1 * 0.5];
    for (let i = 0; i < 4; i++) expect(xt[i]).toBeCloseTo(expected[i], 6);
    expect(() => noisyBatch(schedule, x0, 2, { t: Int32Array.from([0, 1000]), noise })).toThrow(
      'timestep of row 1 must be an integer in [0, 999], got 1000',
    );
  });

  it('draws t uniformly in 0..T-1 and unit normal noise from the RNG, deterministically', () => {
    const x0 = new Float32Array(2000 * 4);
    const a = noisyBatch(schedule, x0, 2000, createRng(7));
    const b = noisyBatch(schedule, x0, 2000, createRng(7));
    expect(Array.from(a.t)).toEqual(Array.from(b.t));
    expect(Math.min(...a.t)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.t)).toBeLessThanOrEqual(999);
    // Mean of U{0..999} = 499.5, sd of the mean of 2000 = 288.7 / sqrt(2000) = 6.5.
    expect(Math.abs(a.t.reduce((s, v) => s + v, 0) / 2000 - 499.5)).toBeLessThan(30);
    const square = a.noise.reduce((s, v) => s + v * v, 0) / a.noise.length;
    expect(Math.abs(square - 1)).toBeLessThan(0.06);
  });

  it('the loss is 0 for the true noise and mean(eps^2) for a zero prediction', () => {
    const eps = Float32Array.from({ length: 32 }, (_, i) => Math.cos(3 * i));
    const target = () => np.array(eps, { shape: [2, 4, 4, 1] });
    expect(noiseMse(np.array(eps, { shape: [32, 1] }), target()).item()).toBe(0);
    const meanSquare = eps.reduce((a, v) => a + v * v, 0) / 32;
    expect(noiseMse(np.zeros([32, 1]), target()).item()).toBeCloseTo(meanSquare, 6);
  });
});

describe('samplers', () => {
  const schedule = noiseSchedule('linear', 1000);
  const target = Float32Array.from({ length: 2 * 9 }, (_, i) => Math.sin(1.7 * i) * 0.9);

  /** Knows x_0: returns the noise that x_t holds relative to it. */
  const oracleFor = (s: NoiseSchedule) => (xt: Float32Array, t: number) =>
    xt.map((v, i) => (v - s.signalScales[t] * target[i]) / s.noiseScales[t]);

  it('ancestral DDPM with an oracle predictor ends at x_0', async () => {
    const out = await sample(schedule, oracleFor(schedule), 2, 9, { sampler: 'ddpm', seed: 1 });
    for (let i = 0; i < target.length; i++) expect(Math.abs(out[i] - target[i])).toBeLessThan(1e-4);
  });

  it('DDIM (eta 0, 10 steps) with an oracle predictor ends at x_0 and is deterministic', async () => {
    const run = (seed: number) =>
      sample(schedule, oracleFor(schedule), 2, 9, { sampler: 'ddim', steps: 10, seed });
    const a = await run(1);
    for (let i = 0; i < target.length; i++) expect(Math.abs(a[i] - target[i])).toBeLessThan(1e-4);
    expect(Array.from(await run(1))).toEqual(Array.from(a));
    // eta 0 and an exact predictor: the end point does not depend on the starting noise.
    const other = await run(2);
    for (let i = 0; i < target.length; i++) expect(Math.abs(other[i] - a[i])).toBeLessThan(1e-6);
  });

  it('plans: DDPM takes T steps ending without noise; DDIM eta 0 has no noise at all', () => {
    const ddpm = samplerPlan(schedule, { sampler: 'ddpm' });
    expect(ddpm.length).toBe(1000);
    expect(ddpm[0].t).toBe(999);
    expect(ddpm.at(-1)!.t).toBe(0);
    expect(ddpm.at(-1)!.k.sigma).toBe(0);
    expect(ddpm.at(-1)!.k.a).toBeCloseTo(1, 12); // mean = x0 at the last step
    expect(ddpm.at(-1)!.k.c).toBe(0);
    const ddim = samplerPlan(schedule, { sampler: 'ddim', steps: 20 });
    expect(ddim.map((p) => p.t)).toEqual(samplingTimesteps(1000, 20).reverse());
    expect(ddim.every((p) => p.k.sigma === 0)).toBe(true);
    expect(samplerPlan(schedule, { sampler: 'ddim', steps: 20, eta: 1 })[0].k.sigma).toBeGreaterThan(0);
    // DDIM with eta 1 over all T steps is DDPM: written in (x0, x_t), the same weights and noise.
    const full = samplerPlan(schedule, { sampler: 'ddim', steps: 1000, eta: 1 });
    full.forEach(({ t, k }, i) => {
      const d = ddpm[i].k;
      expect(t).toBe(ddpm[i].t);
      expect(k.a - (k.b * k.signal) / k.noise).toBeCloseTo(d.a, 10);
      expect(k.b / k.noise).toBeCloseTo(d.c, 10);
      expect(k.sigma).toBeCloseTo(d.sigma, 12);
    });
    expect(() => samplerPlan(schedule, { sampler: 'ddim', eta: 2 })).toThrow(
      'DDIM eta must be in [0, 1], got 2',
    );
  });

  it('with the exact predictor for Gaussian data N(0, s^2), samples come out with spread s', async () => {
    // For x_0 ~ N(0, s^2), E[eps | x_t] = sqrt(1 - abar) x_t / (abar s^2 + 1 - abar).
    const s = 0.5;
    const gaussian = (xt: Float32Array, t: number) => {
      const abar = schedule.alphaBars[t];
      return xt.map((v) => (v * Math.sqrt(1 - abar)) / (abar * s * s + 1 - abar));
    };
    for (const options of [
      { sampler: 'ddpm', seed: 3, clip: false },
      { sampler: 'ddim', steps: 50, seed: 3, clip: false },
    ] as const) {
      const values = await sample(schedule, gaussian, 2000, 1, options);
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
      // 2000 draws: the sample sd has a standard error of s / sqrt(2 * 2000) ~ 0.008.
      expect(Math.abs(mean), options.sampler).toBeLessThan(0.05);
      expect(Math.abs(std - s), options.sampler).toBeLessThan(0.04);
    }
  });
});
