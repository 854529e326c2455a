/**
 * One experiment end to end: resolve the configuration against the task's defaults, load data, build
 * the model, train, and write runs/<id>/ (run.json, config.json, metrics.jsonl, summary.json, and
 * checkpoint.bin while unfinished). `resumeExperiment` continues such a folder from its checkpoint.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LEARNABLE_RECORD, type LearnableValue, learnableValues } from '../analysis/learnable.js';
import type { TrainingData } from '../data/training-data.js';
import { formatMetric, type MetricKind, metricSpec } from '../metrics/kinds.js';
import {
  type ActivationChoice,
  activationLabel,
  learnableParameterNames,
} from '../models/activation-spec.js';
import type { Model } from '../models/types.js';
import { adamw } from '../optim/adamw.js';
import { sgd } from '../optim/sgd.js';
import type { Optimizer } from '../optim/types.js';
import {
  type CheckpointFile,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
} from '../runs/checkpoint.js';
import { readJsonObject } from '../runs/files.js';
import { makeRunId, RUN_FILES, RunDirectory } from '../runs/run-folder.js';
import { describeRuntime, initLabRuntime, type RuntimeInfo } from '../runtime.js';
import { buildTaskModel, getTask, loadTaskData } from '../tasks.js';
import { type RunConfig, runConfigFromJson, runConfigJson } from './config.js';
import { createProgress, type ProgressMode, type ProgressSink } from './progress.js';
import { type EvalResult, type TrainHooks, type TrainResult, train } from './trainer.js';

export { type RunConfig, type RunOverrides, resolveRunConfig } from './config.js';

/**
 * Checks the configuration against the loaded data (before anything is written): a batch larger
 * than the training set would give epochs of zero steps.
 */
function checkFitsData(config: RunConfig, data: TrainingData): void {
  if (data.kind !== 'language' && data.stepsPerEpoch(config.batchSize) < 1) {
    throw new RangeError(
      `--batch-size (training batch size) must be at most the ${data.trainSize} training examples of ${config.task}, got ${config.batchSize}`,
    );
  }
}

/**
 * The run's activation with its learnable parameters: the requested names this activation has as
 * learnable catalog parameters (none: a fixed activation). A comparison may mix activations, so names
 * another activation lacks are left out here; `train` checks them strictly.
 */
export function runActivation(c: RunConfig): ActivationChoice {
  const own = learnableParameterNames(c.activation.name);
  const names = c.learnable.filter((n) => own.includes(n));
  return names.length === 0
    ? c.activation
    : { ...c.activation, learnable: { names, scope: c.learnableScope } };
}

/**
 * Loads the run's data and checks the configuration against it, before anything is written (`compare`
 * calls it once before its folder exists; each run again before its own).
 */
export function loadRunData(config: RunConfig): TrainingData {
  const blockSize = typeof config.model.blockSize === 'number' ? config.model.blockSize : undefined;
  const data = loadTaskData(getTask(config.task), { ...config.data, blockSize, model: config.model });
  checkFitsData(config, data);
  return data;
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
  /** How the run is judged (src/lab/metrics/kinds.ts): which metrics its evaluations hold. */
  metricKind: MetricKind;
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
  /** Learnable activation parameters after the last validation (runs with --learnable). */
  learnedActivation?: LearnableValue[];
  /** The device (and WebGPU adapter, thread count) the run trained on. */
  runtime: RuntimeInfo;
  timing: TrainResult['timing'] & { totalSeconds: number };
  startedAt: string;
  finishedAt: string;
}

export interface RunOptions {
  runsDir: string;
  /** Directory name under runsDir; default task-activation-sSEED-timestamp. */
  runId?: string;
  progress?: ProgressMode | ProgressSink;
  /** Extra trainer hooks (diagnostics). */
  hooks?: TrainHooks;
  /** Extra hooks that need the built model, the data and the run folder (diagnostics, saved weights). */
  attach?: (run: { model: Model; data: TrainingData; config: RunConfig; dir: string }) => TrainHooks;
  /** Polled at every step boundary; a reason stops the run as interrupted (after a checkpoint). */
  stopRequested?: () => string | null;
}

/** Runs one experiment in a new (or prepared) run folder and writes its files. Returns the summary. */
export function runExperiment(config: RunConfig, options: RunOptions): Promise<RunSummary> {
  return execute(config, null, options);
}

/**
 * Continues the run in `dir` from its checkpoint.bin, with the configuration of its run.json: the
 * metrics lines written after the checkpoint are dropped and written again. Returns the summary.
 */
export function resumeExperiment(
  dir: string,
  options: Omit<RunOptions, 'runsDir' | 'runId' | 'dir'>,
): Promise<RunSummary> {
  const folder = resolve(dir);
  const config = readRunJson(folder);
  return execute(config, folder, { ...options, runsDir: folder });
}

/** 'completed' or 'diverged' when the run in `dir` has finished (its summary says so), else null. */
function finishedStatus(dir: string): string | null {
  const file = join(dir, RUN_FILES.summary);
  if (!existsSync(file)) return null;
  try {
    const status = readJsonObject(file).status;
    return status === 'completed' || status === 'diverged' ? status : null;
  } catch {
    return null;
  }
}

/** The configuration in runs/<id>/run.json; errors name the file. */
export function readRunJson(dir: string): RunConfig {
  const file = join(resolve(dir), 'run.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${file}: cannot read the run's configuration (${(error as Error).message}); is ${dir} a run folder?`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: damaged configuration (${(error as Error).message})`);
  }
  return runConfigFromJson(json, file);
}

async function execute(
  config: RunConfig,
  resumeDir: string | null,
  options: RunOptions,
): Promise<RunSummary> {
  const t0 = performance.now();
  const runtime = await initLabRuntime({ device: config.device, threads: config.threads });
  if (runtime.device === 'webgpu' && (config.diagnosticsEvery > 0 || config.saveWeights)) {
    throw new Error(
      `--diagnostics and --save-weights read results synchronously, which WebGPU in Node cannot do; use --device wasm for them (got --device ${config.device}, running on webgpu)`,
    );
  }
  const task = getTask(config.task);
  const data = loadRunData(config);
  const activation = runActivation(config);
  const model = buildTaskModel(task, data, activation, config.model);
  const optimizer = buildOptimizer(config);
  const label = activationLabel(activation);
  let run: RunDirectory;
  let checkpoint: CheckpointFile | null = null;
  let started = new Date();
  const resumedAt: number[] = [];
  // Wall time of earlier processes of this run (a resumed run's totalSeconds covers all of them).
  let earlierMs = 0;
  if (resumeDir === null) {
    const id = options.runId ?? makeRunId([config.task, label, `s${config.seed}`], started);
    run = new RunDirectory(options.runsDir, id);
    run.writeRunConfig(runConfigJson(config));
    run.writeConfig({
      ...config,
      metricKind: data.kind,
      activationLabel: label,
      modelDescription: model.description,
      modelConfig: model.config,
      dataDescription: data.description,
      optimizerSettings: { name: optimizer.name, ...optimizer.settings },
      runtime,
      startedAt: started.toISOString(),
    });
  } else {
    checkpoint = readCheckpoint(resumeDir, finishedStatus(resumeDir));
    run = RunDirectory.resume(resumeDir);
    run.truncateMetrics(checkpoint.metricsBytes);
    const earlier = checkpoint.extra.resumedAt;
    if (Array.isArray(earlier)) resumedAt.push(...(earlier as number[]));
    resumedAt.push(checkpoint.step);
    earlierMs = Number(checkpoint.extra.totalMs) || 0;
    if (typeof checkpoint.extra.startedAt === 'string') started = new Date(checkpoint.extra.startedAt);
  }
  const sink =
    typeof options.progress === 'object' ? options.progress : createProgress(options.progress ?? 'auto');
  // What `auto` chose, in one line (an explicit device needs no announcement).
  if (runtime.requested === 'auto') sink.note(describeRuntime(runtime));
  const logEvery = Math.max(1, Math.floor(data.stepsPerEpoch(config.batchSize) / 20));
  const attached = options.attach?.({ model, data, config, dir: run.dir });
  let learned: LearnableValue[] | null = null;
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
      const figure =
        event.figure === undefined ? {} : { figure: run.writeFigure(event.split, event.step, event.figure) };
      run.appendMetric({
        kind: 'eval',
        step: event.step,
        epoch: event.epoch,
        split: event.split,
        ...event.result,
        ...figure,
      });
      sink.note(
        `${label} seed ${config.seed} epoch ${event.epoch} ${event.split}: ${describeEval(event.result)}`,
      );
      options.hooks?.onEval?.(event);
    },
    onNote(line) {
      sink.note(line);
      options.hooks?.onNote?.(line);
    },
    onParameters(info) {
      if (activation.learnable !== undefined) {
        learned = learnableValues(activation.name, info.params);
        // A resumed run's starting values are in metrics.jsonl already (before the checkpoint's offset).
        if (info.resumed !== true)
          run.appendMetric({ kind: LEARNABLE_RECORD, step: info.step, epoch: info.epoch, values: learned });
      }
      options.hooks?.onParameters?.(info);
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
        extra: {
          resumedAt,
          startedAt: started.toISOString(),
          totalMs: earlierMs + performance.now() - t0,
          hooks: hookState ?? null,
        },
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
        checkpointEvery: config.checkpointEvery,
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
    metricKind: data.kind,
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
    ...(learned !== null ? { learnedActivation: learned } : {}),
    runtime,
    timing: { ...result.timing, totalSeconds: (earlierMs + performance.now() - t0) / 1000 },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
  };
  run.writeSummary(summary);
  // A finished run needs no checkpoint (--save-weights keeps the final weights); an interrupted one does.
  if (result.status !== 'interrupted') removeCheckpoint(run.dir);
  return summary;
}

/** "acc 97.30% loss 0.0912", "loss 1.6021 ppl 4.96 token acc 51.2%" or "mIoU 71.20% pixel accuracy 97.10% loss 0.0912". */
export function describeEval(r: EvalResult): string {
  if (r.metrics !== undefined) {
    const own = Object.entries(r.metrics).map(([key, value]) => {
      const spec = metricSpec(key);
      return `${spec.title} ${formatMetric(spec, value)}`;
    });
    return [...own, `loss ${r.loss.toFixed(4)}`].join(' ');
  }
  if (r.perplexity !== undefined) {
    return `loss ${r.loss.toFixed(4)} ppl ${r.perplexity.toFixed(3)} token acc ${(100 * r.accuracy).toFixed(2)}%`;
  }
  return `acc ${(100 * r.accuracy).toFixed(2)}% loss ${r.loss.toFixed(4)}`;
}
