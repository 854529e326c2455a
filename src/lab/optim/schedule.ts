/** Learning-rate schedules, evaluated on the host once per step (the value enters the jitted step). */

/** Learning rate at step t (0-based) of `totalSteps`. */
export type Schedule = (step: number) => number;

export type ScheduleSpec =
  | { kind: 'constant' }
  /** Multiply by gamma every `every` steps (torch StepLR). */
  | { kind: 'step'; every: number; gamma: number }
  /** Linear warmup from 0 over `warmup` steps, then cosine decay to `minRatio` * base at totalSteps. */
  | { kind: 'cosine'; warmup: number; minRatio: number };

/** Builds a schedule for base learning rate `base` over `totalSteps` steps. */
export function makeSchedule(spec: ScheduleSpec, base: number, totalSteps: number): Schedule {
  if (!(base > 0 && Number.isFinite(base)))
    throw new RangeError(`gatelab schedule: learning rate must be > 0, got ${base}`);
  switch (spec.kind) {
    case 'constant':
      return () => base;
    case 'step': {
      if (!(Number.isInteger(spec.every) && spec.every > 0)) {
        throw new RangeError(`gatelab schedule: step interval must be a positive integer, got ${spec.every}`);
      }
      if (!(spec.gamma > 0))
        throw new RangeError(`gatelab schedule: step gamma must be > 0, got ${spec.gamma}`);
      return (step) => base * spec.gamma ** Math.floor(step / spec.every);
    }
    case 'cosine': {
      const warmup = Math.max(0, Math.floor(spec.warmup));
      const floor = base * spec.minRatio;
      if (!(spec.minRatio >= 0 && spec.minRatio <= 1)) {
        throw new RangeError(`gatelab schedule: cosine min ratio must be in [0, 1], got ${spec.minRatio}`);
      }
      return (step) => {
        if (step < warmup) return (base * (step + 1)) / warmup;
        const span = Math.max(1, totalSteps - warmup);
        const progress = Math.min(1, (step - warmup) / span);
        return floor + 0.5 * (base - floor) * (1 + Math.cos(Math.PI * progress));
      };
    }
  }
}

/** Parses "constant", "step:EVERY:GAMMA" or "cosine[:WARMUP[:MIN_RATIO]]" (the CLI's --schedule). */
export function parseSchedule(text: string): ScheduleSpec {
  const [kind, ...args] = text.split(':');
  const nums = args.map((a) => Number(a));
  if (nums.some((n) => !Number.isFinite(n)))
    throw new Error(`gatelab: bad schedule '${text}': arguments must be numbers`);
  switch (kind) {
    case 'constant':
      return { kind: 'constant' };
    case 'step':
      if (nums.length !== 2)
        throw new Error(`gatelab: bad schedule '${text}': use step:EVERY_STEPS:GAMMA, e.g. step:1000:0.1`);
      return { kind: 'step', every: nums[0], gamma: nums[1] };
    case 'cosine':
      return { kind: 'cosine', warmup: nums[0] ?? 0, minRatio: nums[1] ?? 0 };
    default:
      throw new Error(
        `gatelab: unknown schedule '${text}'; valid: constant, step:EVERY:GAMMA, cosine[:WARMUP[:MIN_RATIO]]`,
      );
  }
}
