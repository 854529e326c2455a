/**
 * The local executor: a pool of `gatelab sweep run DIR --index I` child processes, N at a time.
 *
 * Each trial runs in its own process (the jax-js wasm device is single-threaded, and a crash affects one
 * trial), through exactly the code path a Slurm task or a Kubernetes pod uses, so the pool needs no
 * bookkeeping of its own: the sweep folder is the state. A rerun skips finished trials, retries failed
 * ones up to `retries` times, restarts interrupted ones, and waits for trials another live worker holds.
 * Killing the pool at any moment loses at most the trials in flight.
 */
import { spawn } from 'node:child_process';
import type { SweepFolder, TrialState } from './folder.js';
import { DEFAULT_STALE_MS } from './lock.js';
import type { SweepPlan, Trial } from './plan.js';

export interface LocalOptions {
  /** Parallel child processes. */
  jobs: number;
  /** Extra attempts of a trial that failed (in this invocation). */
  retries: number;
  /** The trials to run (default: all). */
  trials?: readonly Trial[];
  /** How to start this CLI: [executable, ...args]; `sweep run DIR --index I` is appended. */
  launcher: string[];
  staleMs?: number;
  /** Progress lines (done / running / failed / pending, ETA). */
  report?(line: string): void;
  /** How often a progress line is written while nothing finishes (ms). */
  reportEveryMs?: number;
  /**
   * A stop request (Ctrl-C, SIGTERM): no new trial starts, running ones get SIGTERM, checkpoint and
   * stop as interrupted (not failed); a rerun resumes them.
   */
  stop?: { reason(): string | null; onStop(listener: (reason: string) => void): void };
}

export interface LocalResult {
  done: number;
  failed: { index: number; id: string; error: string }[];
  wallSeconds: number;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const children = new Set<ReturnType<typeof spawn>>();

function runChild(
  launcher: string[],
  dir: string,
  index: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(launcher[0], [...launcher.slice(1), 'sweep', 'run', dir, '--index', String(index)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.add(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (error) => resolve({ code: null, stderr: error.message }));
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs every unfinished trial of the plan on a local process pool. */
export async function runLocal(
  folder: SweepFolder,
  plan: SweepPlan,
  options: LocalOptions,
): Promise<LocalResult> {
  if (!(Number.isInteger(options.jobs) && options.jobs >= 1)) {
    throw new RangeError(`--jobs must be a positive integer, got ${options.jobs}`);
  }
  if (!(Number.isInteger(options.retries) && options.retries >= 0)) {
    throw new RangeError(`--retries must be an integer >= 0, got ${options.retries}`);
  }
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const t0 = performance.now();
  const trials = options.trials ?? plan.trials;
  const queue: Trial[] = [];
  const waiting = new Set<Trial>();
  let done = 0;
  for (const trial of trials) {
    const state: TrialState = folder.state(trial, staleMs);
    if (state === 'done') done++;
    else if (state === 'running') waiting.add(trial);
    else queue.push(trial);
  }
  const total = trials.length;
  const attempts = new Map<string, number>();
  const failed = new Map<string, { index: number; id: string; error: string }>();
  const durations: number[] = [];
  let running = 0;
  const line = () => {
    const pending = queue.length + waiting.size;
    const mean = durations.length > 0 ? durations.reduce((a, b) => a + b, 0) / durations.length : Number.NaN;
    const eta = (mean * (pending + running)) / Math.min(options.jobs, Math.max(1, pending + running));
    return `sweep ${plan.name}: ${done} done, ${running} running, ${failed.size} failed, ${pending} pending${waiting.size > 0 ? ` (${waiting.size} held by other workers)` : ''}, ETA ${durations.length > 0 ? formatEta(eta) : '?'}`;
  };
  const report = options.report ?? (() => {});
  const stopped = () => options.stop?.reason() ?? null;
  options.stop?.onStop((reason) => {
    report(
      `sweep ${plan.name}: stopping (${reason}); running trials checkpoint and stop, a rerun resumes them`,
    );
    for (const child of children) child.kill('SIGTERM');
  });
  report(line());
  let lastReport = performance.now();

  const worker = async () => {
    for (;;) {
      if (stopped() !== null) return;
      let trial = queue.shift();
      if (trial === undefined) {
        // Nothing to start: wait for trials held by other workers (they finish, or their lock goes stale).
        if (waiting.size === 0) return;
        await sleep(500);
        for (const w of [...waiting]) {
          const state = folder.state(w, staleMs);
          if (state === 'done') {
            waiting.delete(w);
            done++;
            report(line());
          } else if (state !== 'running') {
            waiting.delete(w);
            queue.push(w);
          }
        }
        if (performance.now() - lastReport > (options.reportEveryMs ?? 30_000)) {
          lastReport = performance.now();
          report(line());
        }
        continue;
      }
      running++;
      const started = performance.now();
      const { code, stderr } = await runChild(options.launcher, folder.dir, trial.index);
      running--;
      const state = folder.state(trial, staleMs);
      if (state === 'done') {
        done++;
        durations.push((performance.now() - started) / 1000);
        failed.delete(trial.id);
      } else if (state === 'running') {
        waiting.add(trial);
      } else if (stopped() !== null) {
        // interrupted by the stop request: not a failure
      } else {
        const n = (attempts.get(trial.id) ?? 0) + 1;
        attempts.set(trial.id, n);
        const error =
          folder.failure(trial)?.error ?? `exit code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`;
        if (n <= options.retries) {
          report(`trial ${trial.index} (${trial.id}) failed (attempt ${n}): ${error}; retrying`);
          queue.push(trial);
          trial = undefined;
        } else {
          failed.set(trial.id, { index: trial.index, id: trial.id, error });
          report(`trial ${trial.index} (${trial.id}) failed after ${n} attempt(s): ${error}`);
        }
      }
      lastReport = performance.now();
      report(line());
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, Math.max(1, total)) }, worker));
  return {
    done,
    failed: [...failed.values()].sort((a, b) => a.index - b.index),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
