/**
 * Harness tasks: small serialisable descriptions of work that run the same in the main thread and
 * in a worker thread.
 */
import { getSpec, type Params, resolveParams } from '../../src/index.js';
import { float32Extras, float64Inputs, runFloat32, runFloat64, type Stats } from './measure.js';
import type { AccuracyPath } from './paths.js';
import { subnormalBand } from './sampling.js';

export type Task =
  | {
      readonly type: 'float64';
      readonly name: string;
      readonly params: Params;
      readonly seed: number;
      /** Log-uniform points of the whole activation; this task takes slice `part` of `parts`. */
      readonly count: number;
      readonly part: number;
      readonly parts: number;
      readonly digits: number;
      /** Points in each stretch where f or f' is a float64 subnormal (measured by part 0). */
      readonly subnormalPoints: number;
    }
  | {
      readonly type: 'float32';
      readonly name: string;
      readonly params: Params;
      readonly seed: number;
      readonly start: number;
      readonly end: number;
      readonly stride: number;
      /** Include the special values and critical points (one task per activation does). */
      readonly withExtras: boolean;
      readonly oracleEvery: number;
      readonly digits: number;
    };

/**
 * Estimated cost of a task, for progress and ETA: an oracle evaluation costs about as much as 200
 * float32 points measured against the float64 catalog.
 */
export function taskSize(task: Task): number {
  if (task.type === 'float64') {
    return Math.ceil(task.count / task.parts) + (task.part === 0 ? 6 * task.subnormalPoints + 400 : 0);
  }
  const points = Math.ceil((task.end - task.start) / task.stride);
  return points / 200 + points / task.oracleEvery + (task.withExtras ? 150 : 0);
}

/** Runs one task with a loaded path. */
export async function runTask(task: Task, path: AccuracyPath): Promise<Stats[]> {
  const params = resolveParams(getSpec(task.name), task.params);
  if (task.type === 'float64') {
    const all = float64Inputs(task.name, params, task.seed, task.count);
    const per = Math.ceil(all.length / task.parts);
    const xs = all.slice(task.part * per, (task.part + 1) * per);
    if (task.part === 0 && task.subnormalPoints > 0) {
      for (const kind of ['forward', 'derivative'] as const)
        xs.push(...subnormalBand(task.name, params, kind, task.subnormalPoints));
    }
    return runFloat64({ name: task.name, params, xs, digits: task.digits }, path);
  }
  return runFloat32(
    {
      name: task.name,
      params,
      start: task.start,
      end: task.end,
      stride: task.stride,
      seed: task.seed,
      extra: task.withExtras ? float32Extras(task.name, params) : [],
      oracleEvery: task.oracleEvery,
      digits: task.digits,
    },
    path,
  );
}
