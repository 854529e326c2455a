/**
 * The diffusion core: schedules against hand and numpy values, q(x_t | x_0), the epsilon loss, and the
 * samplers on predictors whose answers are known (an oracle that knows x_0, and the exact optimal
 * predictor for Gaussian data, whose samples must come out with the data's spread).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffusionLoss, noiseMseSum, qSample, sample, samplerPlan } from '../src/lab/diffusion/process.js';
import { cosineBetas, linearBetas, noiseSchedule, samplingTimesteps } from '../src/lab/diffusion/schedule.js';
import { initLabRuntime, type JaxArray, np, random } from '../src/lab/runtime.js';

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

  it('q(x_t | x_0) = sqrt(abar) x0 + sqrt(1 - abar) eps, per sample step', () => {
    const x0 = np.array([0.5, -1, 0.25, 1], { shape: [2, 2] });
    const eps = np.array([1, 2, -1, 0.5], { shape: [2, 2] });
    const t = np.array([0, 999], { dtype: np.int32 });
    const out = qSample(schedule, x0, t, eps).dataSync();
    const [s0, n0, s1, n1] = [
      schedule.signalScales[0],
      schedule.noiseScales[0],
      schedule.signalScales[999],
      schedule.noiseScales[999],
    ];
    const expected = [s0 * 0.5 + n0 * 1, s0 * -1 + n0 * 2, s1 * 0.25 + n1 * -1, s1 * 1 + n1 * 0.5];
    for (let i = 0; i < 4; i++) expect(out[i]).toBeCloseTo(expected[i], 6);
  });

  it('the loss is 0 for the true noise and mean(eps^2) for a zero predictor', () => {
    const x0 = np.array(
      Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => Math.sin(i)),
      { shape: [2, 4, 4, 1] },
    );
    const eps = np.array(
      Float32Array.from({ length: 32 }, (_, i) => Math.cos(3 * i)),
      { shape: [2, 4, 4, 1] },
    );
    const t = np.array([3, 700], { dtype: np.int32 });
    // The oracle recovers the noise from x_t and the known x_0.
    const oracle = (xt: JaxArray, steps: JaxArray) => {
      const s = np.take(np.array(Float32Array.from(schedule.signalScales)), steps.ref).reshape([2, 1, 1, 1]);
      const n = np.take(np.array(Float32Array.from(schedule.noiseScales)), steps).reshape([2, 1, 1, 1]);
      return xt.sub(x0.ref.mul(s)).div(n);
    };
    expect(noiseMseSum(schedule, oracle, x0.ref, t.ref, eps.ref).item()).toBeLessThan(1e-8);
    const zero = (xt: JaxArray, steps: JaxArray) => {
      steps.dispose();
      return np.zerosLike(xt);
    };
    const epsValues = eps.ref.dataSync() as Float32Array;
    const meanSquare = epsValues.reduce((a: number, v: number) => a + v * v, 0) / 16; // summed over 2 samples of 16
    expect(noiseMseSum(schedule, zero, x0, t, eps).item()).toBeCloseTo(meanSquare, 5);
  });

  it('the training loss draws t in 0..T-1 and unit noise from the key, deterministically', () => {
    const x0 = np.zeros([64, 4, 4, 1]);
    const zero = (xt: JaxArray, steps: JaxArray) => {
      const max = steps.ref.max().item();
      const min = steps.min().item();
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(1000);
      return np.zerosLike(xt);
    };
    // Zero predictor: the loss is mean(eps^2) ~ 1 over 1024 draws (sd ~ sqrt(2/1024) = 0.044).
    const a = diffusionLoss(schedule, zero, x0.ref, random.key(7)).item();
    const b = diffusionLoss(schedule, zero, x0, random.key(7)).item();
    expect(a).toBe(b);
    expect(Math.abs(a - 1)).toBeLessThan(0.2);
  });
});

describe('samplers', () => {
  const schedule = noiseSchedule('linear', 1000);
  const target = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => Math.sin(1.7 * i) * 0.9);

  /** Knows x_0: returns the noise that x_t holds relative to it. */
  const oracle = (xt: JaxArray, t: JaxArray) => {
    const step = t.ref.slice(0).item();
    t.dispose();
    const x0 = np.array(target, { shape: [2, 3, 3, 1] });
    return xt.sub(x0.mul(schedule.signalScales[step])).div(schedule.noiseScales[step]);
  };

  it('ancestral DDPM with an oracle predictor ends at x_0', async () => {
    const short = noiseSchedule('linear', 250);
    const shortOracle = (xt: JaxArray, t: JaxArray) => {
      const step = t.ref.slice(0).item();
      t.dispose();
      const x0 = np.array(target, { shape: [2, 3, 3, 1] });
      return xt.sub(x0.mul(short.signalScales[step])).div(short.noiseScales[step]);
    };
    const out = (await sample(short, shortOracle, 2, [3, 3, 1], { sampler: 'ddpm', seed: 1 })).dataSync();
    for (let i = 0; i < target.length; i++) expect(Math.abs(out[i] - target[i])).toBeLessThan(1e-4);
  });

  it('DDIM (eta 0, 10 steps) with an oracle predictor ends at x_0 and is deterministic', async () => {
    const run = async (seed: number) =>
      (await sample(schedule, oracle, 2, [3, 3, 1], { sampler: 'ddim', steps: 10, seed })).dataSync();
    const a = await run(1);
    for (let i = 0; i < target.length; i++) expect(Math.abs(a[i] - target[i])).toBeLessThan(1e-4);
    expect(Array.from(await run(1))).toEqual(Array.from(a));
  });

  it('plans: DDPM takes T steps ending without noise; DDIM eta 0 has no noise at all', () => {
    const ddpm = samplerPlan(schedule, { sampler: 'ddpm', seed: 0 });
    expect(ddpm.length).toBe(1000);
    expect(ddpm[0].t).toBe(999);
    expect(ddpm.at(-1)!.t).toBe(0);
    expect(ddpm.at(-1)!.k.sigma).toBe(0);
    expect(ddpm.at(-1)!.k.a).toBeCloseTo(1, 12); // mean = x0 at the last step
    expect(ddpm.at(-1)!.k.c).toBe(0);
    const ddim = samplerPlan(schedule, { sampler: 'ddim', steps: 20, seed: 0 });
    expect(ddim.map((p) => p.t)).toEqual(samplingTimesteps(1000, 20).reverse());
    expect(ddim.every((p) => p.k.sigma === 0)).toBe(true);
    expect(() => samplerPlan(schedule, { sampler: 'ddim', eta: 2, seed: 0 })).toThrow(
      'DDIM eta must be in [0, 1], got 2',
    );
  });

  it('with the exact predictor for Gaussian data N(0, s^2), samples come out with spread s', async () => {
    // For x_0 ~ N(0, s^2), E[eps | x_t] = sqrt(1 - abar) x_t / (abar s^2 + 1 - abar).
    const s = 0.5;
    const gaussian = (xt: JaxArray, t: JaxArray) => {
      const step = t.ref.slice(0).item();
      t.dispose();
      const abar = schedule.alphaBars[step];
      return xt.mul(Math.sqrt(1 - abar) / (abar * s * s + 1 - abar));
    };
    const spread = (values: ArrayLike<number>) => {
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < values.length; i++) {
        sum += values[i];
        squares += values[i] * values[i];
      }
      const mean = sum / values.length;
      return [mean, Math.sqrt(squares / values.length - mean * mean)];
    };
    for (const options of [
      { sampler: 'ddpm', seed: 3, clip: false },
      { sampler: 'ddim', steps: 50, seed: 3, clip: false },
    ] as const) {
      const values = (await sample(schedule, gaussian, 1, [40, 50, 1], options)).dataSync();
      const [mean, std] = spread(values);
      // 2000 draws: the sample sd has a standard error of s / sqrt(2 * 2000) ~ 0.008.
      expect(Math.abs(mean)).toBeLessThan(0.05);
      expect(Math.abs(std - s)).toBeLessThan(0.04);
    }
  });
});
