/**
 * The DDPM forward process, training objective and samplers (Ho, Jain & Abbeel 2020, arXiv 2006.11239;
 * DDIM: Song, Meng & Ermon 2021, arXiv 2010.02502). Data live in [-1, 1] (images scaled by 2x - 1, as in
 * Ho et al.); the network predicts the noise epsilon.
 *
 * The forward process and the sampler's update arithmetic run on the host (float32 arrays, float64
 * coefficients): a training batch is (x_t with its timestep, eps) drawn from the project RNG, so the same
 * seed gives the same t and eps on every device and at any resume point, every activation sees the same
 * draws (common random numbers make two activations' losses comparable at small sizes), and the lab's
 * trainer trains the network like any model with a loss of its own (`noiseMse`). Only the network runs on
 * the device, once per sampling step.
 */
import type { Rng } from '../data/random.js';
import { createRng, deriveSeed } from '../data/random.js';
import type { JaxArray } from '../runtime.js';
import { np } from '../runtime.js';
import { type NoiseSchedule, samplingTimesteps } from './schedule.js';

/**
 * Noisy samples of q(x_t | x_0) = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. eq. 4) for a batch
 * x0 of `rows` samples of `size` values each, in place into `xt`; `t` and `noise` say which step and
 * noise each row got (given, or drawn here when `rng` is passed: t ~ U{0..T-1}, eps ~ N(0, I),
 * Algorithm 1 of Ho et al.).
 */
export function noisyBatch(
  schedule: NoiseSchedule,
  x0: Float32Array,
  rows: number,
  draw: Rng | { t: Int32Array; noise: Float32Array },
): { xt: Float32Array; t: Int32Array; noise: Float32Array } {
  const size = x0.length / rows;
  if (!Number.isInteger(size))
    throw new RangeError(`a batch of ${x0.length} values does not split into ${rows} rows`);
  let t: Int32Array;
  let noise: Float32Array;
  if ('t' in draw) {
    ({ t, noise } = draw);
  } else {
    t = Int32Array.from({ length: rows }, () => draw.int(schedule.timesteps));
    noise = draw.fillNormal(new Float32Array(x0.length));
  }
  const xt = new Float32Array(x0.length);
  for (let r = 0; r < rows; r++) {
    const step = t[r];
    if (!(Number.isInteger(step) && step >= 0 && step < schedule.timesteps)) {
      throw new RangeError(
        `timestep of row ${r} must be an integer in [0, ${schedule.timesteps - 1}], got ${step}`,
      );
    }
    const signal = schedule.signalScales[step];
    const scale = schedule.noiseScales[step];
    for (let i = r * size; i < (r + 1) * size; i++) xt[i] = signal * x0[i] + scale * noise[i];
  }
  return { xt, t, noise };
}

/**
 * Ho et al.'s simplified objective L_simple (eq. 14) for predicted and true noise: the mean over the
 * batch of each sample's mean squared error. outputs [B*H*W, C] or [B, H, W, C], targets [B, H, W, C].
 * Consumes both.
 */
export function noiseMse(outputs: JaxArray, targets: JaxArray): JaxArray {
  const error = outputs.reshape(targets.shape).sub(targets);
  return np.square(error).mean();
}

/** A noise predictor on the host: eps(x_t, t) for `count` samples x_t (row-major), all at step t. */
export type HostNoisePredictor = (
  xt: Float32Array,
  t: number,
  count: number,
) => Promise<Float32Array> | Float32Array;

export type SamplerKind = 'ddpm' | 'ddim';
export const SAMPLER_KINDS: readonly SamplerKind[] = ['ddpm', 'ddim'];

export interface SampleOptions {
  /** 'ddpm': ancestral sampling over all T steps; 'ddim': DDIM over `steps` of them. */
  sampler: SamplerKind;
  /** DDIM steps (ignored by 'ddpm', which always takes T). Default 50. */
  steps?: number;
  /** DDIM's eta (0: deterministic, 1: DDPM-like noise). Default 0. */
  eta?: number;
  /**
   * Clip the predicted x_0 to [-1, 1] at each step (Ho et al.'s sampler does; it keeps the first steps,
   * where x_0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar) divides by sqrt(abar_T) ~ 0.006, from blowing
   * up). Default true.
   */
  clip?: boolean;
  /** Seed of x_T and the per-step noise. */
  seed: number;
  /** Called after each denoising step (done, total). */
  onStep?(done: number, total: number): void;
}

/** Coefficients of one update x_prev = a x0_pred + b eps_used + c x_t + sigma z. */
export interface UpdateCoefficients {
  /** sqrt(abar_t), sqrt(1 - abar_t) at the current step. */
  signal: number;
  noise: number;
  /** Weight of the predicted x_0. */
  a: number;
  /** Weight of the noise re-derived from the (clipped) x_0. */
  b: number;
  /** Weight of x_t. */
  c: number;
  /** Standard deviation of the fresh noise. */
  sigma: number;
}

/**
 * The update coefficients of every step of a sampler, first step (t = T-1 or DDIM's last timestep) first:
 * - ddpm: the posterior mean mu~(x_t, x0) = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0
 *   + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t (Ho et al. eq. 7) and sigma_t^2 = beta~_t (the
 *   posterior variance, one of Ho et al.'s two choices); no noise at t = 0.
 * - ddim: x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev - sigma^2) eps + sigma z with
 *   sigma = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 - abar_t / abar_prev) (Song et al. eq. 16),
 *   abar_prev = 1 after the last step.
 */
export function samplerPlan(
  schedule: NoiseSchedule,
  options: Pick<SampleOptions, 'sampler' | 'steps' | 'eta'>,
): { t: number; k: UpdateCoefficients }[] {
  const { alphaBars, betas, alphas } = schedule;
  const T = schedule.timesteps;
  const plan: { t: number; k: UpdateCoefficients }[] = [];
  if (options.sampler === 'ddpm') {
    for (let t = T - 1; t >= 0; t--) {
      const abarPrev = t === 0 ? 1 : alphaBars[t - 1];
      const oneMinus = 1 - alphaBars[t];
      plan.push({
        t,
        k: {
          signal: schedule.signalScales[t],
          noise: schedule.noiseScales[t],
          a: (Math.sqrt(abarPrev) * betas[t]) / oneMinus,
          b: 0,
          c: (Math.sqrt(alphas[t]) * (1 - abarPrev)) / oneMinus,
          sigma: t === 0 ? 0 : Math.sqrt(schedule.posteriorVariances[t]),
        },
      });
    }
    return plan;
  }
  if (options.sampler !== 'ddim') {
    throw new RangeError(`sampler must be one of ${SAMPLER_KINDS.join(', ')}, got '${options.sampler}'`);
  }
  const eta = options.eta ?? 0;
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`DDIM eta must be in [0, 1], got ${eta}`);
  const taus = samplingTimesteps(T, options.steps ?? 50);
  for (let i = taus.length - 1; i >= 0; i--) {
    const t = taus[i];
    const abar = alphaBars[t];
    const abarPrev = i === 0 ? 1 : alphaBars[taus[i - 1]];
    const sigma = eta * Math.sqrt(((1 - abarPrev) / (1 - abar)) * (1 - abar / abarPrev));
    plan.push({
      t,
      k: {
        signal: schedule.signalScales[t],
        noise: schedule.noiseScales[t],
        a: Math.sqrt(abarPrev),
        b: Math.sqrt(Math.max(0, 1 - abarPrev - sigma * sigma)),
        c: 0,
        sigma,
      },
    });
  }
  return plan;
}

/**
 * Draws `count` samples of `size` values each by running `predict` backwards from x_T ~ N(0, I), in the
 * model's [-1, 1] scale (not clipped), row-major. Each step: x0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar)
 * (clipped to [-1, 1] unless `clip: false`), eps re-derived from the clipped x0, then
 * x_prev = a x0 + b eps + c x_t + sigma z (samplerPlan).
 */
export async function sample(
  schedule: NoiseSchedule,
  predict: HostNoisePredictor,
  count: number,
  size: number,
  options: SampleOptions,
): Promise<Float32Array> {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`sample count must be a positive integer, got ${count}`);
  }
  const plan = samplerPlan(schedule, options);
  const clip = options.clip !== false;
  const n = count * size;
  const rng = createRng(deriveSeed(options.seed, 0x5a));
  let x = rng.fillNormal(new Float32Array(n));
  const z = new Float32Array(n);
  for (let i = 0; i < plan.length; i++) {
    const { t, k } = plan[i];
    const eps = await predict(x, t, count);
    if (eps.length !== n) throw new Error(`the noise predictor returned ${eps.length} values for ${n}`);
    if (k.sigma > 0) rng.fillNormal(z);
    const next = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      let x0 = (x[j] - k.noise * eps[j]) / k.signal;
      let e = eps[j];
      if (clip && (x0 > 1 || x0 < -1)) {
        x0 = x0 > 1 ? 1 : -1;
        e = (x[j] - k.signal * x0) / k.noise;
      }
      next[j] = k.a * x0 + k.b * e + k.c * x[j] + (k.sigma > 0 ? k.sigma * z[j] : 0);
    }
    x = next;
    options.onStep?.(i + 1, plan.length);
  }
  return x;
}
