/**
 * The DDPM forward process, training objective and samplers (Ho, Jain & Abbeel 2020, arXiv 2006.11239;
 * DDIM: Song, Meng & Ermon 2021, arXiv 2010.02502) on jax-js arrays. Data live in [-1, 1] (images
 * scaled by 2x - 1, as in Ho et al.); the network predicts the noise epsilon.
 *
 * Randomness: the training loss draws t and epsilon from a jax-js key (one per step, from the
 * trainer); samplers draw x_T and the per-step noise on the host from the project RNG, so a seed gives
 * the same starting noise on every device and every activation sees the same draws (common random
 * numbers make sample metrics of two activations comparable at small sample sizes).
 */
import { createRng, deriveSeed } from '../data/random.js';
import { type JaxArray, jit, np, random } from '../runtime.js';
import { type NoiseSchedule, samplingTimesteps } from './schedule.js';

/** A noise predictor: eps(x_t, t) for x_t [B, H, W, C] and integer steps t [B] (int32). Consumes both. */
export type NoisePredictor = (xt: JaxArray, t: JaxArray) => JaxArray;

/** Signal and noise coefficients of q(x_t | x_0) for steps t [B] as [B, 1, 1, 1] columns. Consumes t. */
function coefficientsAt(schedule: NoiseSchedule, t: JaxArray, ndim: number): [JaxArray, JaxArray] {
  const shape = [t.shape[0], ...Array.from({ length: ndim - 1 }, () => 1)];
  const signal = np.take(np.array(Float32Array.from(schedule.signalScales)), t.ref).reshape(shape);
  const noise = np.take(np.array(Float32Array.from(schedule.noiseScales)), t).reshape(shape);
  return [signal, noise];
}

/**
 * A sample of q(x_t | x_0) = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. eq. 4).
 * x0 [B, ...], t int32 [B], noise like x0. Consumes all three.
 */
export function qSample(schedule: NoiseSchedule, x0: JaxArray, t: JaxArray, noise: JaxArray): JaxArray {
  const [signal, noiseScale] = coefficientsAt(schedule, t, x0.ndim);
  return x0.mul(signal).add(noise.mul(noiseScale));
}

/**
 * Ho et al.'s simplified objective L_simple (eq. 14), summed over the batch rather than averaged:
 * sum_b mean_pixels (eps_theta(x_t, t) - eps)^2 for given t and eps. Consumes everything.
 */
export function noiseMseSum(
  schedule: NoiseSchedule,
  predict: NoisePredictor,
  x0: JaxArray,
  t: JaxArray,
  noise: JaxArray,
): JaxArray {
  const xt = qSample(schedule, x0, t.ref, noise.ref);
  const error = predict(xt, t).sub(noise);
  const perSample = x0Size(error);
  return np
    .square(error)
    .sum()
    .mul(1 / perSample);
}

function x0Size(x: JaxArray): number {
  return x.shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * L_simple of one batch with t ~ U{0 .. T-1} and eps ~ N(0, I) drawn from `key` (Ho et al. Algorithm 1),
 * averaged over the batch: the training loss. Consumes x0 and key.
 */
export function diffusionLoss(
  schedule: NoiseSchedule,
  predict: NoisePredictor,
  x0: JaxArray,
  key: JaxArray,
): JaxArray {
  const batch = x0.shape[0];
  const [t, noise] = drawStepsAndNoise(schedule, key, x0.shape);
  return noiseMseSum(schedule, predict, x0, t, noise).mul(1 / batch);
}

/** t int32 [B] uniform in 0 .. T-1 and eps ~ N(0, I) of `shape`, from one key. Consumes key. */
export function drawStepsAndNoise(
  schedule: NoiseSchedule,
  key: JaxArray,
  shape: readonly number[],
): [JaxArray, JaxArray] {
  const keys = random.split(key, 2);
  const t = random.randint(keys.ref.slice(0), { minval: 0, maxval: schedule.timesteps, shape: [shape[0]] });
  const noise = random.normal(keys.slice(1), [...shape]);
  return [t.astype(np.int32), noise];
}

export type SamplerKind = 'ddpm' | 'ddim';
export const SAMPLER_KINDS: readonly SamplerKind[] = ['ddpm', 'ddim'];

export interface SampleOptions {
  /** 'ddpm': ancestral sampling over all T steps; 'ddim': DDIM over `steps` of them. */
  sampler: SamplerKind;
  /** DDIM steps (ignored by 'ddpm', which always takes T). */
  steps?: number;
  /** DDIM's eta (0: deterministic, 1: DDPM-like noise). Default 0. */
  eta?: number;
  /**
   * Clip the predicted x_0 to [-1, 1] at each step (Ho et al.'s sampler does; it keeps early steps, where
   * x_0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar) divides by sqrt(abar_T) ~ 0.006, from blowing up).
   * Default true.
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
  /** Weight of the (re-derived) noise. */
  b: number;
  /** Weight of x_t. */
  c: number;
  /** Standard deviation of the fresh noise. */
  sigma: number;
}

/**
 * The update coefficients of every step of a sampler, first step (t = T-1 or DDIM's last timestep)
 * first, as (t, coefficients):
 * - ddpm: the posterior mean mu~(x_t, x0) = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0
 *   + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t (Ho et al. eq. 7) and sigma_t^2 = beta~_t
 *   (the posterior variance, one of Ho et al.'s two choices); no noise at t = 0.
 * - ddim: x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev - sigma^2) eps + sigma z with
 *   sigma = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 - abar_t / abar_prev) (Song et al. eq. 16),
 *   abar_prev = 1 after the last step.
 */
export function samplerPlan(
  schedule: NoiseSchedule,
  options: SampleOptions,
): { t: number; k: UpdateCoefficients }[] {
  const { alphaBars, betas, alphas } = schedule;
  const T = schedule.timesteps;
  if (options.sampler === 'ddpm') {
    const plan: { t: number; k: UpdateCoefficients }[] = [];
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
  const plan: { t: number; k: UpdateCoefficients }[] = [];
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
 * One denoising update: x0 = (x_t - noise eps) / signal (clipped to [-1, 1] if asked), eps re-derived
 * from the clipped x0, then x_prev = a x0 + b eps + c x_t + sigma z. Scalars as 0-d arrays so that one
 * compiled program serves every step.
 */
const update = jit(
  (
    xt: JaxArray,
    eps: JaxArray,
    z: JaxArray,
    k: { signal: JaxArray; noise: JaxArray; a: JaxArray; b: JaxArray; c: JaxArray; sigma: JaxArray },
    clip: JaxArray,
  ) => {
    const raw = xt.ref.sub(eps.mul(k.noise.ref)).div(k.signal.ref);
    // clip is 1 or 0: blend instead of branching, so the program does not depend on it.
    const clipped = np.clip(raw.ref, -1, 1);
    const x0 = clipped.mul(clip.ref).add(raw.mul(np.array(1).sub(clip)));
    const used = xt.ref.sub(x0.ref.mul(k.signal)).div(k.noise);
    return x0.mul(k.a).add(used.mul(k.b)).add(xt.mul(k.c)).add(z.mul(k.sigma));
  },
);

/**
 * Draws `count` samples of `shape` (one sample, e.g. [28, 28, 1]) by running `predict` backwards from
 * x_T ~ N(0, I). Returns [count, ...shape] in the model's [-1, 1] scale (not clipped).
 * `predict` is called once per step with the whole batch.
 */
export async function sample(
  schedule: NoiseSchedule,
  predict: NoisePredictor,
  count: number,
  shape: readonly number[],
  options: SampleOptions,
): Promise<JaxArray> {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`sample count must be a positive integer, got ${count}`);
  }
  const plan = samplerPlan(schedule, options);
  const size = count * shape.reduce((a, b) => a * b, 1);
  const full = [count, ...shape];
  const rng = createRng(deriveSeed(options.seed, 0x5a));
  let x = np.array(rng.fillNormal(new Float32Array(size)), { shape: full });
  const clip = np.array(options.clip === false ? 0 : 1);
  const zeros = new Float32Array(size);
  for (let i = 0; i < plan.length; i++) {
    const { t, k } = plan[i];
    const eps = predict(x.ref, np.full([count], t, { dtype: np.int32 }));
    const z = np.array(
      k.sigma > 0 ? createRng(deriveSeed(options.seed, 0x5b, i)).fillNormal(new Float32Array(size)) : zeros,
      {
        shape: full,
      },
    );
    const scalars = Object.fromEntries(Object.entries(k).map(([name, v]) => [name, np.array(v)])) as never;
    x = update(x, eps, z, scalars, clip.ref) as JaxArray;
    options.onStep?.(i + 1, plan.length);
    // Let the event loop run (signals, progress output) between steps.
    await new Promise((resolveTurn) => setImmediate(resolveTurn));
  }
  clip.dispose();
  return x;
}
