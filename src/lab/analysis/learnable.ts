/**
 * Learnable activation parameters as the runs record them: after each validation (and once before
 * training), every activation site's trained values, as values (exp of the stored log for positive
 * parameters), summarised per site (mean, min, max over channels; all equal per layer).
 */
import { learnableValue } from '../models/activation-spec.js';
import type { ArrayTree } from '../runtime.js';
import { namedLeaves } from '../train/probe.js';

export interface LearnableValue {
  /** The site in the parameter tree, e.g. `blocks.0`. */
  layer: string;
  param: string;
  mean: number;
  min: number;
  max: number;
}

/** metrics.jsonl record kind. */
export const LEARNABLE_RECORD = 'activation-params' as const;

/** Values of the learnable activation parameters in a parameter tree (leaves at `<site>.act.<name>`). */
export function learnableValues(activationName: string, params: ArrayTree): LearnableValue[] {
  const out: LearnableValue[] = [];
  for (const { path, leaf } of namedLeaves(params)) {
    const match = /^(.*)\.act\.([A-Za-z_]\w*)$/.exec(path);
    if (match === null) continue;
    const values = Array.from(leaf.ref.dataSync() as Float32Array, (raw) =>
      learnableValue(activationName, match[2], raw),
    );
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    out.push({ layer: match[1], param: match[2], mean, min: Math.min(...values), max: Math.max(...values) });
  }
  return out;
}
