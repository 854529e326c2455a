/**
 * `compare`: every activation x seed as its own `gatelab train` child process (one per core by
 * default), then seed statistics and the table. Child processes keep runs independent (a crash or a
 * divergence affects one run) and use every core, since the jax-js wasm device is single-threaded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { formatMetric, metricSpec } from '../metrics/kinds.js';
import { type ActivationChoice, activationLabel } from '../models/activation-spec.js';
import { readCheckpoint } from '../runs/checkpoint.js';
import { FileWriteError, makeFolder, readJsonObject, writeFileSafely, writeJsonFile } from '../runs/files.js';
import type { StopMessage } from '../runs/lifecycle.js';
import { COMPARE_FILES, makeRunId, RUN_FILES, RunDirectory, safeName } from '../runs/run-folder.js';
import { type RunConfig, type RunOverrides, resolveRunConfig, runConfigJson } from '../train/config.js';
import { type RunSummary, readRunJson } from '../train/run.js';
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
  /** Polled between jobs: a reason stops the comparison (running children are asked to stop too). */
  stopRequested?: () => string | null;
  /** Registers a listener for the first stop request (sends the stop to the running children). */
  onStop?: (listener: (reason: string) => void) => void;
}

/** compare-plan.json: written before the first child starts; a rerun with the same id checks it. */
export interface ComparePlan {
  version: 1;
  task: string;
  kind: MetricKind;
  activations: ActivationChoice[];
  seeds: number[];
  details: string[];
  /**
   * The resolved run configuration every run shares (activation and seed vary). With task, activations
   * and seeds it makes two comparisons the same: an existing folder of the same id resumes only when
   * they match (the checkpoint interval aside, which does not change results).
   */
  config: Omit<RunConfig, 'activation' | 'seed'>;
}

export const PLAN_FILE = COMPARE_FILES.plan;

export interface CompareResult {
  /** 'interrupted': a signal stopped it; rerunning the same command resumes it. */
  status: 'completed' | 'interrupted';
  /** The signal (or reason) that interrupted it. */
  interruptedBy: string | null;
  /** Runs kept from an earlier, interrupted attempt and runs continued from their checkpoints. */
  resumed: { kept: number; continued: number } | null;
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
  /** The run's resolved configuration (null when only reading the folders back: --rebuild). */
  config: RunConfig | null;
  label: string;
  seed: number;
  runId: string;
  /** How this job starts: a new run, a resumed one, or one kept from an earlier attempt. */
  start: 'fresh' | 'resume' | 'kept';
}

interface Display {
  started(job: Job): void;
  progress(job: Job, step: number, total: number): void;
  finished(job: Job, outcome: RunOutcome, done: number, total: number): void;
  stop(): void;
}

function describeOutcome(o: RunOutcome): string {
  if (o.summary === null) return `FAILED: ${o.error}`;
  if (o.summary.status === 'interrupted')
    return `interrupted at step ${o.summary.interrupted?.step} of ${o.summary.totalSteps} (checkpoint kept)`;
  if (o.summary.status === 'diverged') return `diverged at step ${o.summary.diverged?.step}`;
  const t = o.summary.test!;
  const first = Object.entries(t.metrics ?? {})[0];
  const metric =
    first !== undefined
      ? `test ${metricSpec(first[0]).title} ${formatMetric(metricSpec(first[0]), first[1])}`
      : t.perplexity !== undefined
        ? `test ppl ${t.perplexity.toFixed(3)}`
        : `test acc ${(100 * t.accuracy).toFixed(2)}%`;
  return `${metric}, ${o.summary.timing.msPerStep.toFixed(1)} ms/step, ${o.summary.timing.totalSeconds.toFixed(1)} s`;
}

function lineDisplay(write: (line: string) => void): Display {
  return {
    started: (job) =>
      write(
        job.start === 'resume'
          ? `resumed  ${job.label} seed ${job.seed} from its checkpoint`
          : `started  ${job.label} seed ${job.seed}`,
      ),
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

/** The last `count` non-empty lines of a process's stderr, joined for a message. */
function lastLines(text: string, count = 5): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
  return lines.slice(-count).join(' | ');
}

function baseOf(job: Job) {
  return { label: job.label, name: job.choice.name, params: job.choice.params ?? {}, seed: job.seed };
}

/**
 * Runs one child `train` process; resolves with its outcome (never rejects). A new run gets its resolved
 * run configuration as run.json in its prepared run folder, never as rebuilt arguments; an interrupted
 * one continues with `train --resume` from its checkpoint.
 */
function runChild(
  options: CompareOptions,
  dir: string,
  job: Job,
  display: Display,
  children: Set<ChildProcess>,
): Promise<RunOutcome> {
  const runDir = join(dir, job.runId);
  let args: string[];
  if (job.start === 'resume') {
    args = [...options.launcher.slice(1), 'train', '--resume', runDir, '--progress', 'json'];
  } else {
    let configFile: string;
    try {
      configFile = RunDirectory.prepare(runDir, runConfigJson(job.config!));
    } catch (error) {
      return Promise.resolve({ ...baseOf(job), summary: null, error: (error as Error).message });
    }
    args = [
      ...options.launcher.slice(1),
      'train',
      '--config',
      configFile,
      '--run-dir',
      runDir,
      '--progress',
      'json',
    ];
  }
  const base = baseOf(job);
  return new Promise((resolvePromise) => {
    // An IPC channel: the child sees its 'disconnect' when this process dies, even by SIGKILL, and stops.
    const child = spawn(options.launcher[0], args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(child);
    let stderr = '';
    let pending = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        try {
          const event = JSON.parse(line) as { event?: string; step?: number; total?: number };
          if (
            (event.event === 'step' || event.event === 'start') &&
            event.step !== undefined &&
            event.total !== undefined
          ) {
            display.progress(job, event.step, event.total);
          }
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
      resolvePromise({ ...base, summary: null, error: error.message });
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      const file = join(runDir, RUN_FILES.summary);
      const summary = readSummary(file);
      // A run stopped by a signal writes an 'interrupted' summary and exits with 128 + the signal number.
      if (summary !== null && (code === 0 || summary.status === 'interrupted')) {
        resolvePromise({ ...base, summary });
        return;
      }
      const how = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
      const tail = lastLines(stderr);
      resolvePromise({ ...base, summary: null, error: tail ? `${how}: ${tail}` : how });
    });
  });
}

/** summary.json of a run, or null when it is missing or unreadable. */
function readSummary(file: string): RunSummary | null {
  if (!existsSync(file)) return null;
  try {
    return readJsonObject(file) as unknown as RunSummary;
  } catch {
    return null;
  }
}

/** Dotted paths where two JSON values differ: "config.lr: 0.003 there, 0.01 now". */
export function describeDifferences(before: unknown, now: unknown, path = ''): string[] {
  const show = (v: unknown) => (v === undefined ? '(not set)' : JSON.stringify(v));
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(now)) {
    const a = before as Record<string, unknown>;
    const b = now as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
      describeDifferences(a[k], b[k], path ? `${path}.${k}` : k),
    );
  }
  return JSON.stringify(before) === JSON.stringify(now)
    ? []
    : [`${path}: ${show(before)} there, ${show(now)} now`];
}

/** Reads compare-plan.json of an existing comparison folder; errors name the file. */
export function readPlan(dir: string): ComparePlan {
  const file = join(dir, PLAN_FILE);
  if (!existsSync(file)) {
    throw new Error(
      `${dir} exists but holds no ${PLAN_FILE}, so it is not a comparison that can be resumed or rebuilt; choose another --id`,
    );
  }
  // A damaged file throws a DamagedFileError naming it.
  return readJsonObject(file) as unknown as ComparePlan;
}

/** The jobs of a plan, in table order. */
function planJobs(plan: Pick<ComparePlan, 'activations' | 'seeds'>): Job[] {
  const jobs: Job[] = [];
  for (const choice of plan.activations) {
    const label = activationLabel(choice);
    for (const seed of plan.seeds)
      jobs.push({ choice, config: null, label, seed, runId: `${safeName(label)}-s${seed}`, start: 'fresh' });
  }
  return jobs;
}

/**
 * How each job of a comparison folder continues: a finished run (completed or diverged) is kept, a run with
 * a readable checkpoint, run.json and metrics resumes, anything else (a folder killed before its first
 * checkpoint, a damaged file) starts again. A run folder whose run.json holds another configuration is
 * refused, naming the difference.
 */
function classifyJob(dir: string, job: Job): { job: Job; summary: RunSummary | null; note?: string } {
  const runDir = join(dir, job.runId);
  if (!existsSync(runDir)) return { job, summary: null };
  const again = (why: string) => {
    rmSync(runDir, { recursive: true, force: true });
    return { job, summary: null, note: `${job.label} seed ${job.seed} starts again: ${why}` };
  };
  let config: RunConfig;
  try {
    config = readRunJson(runDir);
  } catch (error) {
    return again((error as Error).message);
  }
  const differences = describeDifferences(
    withoutCheckpointEvery(config),
    withoutCheckpointEvery(job.config!),
  );
  if (differences.length > 0) {
    throw new Error(
      `${join(runDir, 'run.json')} holds a different configuration (${differences.join('; ')}); rerun with the options of that comparison, or choose another --id`,
    );
  }
  const summary = readSummary(join(runDir, 'summary.json'));
  if (summary !== null && (summary.status === 'completed' || summary.status === 'diverged')) {
    return { job: { ...job, start: 'kept' }, summary };
  }
  try {
    const checkpoint = readCheckpoint(runDir);
    const metrics = join(runDir, 'metrics.jsonl');
    const size = existsSync(metrics) ? statSync(metrics).size : 0;
    if (size < checkpoint.metricsBytes) {
      return again(
        `${metrics} holds ${size} bytes, fewer than the ${checkpoint.metricsBytes} its checkpoint recorded`,
      );
    }
    return { job: { ...job, start: 'resume' }, summary: null };
  } catch (error) {
    return again((error as Error).message);
  }
}

/** The configuration without the checkpoint interval (it changes no result). */
function withoutCheckpointEvery(
  config: Omit<RunConfig, 'activation' | 'seed'> | RunConfig,
): Record<string, unknown> {
  const { checkpointEvery: _c, ...rest } = config;
  return rest;
}

/**
 * Runs the whole comparison and writes runs/<id>/compare.json and table.txt next to the runs. An existing
 * folder of the same id is resumed when its compare-plan.json matches (and refused, naming the difference,
 * when it does not): finished runs are kept, interrupted ones continue from their checkpoints.
 */
export async function runCompare(options: CompareOptions): Promise<CompareResult> {
  if (options.activations.length === 0) throw new Error('compare: give at least one activation');
  if (options.seeds.length === 0) throw new Error('compare: give at least one seed');
  const jobsWanted = options.jobs ?? availableParallelism();
  if (!(Number.isInteger(jobsWanted) && jobsWanted >= 1))
    throw new RangeError(`--jobs (parallel runs) must be an integer in [1, Infinity), got ${jobsWanted}`);
  // Every run's configuration is resolved (and checked) before the comparison folder exists.
  const configs = new Map<string, RunConfig>();
  for (const choice of options.activations) {
    for (const seed of options.seeds) {
      const runId = `${safeName(activationLabel(choice))}-s${seed}`;
      configs.set(runId, resolveRunConfig(options.task, choice, { ...options.overrides, seed }));
    }
  }
  const { activation: _a, seed: _s, ...shared } = configs.values().next().value as RunConfig;
  const started = new Date();
  const t0 = performance.now();
  const id = options.id ?? makeRunId(['compare', options.task], started);
  let dir = resolve(options.runsDir, id);
  const plan: ComparePlan = {
    version: 1,
    task: options.task,
    kind: options.kind,
    activations: options.activations,
    seeds: options.seeds,
    details: options.details,
    config: shared,
  };
  let resuming = false;
  // A folder killed before it held anything is as good as none.
  if (existsSync(dir) && options.id !== undefined && readdirSync(dir).length > 0) {
    let before: ComparePlan;
    try {
      before = readPlan(dir);
    } catch (error) {
      if (!existsSync(join(dir, PLAN_FILE))) throw error;
      // Damaged: each run folder's run.json is still checked against this command (classifyJob).
      process.stderr.write(`${(error as Error).message}; rewritten from this command\n`);
      writeJsonFile(join(dir, PLAN_FILE), plan);
      before = plan;
    }
    const identity = (p: ComparePlan) => ({
      activations: p.activations,
      seeds: p.seeds,
      ...withoutCheckpointEvery(p.config ?? {}),
    });
    const differences = describeDifferences(identity(before), identity(plan));
    if (differences.length > 0) {
      throw new Error(
        `comparison '${id}' in ${dir} was made with a different configuration (${differences.join('; ')}); rerun it with the same options to resume it, or choose another --id`,
      );
    }
    resuming = true;
  } else {
    // Without --id the name carries a timestamp; a clash (two starts in one second) gets a suffix.
    if (options.id === undefined)
      for (let n = 2; existsSync(dir); n++) dir = resolve(options.runsDir, `${id}-${n}`);
    makeFolder(dir);
    writeJsonFile(join(dir, PLAN_FILE), plan);
  }

  const outcomes: RunOutcome[] = [];
  const jobs: Job[] = [];
  const notes: string[] = [];
  planJobs(plan).forEach((planned, index) => {
    const job = { ...planned, config: configs.get(planned.runId)! };
    const c = resuming ? classifyJob(dir, job) : { job, summary: null };
    jobs.push(c.job);
    if (c.note) notes.push(c.note);
    if (c.summary !== null) {
      outcomes[index] = {
        label: job.label,
        name: job.choice.name,
        params: job.choice.params ?? {},
        seed: job.seed,
        summary: c.summary,
      };
    }
  });
  const kept = jobs.filter((j) => j.start === 'kept').length;
  const continued = jobs.filter((j) => j.start === 'resume').length;
  const mode = options.progress ?? 'auto';
  const display =
    mode === 'none'
      ? lineDisplay(() => {})
      : (mode === 'auto' && process.stderr.isTTY) || mode === 'bar'
        ? barDisplay(jobs.length)
        : lineDisplay((line) => process.stderr.write(`${line}\n`));
  const say = (line: string) => {
    if (mode !== 'none') process.stderr.write(`${line}\n`);
  };
  if (resuming) {
    say(
      `resuming ${dir}: ${kept} runs kept, ${continued} continue from checkpoints, ${jobs.length - kept - continued} start`,
    );
  }
  for (const note of notes) say(note);
  const pending = jobs.map((job, index) => ({ job, index })).filter(({ job }) => job.start !== 'kept');
  const workers = Math.max(1, Math.min(jobsWanted, pending.length));
  const children = new Set<ChildProcess>();
  let interruptedBy: string | null = null;
  let resend: NodeJS.Timeout | null = null;
  options.onStop?.((reason) => {
    interruptedBy = reason;
    const message: StopMessage = { type: 'gatelab-stop', reason };
    const send = () => {
      for (const child of children) if (child.connected) child.send(message, () => {});
    };
    send();
    // A child still starting up has no listener yet and drops the message: repeat it until all are gone
    // (a repeated stop is harmless; only a second signal ends a run at once).
    resend = setInterval(send, 250);
  });
  let next = 0;
  let done = kept;
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < pending.length) {
          if ((options.stopRequested?.() ?? interruptedBy) !== null) {
            interruptedBy ??= options.stopRequested?.() ?? null;
            break;
          }
          const { job, index } = pending[next++];
          display.started(job);
          const outcome = await runChild(options, dir, job, display, children);
          outcomes[index] = outcome;
          done++;
          display.finished(job, outcome, done, jobs.length);
        }
      }),
    );
  } finally {
    if (resend !== null) clearInterval(resend);
    display.stop();
  }
  if (interruptedBy === null) interruptedBy = options.stopRequested?.() ?? null;
  // Jobs never started (the comparison was interrupted first) are listed as such.
  const all = jobs.map(
    (job, index) =>
      outcomes[index] ?? {
        label: job.label,
        name: job.choice.name,
        params: job.choice.params ?? {},
        seed: job.seed,
        summary: null,
        error: 'not started (interrupted)',
      },
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  return finishCompare(dir, plan, all, {
    wallSeconds,
    workers,
    interruptedBy,
    resumed: resuming ? { kept, continued } : null,
  });
}

/** Statistics, table, compare.json and table.txt of a comparison folder from its outcomes. */
function finishCompare(
  dir: string,
  plan: ComparePlan,
  outcomes: RunOutcome[],
  run: {
    wallSeconds: number;
    workers: number;
    interruptedBy: string | null;
    resumed: CompareResult['resumed'];
    rebuilt?: boolean;
  },
): CompareResult {
  // Interrupted runs are neither results nor failures yet: they count as failed only in this table.
  const counted = outcomes.map((o) =>
    o.summary?.status === 'interrupted'
      ? {
          ...o,
          summary: null,
          error: `interrupted at step ${o.summary.interrupted?.step} (resumes on rerun)`,
        }
      : o,
  );
  const groups = groupOutcomes(counted);
  const verdict = judgeComparison(verdictGroups(groups, plan.kind), plan.kind);
  const first = outcomes.find((o) => o.summary !== null)?.summary;
  const described = first
    ? [
        `model: ${first.model} (${first.paramCount.toLocaleString('en-US')} parameters with ${first.activation.label})`,
        `data: ${first.data}`,
      ]
    : [];
  const how = run.rebuilt
    ? `${outcomes.length} runs, table rebuilt from the run folders`
    : `${outcomes.length} runs on ${run.workers} parallel processes in ${run.wallSeconds.toFixed(1)} s wall time (ms/step measured under that load)${run.resumed ? `; resumed: ${run.resumed.kept} runs kept, ${run.resumed.continued} continued from checkpoints` : ''}`;
  const table = formatCompareTable({
    title: `gatelab compare: ${plan.task}, ${plan.activations.length} activations x ${plan.seeds.length} seeds (${plan.seeds.join(', ')})${run.interruptedBy !== null ? ` — INTERRUPTED (${run.interruptedBy})` : ''}`,
    details: [...described, ...plan.details, how, `runs: ${dir}`],
    kind: plan.kind,
    groups,
    verdict,
  });
  const result: CompareResult = {
    status: run.interruptedBy === null ? 'completed' : 'interrupted',
    interruptedBy: run.interruptedBy,
    resumed: run.resumed,
    id: dir.split(/[\\/]/).pop()!,
    dir,
    task: plan.task,
    seeds: plan.seeds,
    jobs: run.workers,
    wallSeconds: run.wallSeconds,
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

/**
 * Rebuilds compare.json and table.txt of a comparison folder from compare-plan.json and the run folders
 * alone (the summaries of the runs); a run without a readable summary is listed as failed.
 */
export function rebuildCompare(dir: string): CompareResult {
  const plan = readPlan(dir);
  const outcomes = planJobs(plan).map((job): RunOutcome => {
    const file = join(dir, job.runId, 'summary.json');
    const summary = readSummary(file);
    const base = { label: job.label, name: job.choice.name, params: job.choice.params ?? {}, seed: job.seed };
    if (summary !== null) return { ...base, summary };
    return {
      ...base,
      summary: null,
      error: existsSync(file) ? `${file} is damaged` : `no summary.json in ${join(dir, job.runId)}`,
    };
  });
  let previous: { wallSeconds?: number; jobs?: number } = {};
  try {
    previous = readJsonObject(join(dir, COMPARE_FILES.result));
  } catch {
    // compare.json is what is being rebuilt: it may be missing or damaged.
  }
  return finishCompare(dir, plan, outcomes, {
    wallSeconds: Number(previous.wallSeconds) || 0,
    workers: Number(previous.jobs) || 0,
    interruptedBy: null,
    resumed: null,
    rebuilt: true,
  });
}
