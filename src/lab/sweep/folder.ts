/**
 * The sweep folder, the one place every executor (local pool, Slurm array task, Kubernetes pod) reads
 * and writes:
 *
 * ```
 * DIR/sweep.yaml                the sweep file as planned
 * DIR/plan.json                 the trials in index order (index, id, axes, resolved configuration)
 * DIR/trials/<id>/run.json      the trial's resolved run configuration
 * DIR/trials/<id>/lock          held while a worker runs the trial (see lock.ts)
 * DIR/trials/<id>/run/          the run folder (config.json, metrics.jsonl, summary.json), or
 * DIR/<folder>/                 where the plan names it (`compare`'s relu-s0, lr-0.01/golu-s1)
 * DIR/trials/<id>/result.json   written atomically once the trial finished (completed or diverged)
 * DIR/trials/<id>/failed.json   the last failure (attempts, error) of a trial without a result
 * DIR/logs/ DIR/slurm/ DIR/k8s/ DIR/merged/
 * ```
 * Every file is written atomically (temp file, fsync, rename), so a reader never sees half a file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeFolder, writeFileSafely, writeJsonFile } from '../runs/files.js';
import { type RunConfig, runConfigFromJson, runConfigHash, runConfigJson } from '../train/config.js';
import type { RunSummary } from '../train/run.js';
import { DEFAULT_STALE_MS, type LockInfo, liveHolder } from './lock.js';
import type { SweepPlan, Trial } from './plan.js';

export type TrialState = 'done' | 'running' | 'failed' | 'interrupted' | 'pending';

export interface TrialResult {
  id: string;
  index: number;
  axes: Record<string, string>;
  status: RunSummary['status'];
  summary: RunSummary;
  /** Timing of the engine itself (not merged: it differs between runs). */
  engine?: { resumed: boolean; processToFirstStepMs: number | null; lastStepToResultMs: number | null };
}

export interface TrialFailure {
  attempts: number;
  error: string;
  at: string;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${file}: not readable JSON (${(error as Error).message})`);
  }
}

export class SweepFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** Whether `dir` holds a planned sweep. */
  static isSweepFolder(dir: string): boolean {
    return existsSync(join(dir, 'plan.json'));
  }

  get planFile(): string {
    return join(this.dir, 'plan.json');
  }

  trialDir(trial: Pick<Trial, 'id'>): string {
    return join(this.dir, 'trials', trial.id);
  }

  lockFile(trial: Pick<Trial, 'id'>): string {
    return join(this.trialDir(trial), 'lock');
  }

  runDir(trial: Pick<Trial, 'id' | 'folder'>): string {
    return trial.folder === undefined ? join(this.trialDir(trial), 'run') : join(this.dir, trial.folder);
  }

  /**
   * Creates or updates the folder for a plan (and sweep.yaml, the file it was planned from, if given).
   * A folder of another sweep (another name) is refused; a changed plan of the same sweep keeps the
   * results of every trial it still contains.
   */
  write(plan: SweepPlan, sourceText: string | null): void {
    const existing = existsSync(this.planFile) ? this.readPlan() : null;
    if (existing !== null && existing.name !== plan.name) {
      throw new Error(
        `${this.dir} holds the sweep '${existing.name}', not '${plan.name}'; pick another --out folder`,
      );
    }
    makeFolder(join(this.dir, 'trials'));
    for (const trial of plan.trials) {
      makeFolder(this.trialDir(trial));
      const file = join(this.trialDir(trial), 'run.json');
      if (!existsSync(file)) writeFileSafely(file, runConfigJson(trial.config));
    }
    if (sourceText !== null) writeFileSafely(join(this.dir, 'sweep.yaml'), sourceText);
    writeJsonFile(this.planFile, plan);
  }

  readPlan(): SweepPlan {
    const plan = readJson<SweepPlan>(this.planFile);
    if (plan === null) {
      throw new Error(`${this.dir}: not a sweep folder (no plan.json); give a sweep file or a preset name`);
    }
    if (plan.format !== 'gatelab-sweep-plan' || plan.version !== 1) {
      throw new Error(`${this.planFile}: not a gatelab sweep plan of version 1`);
    }
    return plan;
  }

  trialAt(plan: SweepPlan, index: number): Trial {
    if (!(Number.isInteger(index) && index >= 0 && index < plan.trials.length)) {
      throw new RangeError(
        `--index must be an integer in 0..${plan.trials.length - 1} (the sweep '${plan.name}' has ${plan.trials.length} trials), got ${index}`,
      );
    }
    return plan.trials[index];
  }

  /**
   * The trial's run.json, checked by the run-option schema (as `gatelab train --config` reads it) and
   * against the trial id, so a hand-edited file cannot run under the id of another configuration.
   */
  runConfig(trial: Pick<Trial, 'id'>): RunConfig {
    const file = join(this.trialDir(trial), 'run.json');
    const json = readJson<unknown>(file);
    if (json === null)
      throw new Error(`${file}: missing; plan the sweep again (gatelab sweep run FILE --out ${this.dir})`);
    const config = runConfigFromJson(json, file);
    const hash = runConfigHash(config);
    if (hash !== trial.id) {
      throw new Error(
        `${file}: its configuration hashes to ${hash}, not to the trial id ${trial.id}; it was edited by hand`,
      );
    }
    return config;
  }

  result(trial: Pick<Trial, 'id'>): TrialResult | null {
    return readJson<TrialResult>(join(this.trialDir(trial), 'result.json'));
  }

  failure(trial: Pick<Trial, 'id'>): TrialFailure | null {
    return readJson<TrialFailure>(join(this.trialDir(trial), 'failed.json'));
  }

  holder(trial: Pick<Trial, 'id'>, staleMs = DEFAULT_STALE_MS): LockInfo | null {
    return liveHolder(this.lockFile(trial), staleMs);
  }

  state(trial: Pick<Trial, 'id' | 'folder'>, staleMs = DEFAULT_STALE_MS): TrialState {
    if (existsSync(join(this.trialDir(trial), 'result.json'))) return 'done';
    if (this.holder(trial, staleMs) !== null) return 'running';
    if (existsSync(join(this.trialDir(trial), 'failed.json'))) return 'failed';
    if (existsSync(this.runDir(trial))) return 'interrupted';
    return 'pending';
  }

  /** Trial counts by state. */
  counts(plan: SweepPlan, staleMs = DEFAULT_STALE_MS): Record<TrialState, number> {
    const counts: Record<TrialState, number> = { done: 0, running: 0, failed: 0, interrupted: 0, pending: 0 };
    for (const trial of plan.trials) counts[this.state(trial, staleMs)]++;
    return counts;
  }
}
