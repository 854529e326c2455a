/**
 * One experiment end to end: resolve the configuration against the task's defaults, load data, build
 * the model, train, and write runs/<id>/ (config.json, metrics.jsonl, summary.json, checkpoint.bin while
 * unfinished). `resumeExperiment` continues such a folder from its checkpoint.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type ActivationChoice, activationLabel } from '../models/activationSpec.js';
import type { Model } from '../models/types.js';
import { adamw } from '../optim/adamw.js';
import type { ScheduleSpec } from '../optim/schedule.js';
import { sgd } from '../optim/sgd.js';
import type { Optimizer } from '../optim/types.js';
import {
  type CheckpointFile,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
} from '../runs/checkpoint.js';
import { buildTaskModel, getTask, loadTaskData, type ModelOptions, type TaskDataOptions } from '../tasks.js';
import type { TrainingData } from './data.js';
import { createProgress, type ProgressMode, type ProgressSink } from './progress.js';
import { makeRunId, RunDirectory } from './runDir.js';
import { type EvalResult, type TrainHooks, type TrainResult, train } from './trainer.js';

/** Everything that defines a run (config.json holds this plus descriptions). */
export interface RunConfig {
  task: string;
  activation: ActivationChoice;
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adamw';
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  schedule: ScheduleSpec;
  clipNorm: number | null;
  maxSteps: number | null;
  evalBatchSize: number;
  model: ModelOptions;
  data: TaskDataOptions;
}

/** What a caller may override; everything else comes from the task. */
export type RunOverrides = Partial<Omit<RunConfig, 'task' | 'activation'>>;

/** Fills a run configuration from the task's defaults. */
export function resolveRunConfig(
  task: string,
  activation: ActivationChoice,
  overrides: RunOverrides = {},
): RunConfig {
  const spec = getTask(task);
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as RunOverrides;
  const config: RunConfig = {
    task: spec.name,
    activation,
    seed: 0,
    ...spec.defaults,
    maxSteps: null,
    model: {},
    data: {},
    ...defined,
  };
  checkConfig(config);
  return config;
}

function checkConfig(c: RunConfig): void {
  const positiveInt = { epochs: c.epochs, batchSize: c.batchSize, evalBatchSize: c.evalBatchSize };
  for (const [name, value] of Object.entries(positiveInt)) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new RangeError(`gatelab: ${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isSafeInteger(c.seed)) throw new RangeError(`gatelab: seed must be an integer, got ${c.seed}`);
  if (!(c.lr > 0 && Number.isFinite(c.lr)))
    throw new RangeError(`gatelab: learning rate must be > 0, got ${c.lr}`);
  if (c.optimizer !== 'sgd' && c.optimizer !== 'adamw') {
    throw new RangeError(`gatelab: unknown optimizer '${c.optimizer}'; valid: sgd, adamw`);
  }
  if (c.maxSteps !== null && !(Number.isInteger(c.maxSteps) && c.maxSteps >= 1)) {
    throw new RangeError(`gatelab: max steps must be a positive integer, got ${c.maxSteps}`);
  }
  if (c.clipNorm !== null && !(c.clipNorm > 0))
    throw new RangeError(`gatelab: clip norm must be > 0, got ${c.clipNorm}`);
}

export function buildOptimizer(c: RunConfig): Optimizer {
  return c.optimizer === 'sgd'
    ? sgd({ momentum: c.momentum, nesterov: c.nesterov && c.momentum > 0, weightDecay: c.weightDecay })
    : adamw({ weightDecay: c.weightDecay });
}

/** summary.json of a run. */
export interface RunSummary {
  id: string;
  dir: string;
  task: string;
  activation: { name: string; params: Record<string, number>; label: string };
  seed: number;
  status: TrainResult['status'];
  /** Step (1-based) and epoch at which the loss became NaN/Inf. */
  diverged: TrainResult['diverged'];
  /** Steps done when a signal (or the parent's exit) stopped the run; it resumes from its checkpoint. */
  interrupted: TrainResult['interrupted'];
  /** Steps at which this run was resumed from a checkpoint (empty for a run done in one go). */
  resumedAt: number[];
  model: string;
  data: string;
  paramCount: number;
  stepsDone: number;
  totalSteps: number;
  epochsDone: number;
  val: EvalResult | null;
  test: EvalResult | null;
  history: { epoch: number; step: number; val: EvalResult }[];
  timing: TrainResult['timing'] & { totalSeconds: number };
  startedAt: string;
  finishedAt: string;
}

/** Default of `--checkpoint-every`: a checkpoint costs a few ms against ~30-500 ms per step. */
export const DEFAULT_CHECKPOINT_EVERY = 100;

export interface RunOptions {
  runsDir: string;
  /** Directory name under runsDir; default task-activation-sSEED-timestamp. */
  runId?: string;
  progress?: ProgressMode | ProgressSink;
  /** Extra trainer hooks (diagnostics). */
  hooks?: TrainHooks;
  /** Extra hooks that need the built model, the data and the run folder (diagnostics, saved weights). */
  attach?: (run: { model: Model; data: TrainingData; config: RunConfig; dir: string }) => TrainHooks;
  /** Checkpoint every this many steps (0: only at evaluations and stops). Default DEFAULT_CHECKPOINT_EVERY. */
  checkpointEvery?: number;
  /** Polled at every step boundary; a reason stops the run as interrupted (after a checkpoint). */
  stopRequested?: () => string | null;
  /** Settings that are not part of the configuration but a resume must repeat, kept in config.json. */
  extras?: Record<string, unknown>;
}

/** config.json of a run: the configuration plus descriptions and the settings a resume repeats. */
export type RunConfigFile = RunConfig & {
  activationLabel: string;
  checkpointEvery: number;
  extras: Record<string, unknown>;
  startedAt: string;
};

/** Runs one experiment in a new run folder and writes its files. Returns the summary (also on divergence). */
export function runExperiment(config: RunConfig, options: RunOptions): Promise<RunSummary> {
  return execute(config, null, options);
}

/**
 * Continues the run in `dir` from its checkpoint.bin: same configuration (from its config.json), the
 * metrics lines written after the checkpoint are dropped and written again. Returns the summary.
 */
export function resumeExperiment(
  dir: string,
  options: Omit<RunOptions, 'runsDir' | 'runId'>,
): Promise<RunSummary> {
  const file = readRunConfig(dir);
  return execute(
    pickRunConfig(file),
    { dir: resolve(dir), file },
    {
      ...options,
      runsDir: dirname(resolve(dir)),
      checkpointEvery: options.checkpointEvery ?? file.checkpointEvery,
      extras: options.extras ?? file.extras,
    },
  );
}

/** Reads runs/<id>/config.json; errors name the file. */
export function readRunConfig(dir: string): RunConfigFile {
  const file = join(resolve(dir), 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${file}: cannot read the run's configuration (${(error as Error).message}); is ${dir} a run folder?`,
    );
  }
  try {
    return JSON.parse(text) as RunConfigFile;
  } catch (error) {
    throw new Error(`${file}: damaged configuration (${(error as Error).message})`);
  }
}

/** The RunConfig fields of a config.json. */
export function pickRunConfig(file: RunConfigFile): RunConfig {
  const keys: (keyof RunConfig)[] = [
    'task',
    'activation',
    'seed',
    'epochs',
    'batchSize',
    'lr',
    'optimizer',
    'weightDecay',
    'momentum',
    'nesterov',
    'schedule',
    'clipNorm',
    'maxSteps',
    'evalBatchSize',
    'model',
    'data',
  ];
  const config = Object.fromEntries(keys.map((k) => [k, file[k]])) as unknown as RunConfig;
  // config.json writes non-finite numbers as strings (jsonSafe); a softplus threshold may be Infinity.
  const params = config.activation.params;
  if (params) {
    config.activation = {
      ...config.activation,
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Number(v)])),
    };
  }
  checkConfig(config);
  return config;
}

async function execute(
  config: RunConfig,
  existing: { dir: string; file: RunConfigFile } | null,
  options: RunOptions,
): Promise<RunSummary> {
  const t0 = performance.now();
  const task = getTask(config.task);
  const modelOpts = config.model;
  const blockSize = typeof modelOpts.blockSize === 'number' ? modelOpts.blockSize : undefined;
  const data = loadTaskData(task, { ...config.data, blockSize: config.data.blockSize ?? blockSize });
  const model = buildTaskModel(task, data, config.activation, modelOpts);
  const optimizer = buildOptimizer(config);
  const label = activationLabel(config.activation);
  const checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  let run: RunDirectory;
  let checkpoint: CheckpointFile | null = null;
  let started: Date;
  const resumedAt: number[] = [];
  // Wall time of earlier processes of this run (a resumed run's totalSeconds covers all of them).
  let earlierMs = 0;
  if (existing === null) {
    started = new Date();
    const id = options.runId ?? makeRunId([config.task, label, `s${config.seed}`], started);
    run = new RunDirectory(options.runsDir, id);
    run.writeConfig({
      ...config,
      activationLabel: label,
      modelDescription: model.description,
      modelConfig: model.config,
      dataDescription: data.description,
      optimizerSettings: { name: optimizer.name, ...optimizer.settings },
      checkpointEvery,
      extras: options.extras ?? {},
      startedAt: started.toISOString(),
    });
  } else {
    run = RunDirectory.open(existing.dir);
    started = new Date(existing.file.startedAt);
    checkpoint = readCheckpoint(run.dir);
    run.truncateMetrics(checkpoint.metricsBytes);
    const earlier = checkpoint.extra.resumedAt;
    if (Array.isArray(earlier)) resumedAt.push(...(earlier as number[]));
    resumedAt.push(checkpoint.step);
    earlierMs = Number(checkpoint.extra.totalMs) || 0;
  }
  const sink =
    typeof options.progress === 'object' ? options.progress : createProgress(options.progress ?? 'auto');
  const logEvery = Math.max(1, Math.floor(data.stepsPerEpoch(config.batchSize) / 20));
  const attached = options.attach?.({ model, data, config, dir: run.dir });
  if (checkpoint !== null) {
    attached?.restoreState?.(checkpoint.extra.hooks);
    options.hooks?.restoreState?.(checkpoint.extra.hooks);
  }
  const hooks: TrainHooks = {
    ...options.hooks,
    ...attached,
    onStart(info) {
      sink.start(info.totalSteps, `${config.task} ${label} seed ${config.seed}`, info.resumedAtStep);
      options.hooks?.onStart?.(info);
    },
    onStep(event) {
      sink.step(event.step, event.loss, event.msPerStep);
      if (event.step % logEvery === 0 || event.step === event.totalSteps) {
        run.appendMetric({ kind: 'step', ...event });
      }
      options.hooks?.onStep?.(event);
    },
    onEval(event) {
      run.appendMetric({
        kind: 'eval',
        step: event.step,
        epoch: event.epoch,
        split: event.split,
        ...event.result,
      });
      sink.note(
        `${label} seed ${config.seed} epoch ${event.epoch} ${event.split}: ${describeEval(event.result)}`,
      );
      options.hooks?.onEval?.(event);
    },
    onDiverged(info) {
      run.appendMetric({ kind: 'diverged', ...info });
      sink.note(
        `${label} seed ${config.seed}: loss became ${info.loss} at step ${info.step} (epoch ${info.epoch}); run stopped as diverged`,
      );
      options.hooks?.onDiverged?.(info);
    },
    onCheckpoint(snapshot) {
      const hookState = attached?.saveState?.() ?? options.hooks?.saveState?.();
      writeCheckpoint(run.dir, {
        ...snapshot,
        metricsBytes: run.metricsBytes(),
        extra: { resumedAt, totalMs: earlierMs + performance.now() - t0, hooks: hookState ?? null },
        writtenAt: new Date().toISOString(),
      });
    },
  };
  let result: TrainResult;
  try {
    result = await train(
      model,
      data,
      optimizer,
      {
        seed: config.seed,
        epochs: config.epochs,
        batchSize: config.batchSize,
        lr: config.lr,
        schedule: config.schedule,
        clipNorm: config.clipNorm,
        maxSteps: config.maxSteps,
        evalBatchSize: config.evalBatchSize,
        logEvery,
        checkpointEvery,
        resume: checkpoint ?? undefined,
        stopRequested: options.stopRequested,
      },
      hooks,
    );
  } finally {
    sink.stop();
  }
  const summary: RunSummary = {
    id: run.dir.split(/[\\/]/).pop()!,
    dir: run.dir,
    task: config.task,
    activation: { name: config.activation.name, params: config.activation.params ?? {}, label },
    seed: config.seed,
    status: result.status,
    diverged: result.diverged,
    interrupted: result.interrupted,
    resumedAt,
    model: model.description,
    data: data.description,
    paramCount: result.paramCount,
    stepsDone: result.stepsDone,
    totalSteps: result.totalSteps,
    epochsDone: result.epochsDone,
    val: result.val,
    test: result.test,
    history: result.history.map((h) => ({ epoch: h.epoch, step: h.step, val: h.result })),
    timing: { ...result.timing, totalSeconds: (earlierMs + performance.now() - t0) / 1000 },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
  };
  run.writeSummary(summary);
  // A finished run needs no checkpoint (--save-weights keeps the final weights); an interrupted one does.
  if (result.status !== 'interrupted') removeCheckpoint(run.dir);
  return summary;
}

/** "acc 97.30% loss 0.0912" or "loss 1.6021 ppl 4.96 token acc 51.2%". */
export function describeEval(r: EvalResult): string {
  if (r.perplexity !== undefined) {
    return `loss ${r.loss.toFixed(4)} ppl ${r.perplexity.toFixed(3)} token acc ${(100 * r.accuracy).toFixed(2)}%`;
  }
  return `acc ${(100 * r.accuracy).toFixed(2)}% loss ${r.loss.toFixed(4)}`;
}
