/**
 * The `--model key=value` options of the diffusion task: the network's (ddpm-unet) and the diffusion
 * process's and evaluation sampler's, in one place. They live with the model options because they
 * describe the generative model a run trains and evaluates (the network alone is not a diffusion model);
 * run.json keeps them under `model` like every model option.
 */
import type { NoiseScheduleKind } from './schedule.js';

/** What each key means (help and the error that lists the valid keys). */
export const DIFFUSION_MODEL_OPTIONS: Record<string, string> = {
  channels: 'widths at the full and half resolution, e.g. 16,32',
  groups: 'group-norm groups',
  attention: 'true/false: self-attention at the half resolution',
  timesteps: 'T, diffusion steps (Ho et al.: 1000)',
  cosine: 'true: cosine noise schedule (Nichol & Dhariwal); false: linear 1e-4..0.02 (Ho et al.)',
  sampleSteps: 'DDIM steps (eta 0) of the evaluation samples; 0 = ancestral DDPM over all T steps',
  samples: 'images sampled at each evaluation (FID, label entropy, the grid)',
};

/** The diffusion process and evaluation settings of a run, resolved from its model options. */
export interface DiffusionSettings {
  timesteps: number;
  schedule: NoiseScheduleKind;
  /** 'ddim' with `sampleSteps` steps, or 'ddpm' over all T. */
  sampler: 'ddpm' | 'ddim';
  sampleSteps: number;
  samples: number;
}

/** Defaults of the diffusion settings (the task may override them in its model defaults). */
export const DIFFUSION_DEFAULTS = { timesteps: 1000, cosine: false, sampleSteps: 25, samples: 128 } as const;

/** Reads and checks the diffusion settings; messages name the option, its range and the value. */
export function diffusionSettings(model: Readonly<Record<string, unknown>>): DiffusionSettings {
  const integer = (key: 'timesteps' | 'sampleSteps' | 'samples', min: number, max: number) => {
    const value = model[key] ?? DIFFUSION_DEFAULTS[key];
    if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
      throw new RangeError(
        `--model ${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const timesteps = integer('timesteps', 2, 100_000);
  const sampleSteps = integer('sampleSteps', 0, timesteps);
  const samples = integer('samples', 2, 100_000);
  const cosine = model.cosine ?? DIFFUSION_DEFAULTS.cosine;
  if (typeof cosine !== 'boolean')
    throw new RangeError(`--model cosine must be true or false, got ${JSON.stringify(cosine)}`);
  return {
    timesteps,
    schedule: cosine ? 'cosine' : 'linear',
    sampler: sampleSteps === 0 ? 'ddpm' : 'ddim',
    sampleSteps: sampleSteps === 0 ? timesteps : sampleSteps,
    samples,
  };
}
