/**
 * `compare`, a front end over the sweep engine: a comparison is a sweep whose axes are the activations
 * (after the learning rates of `--lrs`, when given) and the seeds. It is planned by the sweep planner
 * (every run a resolved configuration, its id the configuration's content hash), run on the sweep's
 * local pool (one `gatelab sweep run DIR --index I` process per run, the path of every Slurm task and
 * Kubernetes pod), locked, resumed and published like any trial, and its folder is a sweep folder
 * (`gatelab sweep status|merge DIR` work on it).
 *
 * What compare adds on top: its run folders' names (relu-s0, lr-0.01/golu-s1), compare-plan.json (what
 * was asked; a rerun with the same --id and another configuration is refused, naming the difference),
 * the display, and the seed statistics, the verdict and the table of each comparison (compare.json,
 * table.txt), which `--rebuild` makes again from compare-plan.json and the run folders alone.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { formatMetric, metricSpec } from '../metrics/kinds.js';
import { type ActivationChoice, activationLabel } from '../models/activation-spec.js';
import { activationSpecText } from '../options/activation.js';
import { FileWriteError, makeFolder, readJsonObject, writeFileSafely, writeJsonFile } from '../runs/files.js';
import { COMPARE_FILES, makeRunId, RUN_FILES, safeName } from '../runs/run-folder.js';
import type { SweepFile } from '../sweep/file.js';
import { SweepFolder } from '../sweep/folder.js';
import { runLocal } from '../sweep/local.js';
import { schemaTrialResolver } from '../sweep/options.js';
import { planSweep, type SweepPlan, type Trial } from '../sweep/plan.js';
import {
  describeDifferences,
  inspectRunFolder,
  readRunSummary,
  withoutCheckpointEvery,
} from '../sweep/resume.js';
import { describeRunConfig, type RunConfig, type RunOverrides, resolveRunConfig } from '../train/config.js';
import type { GroupStats, MetricKind, RunOutcome, Verdict } from './stats.js';
import { modelAndDataLines, tabulateComparison } from './table.js';

export interface CompareOptions {
  task: string;
  kind: MetricKind;
  activations: ActivationChoice[];
  seeds: number[];
  /** Learning-rate ablation: the comparison once per rate (an axis before the activations), in lr-<rate>/. */
  lrs?: number[];
  /** Parallel child processes. Default: available cores. */
  jobs?: number;
  /** The run options shared by every run (epochs, lr, model options...); seed and activation vary. */
  overrides: RunOverrides;
  runsDir: string;
  /** Folder name of this comparison under runsDir (default compare-TASK-timestamp, lrs-TASK-... with lrs). */
  id?: string;
  /** How to start the CLI: [executable, ...args]; `sweep run DIR --index I ...` is appended. */
  launcher: string[];
  /** Extra lines under the table title (the training setup is described from the configuration). */
  details?: string[];
  /** Progress display: bars on a TTY, lines otherwise, or none. */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  /** Polled between runs: a reason stops the comparison (running children are asked to stop too). */
  stopRequested?: () => string | null;
  /** Registers a listener for the first stop request (sends the stop to the running children). */
  onStop?: (listener: (reason: string) => void) => void;
}

/**
 * compare-plan.json: what the comparison is, written before the first run starts; a rerun with the same
 * id checks it (the checkpoint interval aside, which changes no result). Version 1 (before compare ran on
 * the sweep engine) had no `lrs` and held the setup line in `details`; both are still read.
 */
export interface ComparePlan {
  version: 1 | 2;
  task: string;
  kind: MetricKind;
  activations: ActivationChoice[];
  seeds: number[];
  lrs?: number[];
  /** Extra lines under each table's title. */
  details: string[];
  /** The resolved run configuration every run shares (activation and seed vary; with lrs, the first rate). */
  config: Omit<RunConfig, 'activation' | 'seed'>;
}

export const PLAN_FILE = COMPARE_FILES.plan;

export interface CompareResult {
  /** 'interrupted': a signal stopped it before every run finished; rerunning the same command resumes it. */
  status: 'completed' | 'interrupted';
  /** The signal (or reason) that interrupted it. */
  interruptedBy: string | null;
  /** Runs kept from an earlier, interrupted attempt and runs continued from their checkpoints. */
  resumed: { kept: number; continued: number } | null;
  id: string;
  dir: string;
  task: string;
  seeds: number[];
  /** The learning rate of this comparison, with --lrs. */
  lr?: number;
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

/** A comparison run: its folder and one result per learning rate (one without --lrs). */
export interface CompareRun {
  dir: string;
  results: CompareResult[];
}

/** A run's folder in the comparison folder: relu-s0, golu_gamma=2-s1, lr-0.01/relu-s0. */
export function compareRunFolder(choice: ActivationChoice, seed: number, lr: number | null): string {
  const name = `${safeName(activationLabel(choice))}-s${seed}`;
  return lr === null ? name : `lr-${lr}/${name}`;
}

/** What one run is in the tables. */
interface Job {
  label: string;
  name: string;
  params: Record<string, number>;
  seed: number;
  lr: number | null;
  key: string;
  /** How it starts: a new run, a resumed one, or one kept from an earlier attempt. */
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
      bars.set(job.key, multi.create(1, 0, { name: `${job.label} s${job.seed}`.slice(0, 20).padEnd(20) }));
    },
    progress(job, step, t) {
      const bar = bars.get(job.key);
      if (bar) {
        bar.setTotal(t);
        bar.update(step);
      }
    },
    finished(job, outcome, done) {
      const bar = bars.get(job.key);
      if (bar) multi.remove(bar);
      bars.delete(job.key);
      overall.update(done);
      multi.log(`${job.label} seed ${job.seed}: ${describeOutcome(outcome)}\n`);
    },
    stop: () => multi.stop(),
  };
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

/** The lines under a comparison's title: the training setup (from the configuration) and the extras. */
function setupLines(plan: ComparePlan, lr: number | null): string[] {
  if (plan.version === 1) return plan.details;
  const config = {
    ...plan.config,
    ...(lr === null ? {} : { lr }),
    activation: plan.activations[0],
    seed: plan.seeds[0],
  } as RunConfig;
  return [describeRunConfig(config), ...plan.details];
}

/** What makes two comparisons the same (an existing folder resumes only when they match). */
function identity(p: ComparePlan): Record<string, unknown> {
  return {
    activations: p.activations,
    seeds: p.seeds,
    ...(p.lrs !== undefined ? { lrs: p.lrs } : {}),
    ...withoutCheckpointEvery(p.config ?? {}),
  };
}

function jobOf(trial: Trial, plan: ComparePlan, start: Job['start'] = 'fresh'): Job {
  const choice = trial.config.activation;
  return {
    label: activationLabel(choice),
    name: choice.name,
    params: choice.params ?? {},
    seed: trial.config.seed,
    lr: plan.lrs === undefined ? null : trial.config.lr,
    key: trial.id,
    start,
  };
}

const outcomeBase = (job: Job) => ({ label: job.label, name: job.name, params: job.params, seed: job.seed });

/**
 * Runs the whole comparison on the sweep engine and writes compare.json and table.txt of each
 * comparison next to its runs. An existing folder of the same id is resumed when its compare-plan.json
 * matches (and refused, naming the difference, when it does not): finished runs are kept, interrupted
 * ones continue from their checkpoints, damaged ones start again (a line says why).
 */
export async function runComparison(options: CompareOptions): Promise<CompareRun> {
  if (options.activations.length === 0) throw new Error('compare: give at least one activation');
  if (options.seeds.length === 0) throw new Error('compare: give at least one seed');
  if (options.lrs !== undefined && options.lrs.length === 0)
    throw new Error('compare: --lrs needs at least one rate');
  const jobsWanted = options.jobs ?? availableParallelism();
  if (!(Number.isInteger(jobsWanted) && jobsWanted >= 1))
    throw new RangeError(`--jobs (parallel runs) must be an integer in [1, Infinity), got ${jobsWanted}`);
  const lrs = options.lrs ?? null;
  const started = new Date();
  const t0 = performance.now();
  const id = options.id ?? makeRunId([lrs === null ? 'compare' : 'lrs', options.task], started);
  let dir = resolve(options.runsDir, id);
  // Without --id the name carries a timestamp; a clash (two starts in one second) gets a suffix.
  if (options.id === undefined)
    for (let n = 2; existsSync(dir); n++) dir = resolve(options.runsDir, `${id}-${n}`);

  // Every run's configuration is resolved (and checked) before the comparison folder exists.
  const activations = options.activations.map(
    (choice) => resolveRunConfig(options.task, choice, options.overrides).activation,
  );
  const file: SweepFile = {
    name: basename(dir),
    description: `gatelab compare: ${options.task}, ${activations.map(activationLabel).join(', ')}${lrs === null ? '' : ` at lr ${lrs.join(', ')}`}`,
    tasks: [options.task],
    fixed: {},
    grid: [
      ...(lrs === null ? [] : [{ key: 'lr', values: lrs }]),
      { key: 'activation', values: activations.map(activationSpecText) },
    ],
    zip: [],
    exclude: [],
    seeds: options.seeds,
    metric: 'auto',
    lines: {},
    source: 'compare',
  };
  const planned = planSweep(file, schemaTrialResolver(options.overrides));
  const sweep: SweepPlan = {
    ...planned,
    trials: planned.trials.map((t) => ({
      ...t,
      folder: compareRunFolder(t.config.activation, t.config.seed, lrs === null ? null : t.config.lr),
    })),
  };
  const { activation: _a, seed: _s, ...shared } = sweep.trials[0].config;
  const plan: ComparePlan = {
    version: 2,
    task: options.task,
    kind: options.kind,
    activations,
    seeds: options.seeds,
    ...(lrs === null ? {} : { lrs }),
    details: options.details ?? [],
    config: shared,
  };
  const folder = new SweepFolder(dir);
  const jobs = new Map<string, Job>();
  const notes: string[] = [];
  let resuming = false;
  // A folder killed before it held anything is as good as none.
  if (existsSync(dir) && options.id !== undefined && readdirSync(dir).length > 0) {
    let before: ComparePlan;
    try {
      before = readPlan(dir);
    } catch (error) {
      if (!existsSync(join(dir, PLAN_FILE))) throw error;
      // Damaged: each run folder's run.json is still checked against this command (below).
      process.stderr.write(`${(error as Error).message}; rewritten from this command\n`);
      writeJsonFile(join(dir, PLAN_FILE), plan);
      before = plan;
    }
    const differences = describeDifferences(identity(before), identity(plan));
    if (differences.length > 0) {
      throw new Error(
        `comparison '${id}' in ${dir} was made with a different configuration (${differences.join('; ')}); rerun it with the same options to resume it, or choose another --id`,
      );
    }
    resuming = true;
    for (const trial of sweep.trials) {
      const job = jobOf(trial, plan);
      if (folder.result(trial) !== null) {
        jobs.set(trial.id, { ...job, start: 'kept' });
        continue;
      }
      const runDir = folder.runDir(trial);
      const found = inspectRunFolder(runDir, trial.config);
      if (found.kind === 'different') {
        throw new Error(
          `${join(runDir, RUN_FILES.runConfig)} holds a different configuration (${found.differences.join('; ')}); rerun with the options of that comparison, or choose another --id`,
        );
      }
      if (found.kind === 'restart') notes.push(`${job.label} seed ${job.seed} starts again: ${found.why}`);
      const start = found.kind === 'finished' ? 'kept' : found.kind === 'resumable' ? 'resume' : 'fresh';
      jobs.set(trial.id, { ...job, start });
    }
  } else {
    makeFolder(dir);
    writeJsonFile(join(dir, PLAN_FILE), plan);
  }
  folder.write(sweep, null);
  for (const trial of sweep.trials) if (!jobs.has(trial.id)) jobs.set(trial.id, jobOf(trial, plan));

  const total = sweep.trials.length;
  const kept = [...jobs.values()].filter((j) => j.start === 'kept').length;
  const continued = [...jobs.values()].filter((j) => j.start === 'resume').length;
  const mode = options.progress ?? 'auto';
  const display =
    mode === 'none'
      ? lineDisplay(() => {})
      : (mode === 'auto' && process.stderr.isTTY) || mode === 'bar'
        ? barDisplay(total)
        : lineDisplay((line) => process.stderr.write(`${line}\n`));
  const say = (line: string) => {
    if (mode !== 'none') process.stderr.write(`${line}\n`);
  };
  if (resuming) {
    say(
      `resuming ${dir}: ${kept} runs kept, ${continued} continue from checkpoints, ${total - kept - continued} start`,
    );
  }
  for (const note of notes) say(note);

  let interruptedBy: string | null = null;
  const stopReason = () => options.stopRequested?.() ?? interruptedBy;
  const failures = new Map<string, string>();
  const outcomeOf = (trial: Trial): RunOutcome => {
    const base = outcomeBase(jobs.get(trial.id)!);
    const result = folder.result(trial);
    if (result !== null) return { ...base, summary: result.summary };
    const failure = failures.get(trial.id);
    if (failure !== undefined) return { ...base, summary: null, error: failure };
    const summary = readRunSummary(folder.runDir(trial));
    if (summary?.status === 'interrupted') return { ...base, summary };
    return { ...base, summary: null, error: 'not started (interrupted)' };
  };
  let done = kept;
  let pool: Awaited<ReturnType<typeof runLocal>>;
  try {
    pool = await runLocal(folder, sweep, {
      jobs: jobsWanted,
      // A failed run is a result of the comparison (reported, exit 1); rerunning the command retries it.
      retries: 0,
      launcher: options.launcher,
      stop: {
        reason: stopReason,
        onStop(listener) {
          options.onStop?.((reason) => {
            interruptedBy = reason;
            listener(reason);
          });
        },
      },
      events: {
        started: (trial) => display.started(jobs.get(trial.id)!),
        progress: (trial, step, steps) => display.progress(jobs.get(trial.id)!, step, steps),
        finished(trial, outcome) {
          if (outcome.kind === 'held') return;
          if (outcome.kind === 'failed') failures.set(trial.id, outcome.error);
          done++;
          display.finished(jobs.get(trial.id)!, outcomeOf(trial), done, total);
        },
      },
    });
  } finally {
    display.stop();
  }
  interruptedBy ??= options.stopRequested?.() ?? null;
  const wallSeconds = (performance.now() - t0) / 1000;
  const results = (lrs ?? [null]).map((lr) => {
    const trials = sweep.trials.filter((t) => lr === null || t.config.lr === lr);
    const outcomes = trials.map(outcomeOf);
    const unfinished = trials.some((t) => folder.result(t) === null);
    return finishCompare(lr === null ? dir : join(dir, `lr-${lr}`), plan, lr, outcomes, {
      wallSeconds,
      workers: pool.workers,
      interruptedBy: interruptedBy !== null && unfinished ? interruptedBy : null,
      resumed: resuming ? { kept, continued } : null,
    });
  });
  return { dir, results };
}

/** One comparison (no --lrs): runs it and returns its result. */
export async function runCompare(options: Omit<CompareOptions, 'lrs'>): Promise<CompareResult> {
  const run = await runComparison({ ...options, lrs: undefined });
  return run.results[0];
}

/** Statistics, table, compare.json and table.txt of a comparison folder from its outcomes. */
function finishCompare(
  dir: string,
  plan: ComparePlan,
  lr: number | null,
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
  const described = modelAndDataLines(outcomes.find((o) => o.summary !== null)?.summary ?? undefined);
  const how = run.rebuilt
    ? `${outcomes.length} runs, table rebuilt from the run folders`
    : `${outcomes.length} runs on ${run.workers} parallel processes in ${run.wallSeconds.toFixed(1)} s wall time (ms/step measured under that load)${run.resumed ? `; resumed: ${run.resumed.kept} runs kept, ${run.resumed.continued} continued from checkpoints` : ''}`;
  const { groups, verdict, table } = tabulateComparison({
    title: `gatelab compare: ${plan.task}, ${plan.activations.length} activations x ${plan.seeds.length} seeds (${plan.seeds.join(', ')})${run.interruptedBy !== null ? ` — INTERRUPTED (${run.interruptedBy})` : ''}`,
    details: [...described, ...setupLines(plan, lr), how, `runs: ${dir}`],
    kind: plan.kind,
    outcomes: counted,
  });
  const result: CompareResult = {
    status: run.interruptedBy === null ? 'completed' : 'interrupted',
    interruptedBy: run.interruptedBy,
    resumed: run.resumed,
    id: dir.split(/[\\/]/).pop()!,
    dir,
    task: plan.task,
    seeds: plan.seeds,
    ...(lr === null ? {} : { lr }),
    jobs: run.workers,
    wallSeconds: run.wallSeconds,
    outcomes,
    groups,
    verdict,
    table,
  };
  // The table is the result: a failed write (full disk, read-only) is reported with it, not instead.
  try {
    makeFolder(dir);
    writeJsonFile(join(dir, COMPARE_FILES.result), { ...result, table: undefined });
    writeFileSafely(join(dir, COMPARE_FILES.table), table);
  } catch (error) {
    if (!(error instanceof FileWriteError)) throw error;
    result.writeError = error.message;
  }
  return result;
}

/**
 * Rebuilds compare.json and table.txt of a comparison folder (of each learning rate's, with --lrs) from
 * compare-plan.json and the run folders alone (the summaries of the runs); a run without a readable
 * summary is listed as failed.
 */
export function rebuildCompare(dir: string): CompareResult[] {
  const plan = readPlan(dir);
  return (plan.lrs ?? [null]).map((lr) => {
    const outcomes = plan.activations.flatMap((choice) =>
      plan.seeds.map((seed): RunOutcome => {
        const runDir = join(dir, compareRunFolder(choice, seed, lr));
        const base = { label: activationLabel(choice), name: choice.name, params: choice.params ?? {}, seed };
        const summary = readRunSummary(runDir);
        if (summary !== null) return { ...base, summary };
        const file = join(runDir, RUN_FILES.summary);
        return {
          ...base,
          summary: null,
          error: existsSync(file) ? `${file} is damaged` : `no summary.json in ${runDir}`,
        };
      }),
    );
    const target = lr === null ? dir : join(dir, `lr-${lr}`);
    let previous: { wallSeconds?: number; jobs?: number } = {};
    try {
      previous = readJsonObject(join(target, COMPARE_FILES.result));
    } catch {
      // compare.json is what is being rebuilt: it may be missing or damaged.
    }
    return finishCompare(target, plan, lr, outcomes, {
      wallSeconds: Number(previous.wallSeconds) || 0,
      workers: Number(previous.jobs) || 0,
      interruptedBy: null,
      resumed: null,
      rebuilt: true,
    });
  });
}
