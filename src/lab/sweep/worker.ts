/**
 * One trial, by one worker: what `gatelab sweep run DIR --index I` does for every executor.
 *
 * Take the trial's lock (or leave: another live worker has it), skip a finished trial, and look at its
 * run folder (./resume.ts): a finished run is published as it is, an interrupted one continues from its
 * checkpoint (`train --resume`'s path), one without a usable checkpoint starts again from scratch in a
 * clean run folder; then publish result.json atomically and release the lock. A stop request (SIGTERM,
 * SIGINT, the pool's stop message or its death) checkpoints the trial and leaves it interrupted. A
 * failure is recorded in failed.json (attempts, error) and leaves no result, so a later run retries it.
 */
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { recorderHooks } from '../hooks/recorder.js';
import { writeJsonFile } from '../runs/files.js';
import type { RunConfig } from '../train/config.js';
import type { ProgressMode } from '../train/progress.js';
import { type RunSummary, readRunJson, resumeExperiment, runExperiment } from '../train/run.js';
import type { TrainHooks } from '../train/trainer.js';
import type { SweepFolder, TrialResult } from './folder.js';
import { DEFAULT_STALE_MS, type LockInfo, tryLock } from './lock.js';
import type { Trial } from './plan.js';
import { inspectRunFolder } from './resume.js';

/** How a worker trains: hooks for the engine's timing, a stop request polled at every step, progress. */
export interface RunControl {
  hooks: TrainHooks;
  stopRequested?: () => string | null;
  /** 'json': step events on stdout for the pool that started this worker. */
  progress?: ProgressMode;
}

/** Runs a trial's configuration into its run folder. */
export interface TrialRunner {
  /** A fresh run of `config` written to `runsDir/runId`. */
  run(config: RunConfig, runsDir: string, runId: string, control: RunControl): Promise<RunSummary>;
  /** Continues an interrupted run from its last checkpoint (the folder was checked: ./resume.ts). */
  resume(runDir: string, control: RunControl): Promise<RunSummary>;
}

/** Diagnostics and saved weights when the configuration asks, as `gatelab train` attaches them. */
function recorderFor(config: RunConfig) {
  if (!(config.diagnosticsEvery > 0 || config.saveWeights)) return undefined;
  const recorder = { diagnosticsEvery: config.diagnosticsEvery, saveWeights: config.saveWeights };
  return (run: Parameters<typeof recorderHooks>[1]) => recorderHooks(recorder, run);
}

/**
 * The lab's own runner: the code paths of `gatelab train --config run.json` and `gatelab train --resume`
 * (checkpoints every `checkpoint-every` steps, at evaluations and on a stop request), in this process.
 */
export const labRunner: TrialRunner = {
  run: (config, runsDir, runId, control) =>
    runExperiment(config, {
      runsDir,
      runId,
      progress: control.progress ?? 'none',
      hooks: control.hooks,
      stopRequested: control.stopRequested,
      attach: recorderFor(config),
    }),
  resume: (runDir, control) =>
    resumeExperiment(runDir, {
      progress: control.progress ?? 'none',
      hooks: control.hooks,
      stopRequested: control.stopRequested,
      attach: recorderFor(readRunJson(runDir)),
    }),
};

export type TrialOutcome =
  | { kind: 'done'; result: TrialResult; resumed: boolean }
  | { kind: 'already-done'; result: TrialResult }
  | { kind: 'busy'; holder: LockInfo | null }
  | { kind: 'interrupted'; reason: string; step: number }
  | { kind: 'failed'; error: string; attempts: number };

export interface WorkerOptions {
  runner?: TrialRunner;
  staleMs?: number;
  /** A stop request (SIGTERM of a cancelled Slurm task): the trial checkpoints and stops as interrupted. */
  stopRequested?: () => string | null;
  progress?: ProgressMode;
  /** A line about what the worker found (a run folder that starts again, and why). */
  note?(line: string): void;
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
    const control: RunControl = { hooks, stopRequested: options.stopRequested, progress: options.progress };
    const fail = (message: string): TrialOutcome => {
      const attempts = (folder.failure(trial)?.attempts ?? 0) + 1;
      writeJsonFile(join(folder.trialDir(trial), 'failed.json'), {
        attempts,
        error: message,
        at: new Date().toISOString(),
      });
      return { kind: 'failed', error: message, attempts };
    };
    try {
      const config = folder.runConfig(trial);
      const found = inspectRunFolder(runDir, config);
      if (found.kind === 'different') {
        // Never written over: it is another run (a hand-made folder, another comparison's run).
        return fail(
          `${join(runDir, 'run.json')} holds a different configuration (${found.differences.join('; ')}); move it away to run this trial`,
        );
      }
      if (found.kind === 'finished') {
        // Finished, but killed before its result was published.
        summary = found.summary;
      } else if (found.kind === 'resumable') {
        summary = await runner.resume(runDir, control);
        resumed = true;
      } else {
        if (found.kind === 'restart') options.note?.(`${runDir} starts again: ${found.why}`);
        rmSync(runDir, { recursive: true, force: true });
        summary = await runner.run(config, dirname(runDir), basename(runDir), control);
      }
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    if (summary.status === 'interrupted') {
      // Stopped at a step boundary after a checkpoint: no result; the next worker resumes it.
      return { kind: 'interrupted', reason: summary.interrupted?.reason ?? 'stop', step: summary.stepsDone };
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
