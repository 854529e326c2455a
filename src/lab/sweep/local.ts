/**
 * The local executor: a pool of `gatelab sweep run DIR --index I` child processes, N at a time; `sweep
 * run` and `compare` both run on it.
 *
 * Each trial runs in its own process (the jax-js wasm device is single-threaded, and a crash affects one
 * trial), through exactly the code path a Slurm task or a Kubernetes pod uses, so the pool needs no
 * bookkeeping of its own: the sweep folder is the state. A rerun skips finished trials, retries failed
 * ones up to `retries` times, resumes interrupted ones, and waits for trials another live worker holds.
 * Children never outlive the pool: each has an IPC channel, and when the pool dies (even by SIGKILL) the
 * channel closes and the child checkpoints at its next step and stops; a rerun resumes it. Killing the
 * pool at any moment loses at most the steps since the running trials' last checkpoints.
 */
import { spawn } from 'node:child_process';
import type { StopMessage } from '../runs/lifecycle.js';
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
  /** How to start this CLI: [executable, ...args]; `sweep run DIR --index I --progress json` is appended. */
  launcher: string[];
  staleMs?: number;
  /** What happens to each trial, as it happens (a front end's display). */
  events?: PoolEvents;
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

/** A trial's end as the pool saw it: 'held' = another live worker has it. */
export type PoolOutcome =
  | { kind: 'done' | 'interrupted' | 'held' }
  | { kind: 'failed'; error: string; retrying: boolean };

export interface PoolEvents {
  started?(trial: Trial): void;
  /** A step event of the trial's worker (`--progress json`). */
  progress?(trial: Trial, step: number, total: number): void;
  finished?(trial: Trial, outcome: PoolOutcome): void;
}

export interface LocalResult {
  done: number;
  failed: { index: number; id: string; error: string }[];
  wallSeconds: number;
  /** Parallel workers the pool ran. */
  workers: number;
}

/** The command that starts this very CLI again (node + loader flags + entry script). */
export function currentLauncher(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]];
}

/** The last `count` non-empty lines of a process's stderr, joined for a message. */
function lastLines(text: string, count = 5): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-count)
    .join(' | ');
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(
  launcher: string[],
  dir: string,
  trial: Trial,
  children: Set<ReturnType<typeof spawn>>,
  events: PoolEvents,
): Promise<ChildEnd> {
  return new Promise((resolve) => {
    const args = [
      ...launcher.slice(1),
      'sweep',
      'run',
      dir,
      '--index',
      String(trial.index),
      '--progress',
      'json',
    ];
    // The IPC channel: the child sees its 'disconnect' when this process dies, even by SIGKILL, and stops.
    const child = spawn(launcher[0], args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(child);
    let stderr = '';
    let pending = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        try {
          const event = JSON.parse(line) as { event?: string; step?: number; total?: number };
          if ((event.event === 'step' || event.event === 'start') && event.total !== undefined)
            events.progress?.(trial, event.step ?? 0, event.total);
        } catch {
          // not a progress line
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('error', (error) => {
      children.delete(child);
      resolve({ code: null, signal: null, stderr: error.message });
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stderr });
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
  const events = options.events ?? {};
  const children = new Set<ReturnType<typeof spawn>>();
  const stopped = () => options.stop?.reason() ?? null;
  let resend: NodeJS.Timeout | null = null;
  options.stop?.onStop((reason) => {
    report(
      `sweep ${plan.name}: stopping (${reason}); running trials checkpoint and stop, a rerun resumes them`,
    );
    // The reason travels to the worker (its trial records it); a child still starting up has no
    // listener yet and drops the message, so it is repeated until they are all gone (a repeated stop
    // is harmless; only a second signal ends a worker at once).
    const message: StopMessage = { type: 'gatelab-stop', reason };
    const send = () => {
      for (const child of children) if (child.connected) child.send(message, () => {});
    };
    send();
    resend = setInterval(send, 250);
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
      events.started?.(trial);
      const end = await runChild(options.launcher, folder.dir, trial, children, events);
      running--;
      const state = folder.state(trial, staleMs);
      if (state === 'done') {
        done++;
        durations.push((performance.now() - started) / 1000);
        failed.delete(trial.id);
        events.finished?.(trial, { kind: 'done' });
      } else if (state === 'running') {
        waiting.add(trial);
        events.finished?.(trial, { kind: 'held' });
      } else if (stopped() !== null && end.signal === null) {
        // interrupted by the stop request: not a failure
        events.finished?.(trial, { kind: 'interrupted' });
      } else {
        const n = (attempts.get(trial.id) ?? 0) + 1;
        attempts.set(trial.id, n);
        const tail = lastLines(end.stderr);
        // A worker killed by a signal wrote nothing about it; one that failed wrote failed.json.
        const error =
          end.signal !== null
            ? `killed by ${end.signal}${tail ? `: ${tail}` : ''}`
            : ((end.code === 1 ? folder.failure(trial)?.error : undefined) ??
              `exit code ${end.code}${tail ? `: ${tail}` : ''}`);
        const retrying = n <= options.retries;
        events.finished?.(trial, { kind: 'failed', error, retrying });
        if (retrying) {
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
  const workers = Math.min(options.jobs, Math.max(1, queue.length + waiting.size));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    if (resend !== null) clearInterval(resend);
  }
  return {
    done,
    failed: [...failed.values()].sort((a, b) => a.index - b.index),
    wallSeconds: (performance.now() - t0) / 1000,
    workers,
  };
}
