/**
 * Noise schedules of denoising diffusion (float64, on the host): the forward process
 * q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) with abar_t = prod_{s <= t} (1 - beta_s).
 *
 * - linear (Ho, Jain & Abbeel 2020, arXiv 2006.11239, §4): beta linear from 1e-4 to 0.02 over T = 1000
 *   steps. For another T the end points are scaled by 1000 / T, as in Nichol & Dhariwal's
 *   `get_named_beta_schedule` (improved-diffusion), so abar_T stays near the same value.
 * - cosine (Nichol & Dhariwal 2021, arXiv 2102.09672, eq. 17): abar_t = f(t) / f(0) with
 *   f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2), s = 0.008; beta_t = 1 - abar_t / abar_{t-1} clipped
 *   to at most 0.999 (their clipping, which keeps the last steps from being singular).
 *
 * Indices: code step t = 0 .. T-1 is the paper's t = 1 .. T. abar is accumulated as exp(sum log1p(-beta)),
 * which keeps full relative precision down to abar_T ~ 4e-5 (a running product would too, in float64;
 * the log form also makes the cosine schedule's ratio exact where beta is tiny).
 */

export type NoiseScheduleKind = 'linear' | 'cosine';

export const NOISE_SCHEDULE_KINDS: readonly NoiseScheduleKind[] = ['linear', 'cosine'];

/** Ho et al.'s end points at T = 1000. */
export const LINEAR_BETA_START = 1e-4;
export const LINEAR_BETA_END = 0.02;
/** Nichol & Dhariwal's offset s and beta cap. */
export const COSINE_OFFSET = 0.008;
export const COSINE_MAX_BETA = 0.999;

export interface NoiseSchedule {
  readonly kind: NoiseScheduleKind;
  /** T, the number of diffusion steps. */
  readonly timesteps: number;
  readonly betas: Float64Array;
  /** alpha_t = 1 - beta_t. */
  readonly alphas: Float64Array;
  /** abar_t = prod_{s <= t} alpha_s. */
  readonly alphaBars: Float64Array;
  /** sqrt(abar_t): the signal coefficient of q(x_t | x_0). */
  readonly signalScales: Float64Array;
  /** sqrt(1 - abar_t): the noise coefficient of q(x_t | x_0). */
  readonly noiseScales: Float64Array;
  /**
   * Variance of the posterior q(x_{t-1} | x_t, x_0): beta~_t = (1 - abar_{t-1}) / (1 - abar_t) beta_t
   * (0 at t = 0, where abar_{-1} = 1).
   */
  readonly posteriorVariances: Float64Array;
}

function checkTimesteps(timesteps: number): void {
  if (!(Number.isInteger(timesteps) && timesteps >= 2 && timesteps <= 100_000)) {
    throw new RangeError(`diffusion timesteps must be an integer in [2, 100000], got ${timesteps}`);
  }
}

/** Ho et al.'s linear betas (scaled by 1000 / T for T != 1000). */
export function linearBetas(timesteps: number): Float64Array {
  checkTimesteps(timesteps);
  if (timesteps <= 20) {
    throw new RangeError(
      `the linear schedule needs more than 20 timesteps (its last beta, 0.02 * 1000 / T, must stay below 1), got ${timesteps}; use the cosine schedule for fewer`,
    );
  }
  const scale = 1000 / timesteps;
  const start = scale * LINEAR_BETA_START;
  const end = scale * LINEAR_BETA_END;
  const betas = new Float64Array(timesteps);
  // numpy.linspace(start, end, T): start + i * (end - start) / (T - 1).
  for (let i = 0; i < timesteps; i++) betas[i] = start + (i * (end - start)) / (timesteps - 1);
  return betas;
}

/** Nichol & Dhariwal's cosine betas. */
export function cosineBetas(timesteps: number, offset = COSINE_OFFSET): Float64Array {
  checkTimesteps(timesteps);
  // log f(t) with f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2), t in [0, T].
  const logF = (t: number) =>
    2 * Math.log(Math.cos(((t / timesteps + offset) / (1 + offset)) * (Math.PI / 2)));
  const betas = new Float64Array(timesteps);
  for (let i = 0; i < timesteps; i++) {
    // beta = 1 - abar(i+1)/abar(i) = -expm1(log f(i+1) - log f(i)); f(T) = cos^2(pi/2) ~ 1e-34 > 0
    // in float64, so the log is finite and the cap decides the last step.
    const beta = -Math.expm1(logF(i + 1) - logF(i));
    betas[i] = Math.min(beta, COSINE_MAX_BETA);
  }
  return betas;
}

/** The schedule `kind` over `timesteps` steps with every derived table. */
export function noiseSchedule(kind: NoiseScheduleKind, timesteps = 1000): NoiseSchedule {
  if (!NOISE_SCHEDULE_KINDS.includes(kind)) {
    throw new RangeError(`noise schedule must be one of ${NOISE_SCHEDULE_KINDS.join(', ')}, got '${kind}'`);
  }
  return scheduleFromBetas(kind, kind === 'linear' ? linearBetas(timesteps) : cosineBetas(timesteps));
}

/** Every table of a schedule from its betas (each in (0, 1)). */
export function scheduleFromBetas(kind: NoiseScheduleKind, betas: Float64Array): NoiseSchedule {
  const n = betas.length;
  const alphas = new Float64Array(n);
  const alphaBars = new Float64Array(n);
  const signalScales = new Float64Array(n);
  const noiseScales = new Float64Array(n);
  const posteriorVariances = new Float64Array(n);
  let logAlphaBar = 0;
  for (let t = 0; t < n; t++) {
    const beta = betas[t];
    if (!(beta > 0 && beta < 1)) throw new RangeError(`beta_${t} must be in (0, 1), got ${beta}`);
    alphas[t] = 1 - beta;
    logAlphaBar += Math.log1p(-beta);
    alphaBars[t] = Math.exp(logAlphaBar);
    signalScales[t] = Math.exp(logAlphaBar / 2);
    // 1 - abar = -expm1(log abar): no cancellation at small t, where abar is close to 1.
    const oneMinus = -Math.expm1(logAlphaBar);
    noiseScales[t] = Math.sqrt(oneMinus);
    const previousOneMinus = t === 0 ? 0 : -Math.expm1(logAlphaBar - Math.log1p(-beta));
    posteriorVariances[t] = (previousOneMinus / oneMinus) * beta;
  }
  return { kind, timesteps: n, betas, alphas, alphaBars, signalScales, noiseScales, posteriorVariances };
}

/**
 * DDIM's sub-sequence of `steps` timesteps out of T (Song, Meng & Ermon 2021, arXiv 2010.02502,
 * "uniform" spacing): t_i = floor(i * T / steps), i = 0 .. steps-1, ascending; steps = T gives every
 * step (DDIM over the full chain).
 */
export function samplingTimesteps(timesteps: number, steps: number): number[] {
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= timesteps)) {
    throw new RangeError(`sampling steps must be an integer in [1, ${timesteps}] (T), got ${steps}`);
  }
  return Array.from({ length: steps }, (_, i) => Math.floor((i * timesteps) / steps));
}
