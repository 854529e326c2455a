/**
 * One trial, by one worker: what `gatelab sweep run DIR --index I` does for every executor.
 *
 * Take the trial's lock (or leave: another live worker has it), skip a finished trial, continue an
 * interrupted one from its checkpoint where the runner can resume (else start it again from scratch in a
 * clean run folder), then publish result.json atomically and release the lock. A failure is recorded
 * in failed.json (attempts, error) and leaves no result, so a later run retries it.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recorderHooks } from '../analysis/recorder.js';
import type { RunConfig } from '../options/config.js';
import { writeJsonFile } from '../runs/files.js';
import { type RunSummary, runExperiment } from '../train/run.js';
import type { TrainHooks } from '../train/trainer.js';
import type { SweepFolder, TrialResult } from './folder.js';
import { DEFAULT_STALE_MS, type LockInfo, tryLock } from './lock.js';
import type { Trial } from './plan.js';

/** Runs a trial's configuration into its run folder. */
export interface TrialRunner {
  /** A fresh run of `config` written to `runsDir/runId`. */
  run(config: RunConfig, runsDir: string, runId: string, hooks: TrainHooks): Promise<RunSummary>;
  /**
   * Continues an interrupted run from its last checkpoint; returns null when the folder holds no usable
   * checkpoint (the trial then starts again from scratch).
   */
  resume?(runDir: string, hooks: TrainHooks): Promise<RunSummary | null>;
}

/** The lab's own runner: the same code path as `gatelab train`, in this process. */
export const labRunner: TrialRunner = {
  run: (config, runsDir, runId, hooks) => {
    // As `gatelab train --config run.json` does: diagnostics and saved weights when the configuration asks.
    const recorder =
      config.diagnosticsEvery > 0 || config.saveWeights
        ? { diagnosticsEvery: config.diagnosticsEvery, saveWeights: config.saveWeights }
        : null;
    return runExperiment(config, {
      runsDir,
      runId,
      progress: 'none',
      hooks,
      attach: recorder ? (run) => recorderHooks(recorder, run) : undefined,
    });
  },
};

export type TrialOutcome =
  | { kind: 'done'; result: TrialResult; resumed: boolean }
  | { kind: 'already-done'; result: TrialResult }
  | { kind: 'busy'; holder: LockInfo | null }
  | { kind: 'failed'; error: string; attempts: number };

export interface WorkerOptions {
  runner?: TrialRunner;
  staleMs?: number;
  /** Called once the lock is held, before training starts (tests use it to kill at a known point). */
  onStarted?(trial: Trial): void;
}

export async function runTrial(
  folder: SweepFolder,
  trial: Trial,
  options: WorkerOptions = {},
): Promise<TrialOutcome> {
  const runner = options.runner ?? labRunner;
  const existing = folder.result(trial);
  if (existing !== null) return { kind: 'already-done', result: existing };
  const attempt = tryLock(folder.lockFile(trial), { staleMs: options.staleMs ?? DEFAULT_STALE_MS });
  if ('busy' in attempt) return { kind: 'busy', holder: attempt.busy };
  const lock = attempt.held;
  try {
    // Another worker may have finished it between our first look and the lock.
    const finished = folder.result(trial);
    if (finished !== null) return { kind: 'already-done', result: finished };
    options.onStarted?.(trial);
    const runDir = folder.runDir(trial);
    let summary: RunSummary | null = null;
    let resumed = false;
    // The engine's own cost (bench/bench-sweep.ts): process start -> first step, last step -> result.
    let firstStepAt: number | null = null;
    let lastStepAt: number | null = null;
    const hooks: TrainHooks = {
      onStep() {
        const now = Date.now();
        firstStepAt ??= now;
        lastStepAt = now;
      },
    };
    try {
      if (existsSync(runDir) && runner.resume) {
        summary = await runner.resume(runDir, hooks);
        resumed = summary !== null;
      }
      if (summary === null) {
        rmSync(runDir, { recursive: true, force: true });
        summary = await runner.run(folder.runConfig(trial), folder.trialDir(trial), 'run', hooks);
      }
    } catch (error) {
      const previous = folder.failure(trial);
      const attempts = (previous?.attempts ?? 0) + 1;
      const message = error instanceof Error ? error.message : String(error);
      writeJsonFile(join(folder.trialDir(trial), 'failed.json'), {
        attempts,
        error: message,
        at: new Date().toISOString(),
      });
      return { kind: 'failed', error: message, attempts };
    }
    const written = Date.now();
    const result: TrialResult = {
      id: trial.id,
      index: trial.index,
      axes: trial.axes,
      status: summary.status,
      summary,
      engine: {
        resumed,
        processToFirstStepMs: firstStepAt === null ? null : firstStepAt - performance.timeOrigin,
        lastStepToResultMs: lastStepAt === null ? null : written - lastStepAt,
      },
    };
    writeJsonFile(join(folder.trialDir(trial), 'result.json'), result);
    rmSync(join(folder.trialDir(trial), 'failed.json'), { force: true });
    return { kind: 'done', result, resumed };
  } finally {
    lock.release();
  }
}
