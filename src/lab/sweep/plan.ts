/**
 * From a sweep file to its trials: the cartesian product of the grid, the zipped groups, the seeds, less
 * the excluded combinations. Every trial is a fully resolved run configuration (what `gatelab train`
 * would run), and its id is a content hash of that configuration: the same trial has the same id on every
 * machine, and a changed grid keeps the results of the trials it still contains.
 */
import { type RunConfig, runConfigHash } from '../train/config.js';
import {
  axisKeys,
  lineOfKey,
  type SweepFile,
  SweepFileError,
  type SweepMetric,
  type SweepValue,
} from './file.js';

/**
 * What the run-option schema provides to plan a sweep: option keys are the CLI names (`lr`, `batch-size`,
 * `model.depth`, `activation` in compare syntax such as `golu:gamma=2`).
 */
export interface TrialResolver {
  /** Throws (a message naming the valid range and the value) if `key: value` is not a valid run option. */
  checkOption(task: string, key: string, value: SweepValue): void;
  /** The run configuration of one trial. */
  resolve(task: string, options: Readonly<Record<string, SweepValue>>, seed: number): RunConfig;
  /** A display label of an axis value (activation labels such as "golu(gamma=2)"); also used by exclude. */
  label(key: string, value: SweepValue): string;
}

export interface Trial {
  /** Position in the plan: the array index of Slurm and Kubernetes. */
  index: number;
  /** Content hash of the configuration (16 hex digits). */
  id: string;
  /** This trial's value of every axis (task, grid and zip keys, seed), as labels. */
  axes: Record<string, string>;
  config: RunConfig;
  /**
   * The run folder, relative to the sweep folder, when a front end names it (`compare`: relu-s0);
   * default trials/<id>/run.
   */
  folder?: string;
}

export interface SweepPlan {
  format: 'gatelab-sweep-plan';
  version: 1;
  name: string;
  description: string;
  metric: SweepMetric;
  /** Axis keys in expansion order (seed last). */
  axes: string[];
  /** Axis values in file order, as labels. */
  axisValues: Record<string, string[]>;
  /** Keys of each zip group (they vary together: figures use the first as the axis). */
  zipped: string[][];
  excluded: number;
  trials: Trial[];
}

/**
 * The trial id: the run-option schema's hash of the configuration (SHA-256 of its canonical JSON, the
 * text of run.json, 16 hex digits).
 */
export function trialId(config: RunConfig): string {
  return runConfigHash(config);
}

/** Expands a sweep file into its trials (validated; errors name the key and its line). */
export function planSweep(file: SweepFile, resolver: TrialResolver): SweepPlan {
  const fail = (key: string, message: string): never => {
    throw new SweepFileError(file.source, lineOfKey(file, key), message);
  };
  // Every value alone first, so an error points at its key and line.
  const check = (task: string, key: string, value: SweepValue, where: string) => {
    try {
      resolver.checkOption(task, key, value);
    } catch (error) {
      fail(key, `${where}: ${(error as Error).message}`);
    }
  };
  for (const task of file.tasks) {
    try {
      resolver.checkOption(task, 'task', task);
    } catch (error) {
      throw new SweepFileError(file.source, file.lines.task ?? null, `task: ${(error as Error).message}`);
    }
    for (const [key, value] of Object.entries(file.fixed)) {
      check(task, key, value, file.lines[`set:${key}`] !== undefined ? `--set ${key}` : `fixed.${key}`);
    }
    for (const axis of file.grid) {
      const where = file.lines[`set:${axis.key}`] !== undefined ? `--set ${axis.key}` : `grid.${axis.key}`;
      for (const v of axis.values) check(task, axis.key, v, where);
    }
    file.zip.forEach((group, g) => {
      for (const row of group.values) {
        group.keys.forEach((key, k) => {
          check(task, key, row[k], `zip[${g}].${key}`);
        });
      }
    });
  }

  // Axes: each a list of assignments (one key, or a zipped group of keys).
  type Assignment = [string, SweepValue][];
  const axes: Assignment[][] = [];
  if (file.tasks.length > 1) axes.push(file.tasks.map((t) => [['task', t]]));
  for (const axis of file.grid) axes.push(axis.values.map((v) => [[axis.key, v]]));
  for (const group of file.zip) axes.push(group.values.map((row) => group.keys.map((k, i) => [k, row[i]])));
  axes.push(file.seeds.map((s) => [['seed', s]]));

  const label = (key: string, value: SweepValue) =>
    key === 'task' || key === 'seed' ? String(value) : resolver.label(key, value);
  const excludeLabels = file.exclude.map((rule) =>
    Object.entries(rule).map(([key, values]) => [key, new Set(values.map((v) => label(key, v)))] as const),
  );

  const trials: Trial[] = [];
  const byId = new Map<string, Trial>();
  let excluded = 0;
  const combination: Assignment = [];
  const visit = (depth: number) => {
    if (depth === axes.length) {
      const assigned = new Map<string, SweepValue>(combination);
      const axisLabels: Record<string, string> = {};
      for (const [k, v] of combination) axisLabels[k] = label(k, v);
      const isExcluded = excludeLabels.some((rule) =>
        rule.every(([key, set]) => axisLabels[key] !== undefined && set.has(axisLabels[key])),
      );
      if (isExcluded) {
        excluded++;
        return;
      }
      const task = String(assigned.get('task') ?? file.tasks[0]);
      const seed = Number(assigned.get('seed'));
      const options: Record<string, SweepValue> = { ...file.fixed };
      for (const [k, v] of combination) if (k !== 'task' && k !== 'seed') options[k] = v;
      let config: RunConfig;
      try {
        config = resolver.resolve(task, options, seed);
      } catch (error) {
        const where = Object.entries(axisLabels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        throw new SweepFileError(
          file.source,
          null,
          `the trial ${where} is not a valid run: ${(error as Error).message}`,
        );
      }
      const id = trialId(config);
      const twin = byId.get(id);
      if (twin) {
        const describe = (a: Record<string, string>) =>
          Object.entries(a)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ');
        throw new SweepFileError(
          file.source,
          null,
          `two trials resolve to the same run configuration (id ${id}): ${describe(twin.axes)} and ${describe(axisLabels)}; remove the duplicate value`,
        );
      }
      const trial: Trial = { index: trials.length, id, axes: axisLabels, config };
      trials.push(trial);
      byId.set(id, trial);
      return;
    }
    for (const assignment of axes[depth]) {
      combination.push(...assignment);
      visit(depth + 1);
      combination.length -= assignment.length;
    }
  };
  visit(0);
  if (trials.length === 0) {
    throw new SweepFileError(
      file.source,
      null,
      `every one of the ${excluded} trials is excluded; nothing to run`,
    );
  }
  const keys = axisKeys(file);
  const axisValues: Record<string, string[]> = {};
  if (file.tasks.length > 1) axisValues.task = [...file.tasks];
  for (const axis of file.grid) axisValues[axis.key] = axis.values.map((v) => label(axis.key, v));
  for (const group of file.zip) {
    group.keys.forEach((k, i) => {
      axisValues[k] = group.values.map((row) => label(k, row[i]));
    });
  }
  axisValues.seed = file.seeds.map(String);
  return {
    format: 'gatelab-sweep-plan',
    version: 1,
    name: file.name,
    description: file.description,
    metric: file.metric,
    axes: keys,
    axisValues,
    zipped: file.zip.map((z) => [...z.keys]),
    excluded,
    trials,
  };
}

/** "i/n" (0 <= i < n) -> shard i of n. */
export function parseShard(text: string): { shard: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || shard >= count) {
    throw new RangeError(`--shard must look like i/n with 0 <= i < n (e.g. 0/4), got '${text}'`);
  }
  return { shard, count };
}

/** The trials of one shard: a deterministic slice (index modulo the shard count). */
export function shardTrials(trials: readonly Trial[], shard: number, count: number): Trial[] {
  return trials.filter((t) => t.index % count === shard);
}
