/**
 * The Slurm executor: one job array over the unfinished trials (each array task runs
 * `gatelab sweep run DIR --index $SLURM_ARRAY_TASK_ID`, with its own output file), and a merge job that
 * waits for the whole array (`--dependency=afterany:<array job id>`, so it also runs after cancelled or
 * failed tasks and merges what finished).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { makeFolder, writeFileSafely } from '../runs/files.js';
import type { SweepFolder } from './folder.js';
import type { SweepPlan } from './plan.js';

export interface SlurmOptions {
  partition?: string;
  /** Wall-time limit per task, Slurm syntax (e.g. 2:00:00). */
  time?: string;
  cpusPerTask?: number;
  /** Memory per task, Slurm syntax (e.g. 4G). */
  mem?: string;
  /** At most this many array tasks at once (`%K`). */
  maxParallel?: number;
  /** How to start gatelab inside the job: [executable, ...args]. */
  launcher: string[];
  /** Working directory of the jobs (where the launcher's relative paths resolve). */
  cwd: string;
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** "0-3,5,7-8": Slurm's compact form of sorted indices. */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function header(name: string, o: SlurmOptions, extra: string[]): string[] {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${name}`, `#SBATCH --chdir=${o.cwd}`, ...extra];
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  if (o.time) lines.push(`#SBATCH --time=${o.time}`);
  if (o.mem) lines.push(`#SBATCH --mem=${o.mem}`);
  return lines;
}

export interface SlurmScripts {
  array: string;
  merge: string;
  arrayFile: string;
  mergeFile: string;
  indices: number[];
}

/** The array and merge job scripts for the given trial indices (written to DIR/slurm/). */
export function slurmScripts(
  folder: SweepFolder,
  plan: SweepPlan,
  indices: readonly number[],
  o: SlurmOptions,
): SlurmScripts {
  if (indices.length === 0)
    throw new Error(`sweep '${plan.name}': every trial is finished; nothing to submit`);
  for (const [key, value] of [
    ['--cpus-per-task', o.cpusPerTask],
    ['--max-parallel', o.maxParallel],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`${key} must be a positive integer, got ${value}`);
    }
  }
  const logs = join(folder.dir, 'logs');
  const command = o.launcher.map(shellQuote).join(' ');
  const limit = o.maxParallel !== undefined ? `%${o.maxParallel}` : '';
  const array = [
    ...header(`gatelab-${plan.name}`, o, [
      `#SBATCH --array=${arraySpec(indices)}${limit}`,
      `#SBATCH --output=${logs}/trial-%a-job-%A.out`,
      `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 1}`,
      '#SBATCH --ntasks=1',
    ]),
    '# One trial per array task; a requeued or repeated task finds the trial finished or locked.',
    'set -euo pipefail',
    `exec ${command} sweep run ${shellQuote(folder.dir)} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
  const merge = [
    ...header(`gatelab-${plan.name}-merge`, o, [
      `#SBATCH --output=${logs}/merge-job-%j.out`,
      '#SBATCH --ntasks=1',
    ]),
    '# Submitted with --dependency=afterany:<array job>: runs once every array task has ended.',
    'set -euo pipefail',
    `exec ${command} sweep merge ${shellQuote(folder.dir)}`,
    '',
  ].join('\n');
  return {
    array,
    merge,
    arrayFile: join(folder.dir, 'slurm', 'array.sbatch'),
    mergeFile: join(folder.dir, 'slurm', 'merge.sbatch'),
    indices: [...indices],
  };
}

/** Writes the scripts, submits the array, then the merge job depending on it; returns both job ids. */
export function submitSlurm(
  folder: SweepFolder,
  scripts: SlurmScripts,
): { arrayJob: string; mergeJob: string } {
  makeFolder(join(folder.dir, 'slurm'));
  makeFolder(join(folder.dir, 'logs'));
  writeFileSafely(scripts.arrayFile, scripts.array);
  writeFileSafely(scripts.mergeFile, scripts.merge);
  const sbatch = (args: string[]) => {
    try {
      return execFileSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' })
        .trim()
        .split(';')[0];
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT')
        throw new Error(
          'sbatch not found: submit from a Slurm login node (or run scripts/slurm-local.sh up)',
        );
      throw new Error(`sbatch ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
    }
  };
  const arrayJob = sbatch([scripts.arrayFile]);
  const mergeJob = sbatch([`--dependency=afterany:${arrayJob}`, scripts.mergeFile]);
  return { arrayJob, mergeJob };
}
