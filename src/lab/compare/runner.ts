/**
 * `compare`: every activation x seed as its own `gatelab train` child process (one per core by
 * default), then seed statistics and the table. Child processes keep runs independent (a crash or a
 * divergence affects one run) and use every core, since the jax-js wasm device is single-threaded.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { type ActivationChoice, activationLabel } from '../models/activationSpec.js';
import { type RunConfig, type RunOverrides, resolveRunConfig, runConfigJson } from '../options/config.js';
import { FileWriteError, makeFolder, readJsonObject, writeFileSafely, writeJsonFile } from '../runs/files.js';
import { COMPARE_FILES, makeRunId, RUN_FILES, RunDirectory, safeName } from '../runs/run-folder.js';
import type { RunSummary } from '../train/run.js';
import {
  type GroupStats,
  groupOutcomes,
  judgeComparison,
  type MetricKind,
  type RunOutcome,
  type Verdict,
  verdictGroups,
} from './stats.js';
import { formatCompareTable } from './table.js';

export interface CompareOptions {
  task: string;
  kind: MetricKind;
  activations: ActivationChoice[];
  seeds: number[];
  /** Parallel child processes. Default: available cores. */
  jobs?: number;
  /** The run options shared by every run (epochs, lr, model options...); seed and activation vary. */
  overrides: RunOverrides;
  runsDir: string;
  /** Folder name of this comparison under runsDir (default compare-TASK-timestamp). */
  id?: string;
  /** How to start the CLI: [executable, ...args]; `train ...` is appended. */
  launcher: string[];
  /** Lines describing the setup, printed under the table title. */
  details: string[];
  /** Progress display: bars on a TTY, lines otherwise, or none. */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
}

export interface CompareResult {
  id: string;
  dir: string;
  task: string;
  seeds: number[];
  jobs: number;
  wallSeconds: number;
  outcomes: RunOutcome[];
  groups: GroupStats[];
  /** The ranking and the verdict sentence (one computation, shared with the table and the report). */
  verdict: Verdict;
  table: string;
  /** Why compare.json or table.txt could not be written (the result is still complete). */
  writeError?: string;
}

/** The command that starts this very CLI again (node + loader flags + entry script). */
export function currentLauncher(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]];
}

interface Job {
  choice: ActivationChoice;
  config: RunConfig;
  label: string;
  seed: number;
  runId: string;
}

interface Display {
  started(job: Job): void;
  progress(job: Job, step: number, total: number): void;
  finished(job: Job, outcome: RunOutcome, done: number, total: number): void;
  stop(): void;
}

function describeOutcome(o: RunOutcome): string {
  if (o.summary === null) return `FAILED: ${o.error}`;
  if (o.summary.status === 'diverged') return `diverged at step ${o.summary.diverged?.step}`;
  const t = o.summary.test!;
  const metric =
    t.perplexity !== undefined
      ? `test ppl ${t.perplexity.toFixed(3)}`
      : `test acc ${(100 * t.accuracy).toFixed(2)}%`;
  return `${metric}, ${o.summary.timing.msPerStep.toFixed(1)} ms/step, ${o.summary.timing.totalSeconds.toFixed(1)} s`;
}

function lineDisplay(write: (line: string) => void): Display {
  return {
    started: (job) => write(`started  ${job.label} seed ${job.seed}`),
    progress() {},
    finished: (job, outcome, done, total) =>
      write(`[${done}/${total}] ${job.label} seed ${job.seed}: ${describeOutcome(outcome)}`),
    stop() {},
  };
}

function barDisplay(total: number): Display {
  const multi = new cliProgress.MultiBar(
    {
      format: '{name} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 30,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(total, 0, { name: 'all runs'.padEnd(20) });
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    started(job) {
      bars.set(job.runId, multi.create(1, 0, { name: `${job.label} s${job.seed}`.slice(0, 20).padEnd(20) }));
    },
    progress(job, step, t) {
      const bar = bars.get(job.runId);
      if (bar) {
        bar.setTotal(t);
        bar.update(step);
      }
    },
    finished(job, outcome, done) {
      const bar = bars.get(job.runId);
      if (bar) multi.remove(bar);
      bars.delete(job.runId);
      overall.update(done);
      multi.log(`${job.label} seed ${job.seed}: ${describeOutcome(outcome)}\n`);
    },
    stop: () => multi.stop(),
  };
}

function baseOf(job: Job) {
  return { label: job.label, name: job.choice.name, params: job.choice.params ?? {}, seed: job.seed };
}

/**
 * Runs one child `train` process; resolves with its outcome (never rejects). The child gets its
 * resolved run configuration as run.json in its prepared run folder, never as rebuilt arguments.
 */
function runChild(options: CompareOptions, dir: string, job: Job, display: Display): Promise<RunOutcome> {
  const runDir = join(dir, job.runId);
  let configFile: string;
  try {
    configFile = RunDirectory.prepare(runDir, runConfigJson(job.config));
  } catch (error) {
    return Promise.resolve({ ...baseOf(job), summary: null, error: (error as Error).message });
  }
  const args = [
    ...options.launcher.slice(1),
    'train',
    '--config',
    configFile,
    '--run-dir',
    runDir,
    '--progress',
    'json',
  ];
  const base = baseOf(job);
  return new Promise((resolvePromise) => {
    const child = spawn(options.launcher[0], args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        try {
          const event = JSON.parse(line) as { event?: string; step?: number; total?: number };
          if (event.event === 'step' && event.step !== undefined && event.total !== undefined) {
            display.progress(job, event.step, event.total);
          }
        } catch {
          // not a progress line
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (error) => resolvePromise({ ...base, summary: null, error: error.message }));
    child.on('close', (code) => {
      const file = join(runDir, RUN_FILES.summary);
      if (code === 0 && existsSync(file)) {
        try {
          resolvePromise({ ...base, summary: readJsonObject(file) as unknown as RunSummary });
        } catch (error) {
          resolvePromise({ ...base, summary: null, error: (error as Error).message });
        }
      } else {
        const lastLine = stderr.trim().split('\n').pop() ?? '';
        resolvePromise({ ...base, summary: null, error: `exit code ${code}: ${lastLine}` });
      }
    });
  });
}

/** Runs the whole comparison and writes runs/<id>/compare.json and table.txt next to the runs. */
export async function runCompare(options: CompareOptions): Promise<CompareResult> {
  if (options.activations.length === 0) throw new Error('compare: give at least one activation');
  if (options.seeds.length === 0) throw new Error('compare: give at least one seed');
  const jobsWanted = options.jobs ?? availableParallelism();
  if (!(Number.isInteger(jobsWanted) && jobsWanted >= 1))
    throw new RangeError(`--jobs (parallel runs) must be an integer in [1, Infinity), got ${jobsWanted}`);
  // Every run's configuration is resolved (and checked) before the comparison folder exists.
  const jobs: Job[] = [];
  for (const choice of options.activations) {
    const label = activationLabel(choice);
    for (const seed of options.seeds) {
      const config = resolveRunConfig(options.task, choice, { ...options.overrides, seed });
      jobs.push({ choice, config, label, seed, runId: `${safeName(label)}-s${seed}` });
    }
  }
  const started = new Date();
  const t0 = performance.now();
  const id = options.id ?? makeRunId(['compare', options.task], started);
  let dir = resolve(options.runsDir, id);
  for (let n = 2; existsSync(dir); n++) dir = resolve(options.runsDir, `${id}-${n}`);
  makeFolder(dir);

  const mode = options.progress ?? 'auto';
  const display =
    mode === 'none'
      ? lineDisplay(() => {})
      : (mode === 'auto' && process.stderr.isTTY) || mode === 'bar'
        ? barDisplay(jobs.length)
        : lineDisplay((line) => process.stderr.write(`${line}\n`));
  const workers = Math.min(jobsWanted, jobs.length);
  const outcomes: RunOutcome[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < jobs.length) {
          const index = next++;
          const job = jobs[index];
          display.started(job);
          const outcome = await runChild(options, dir, job, display);
          outcomes[index] = outcome;
          done++;
          display.finished(job, outcome, done, jobs.length);
        }
      }),
    );
  } finally {
    display.stop();
  }
  const groups = groupOutcomes(outcomes);
  const verdict = judgeComparison(verdictGroups(groups, options.kind), options.kind);
  const wallSeconds = (performance.now() - t0) / 1000;
  const first = outcomes.find((o) => o.summary !== null)?.summary;
  const described = first
    ? [
        `model: ${first.model} (${first.paramCount.toLocaleString('en-US')} parameters with ${first.activation.label})`,
        `data: ${first.data}`,
      ]
    : [];
  const table = formatCompareTable({
    title: `gatelab compare: ${options.task}, ${options.activations.length} activations x ${options.seeds.length} seeds (${options.seeds.join(', ')})`,
    details: [
      ...described,
      ...options.details,
      `${jobs.length} runs on ${workers} parallel processes in ${wallSeconds.toFixed(1)} s wall time (ms/step measured under that load)`,
      `runs: ${dir}`,
    ],
    kind: options.kind,
    groups,
    verdict,
  });
  const result: CompareResult = {
    id: dir.split(/[\\/]/).pop()!,
    dir,
    task: options.task,
    seeds: options.seeds,
    jobs: workers,
    wallSeconds,
    outcomes,
    groups,
    verdict,
    table,
  };
  // The table is the result: a failed write (full disk, read-only) is reported with it, not instead.
  try {
    writeJsonFile(join(dir, COMPARE_FILES.result), { ...result, table: undefined });
    writeFileSafely(join(dir, COMPARE_FILES.table), table);
  } catch (error) {
    if (!(error instanceof FileWriteError)) throw error;
    result.writeError = error.message;
  }
  return result;
}
