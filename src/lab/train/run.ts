/**
 * One experiment end to end: resolve the configuration against the task's defaults, load data, build
 * the model, train, and write runs/<id>/ (config.json, metrics.jsonl, summary.json).
 */

import type { TrainingData } from '../data/training-data.js';
import { activationLabel } from '../models/activation-spec.js';
import type { Model } from '../models/types.js';
import { adamw } from '../optim/adamw.js';
import { sgd } from '../optim/sgd.js';
import type { Optimizer } from '../optim/types.js';
import { makeRunId, RunDirectory } from '../runs/run-folder.js';
import { buildTaskModel, getTask, loadTaskData } from '../tasks.js';
import { type RunConfig, runConfigJson } from './config.js';
import { createProgress, type ProgressMode, type ProgressSink } from './progress.js';
import { type EvalResult, type TrainHooks, type TrainResult, train } from './trainer.js';

export { type RunConfig, type RunOverrides, resolveRunConfig } from './config.js';

/**
 * Checks the configuration against the loaded data (before anything is written): a batch larger
 * than the training set would give epochs of zero steps.
 */
function checkFitsData(config: RunConfig, data: TrainingData): void {
  if (data.kind === 'classification' && data.stepsPerEpoch(config.batchSize) < 1) {
    throw new RangeError(
      `--batch-size (training batch size) must be at most the ${data.trainSize} training examples of ${config.task}, got ${config.batchSize}`,
    );
  }
}

/**
 * Loads the run's data and checks the configuration against it, before anything is written (`compare`
 * calls it once before its folder exists; each run again before its own).
 */
export function loadRunData(config: RunConfig): TrainingData {
  const blockSize = typeof config.model.blockSize === 'number' ? config.model.blockSize : undefined;
  const data = loadTaskData(getTask(config.task), { ...config.data, blockSize });
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
  activation: { name: string; params: Record<string, number>; label: string };
  seed: number;
  status: TrainResult['status'];
  /** Step (1-based) and epoch at which the loss became NaN/Inf. */
  diverged: TrainResult['diverged'];
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

export interface RunOptions {
  runsDir: string;
  /** Directory name under runsDir; default task-activation-sSEED-timestamp. */
  runId?: string;
  /**
   * An existing folder prepared for this run (by `compare` or a sweep: it holds run.json and nothing
   * else yet); used as is instead of a new folder under runsDir.
   */
  dir?: string;
  progress?: ProgressMode | ProgressSink;
  /** Extra trainer hooks (diagnostics). */
  hooks?: TrainHooks;
  /** Extra hooks that need the built model, the data and the run folder (diagnostics, saved weights). */
  attach?: (run: { model: Model; data: TrainingData; config: RunConfig; dir: string }) => TrainHooks;
}

/** Runs one experiment and writes its files. Returns the summary (also on divergence). */
export async function runExperiment(config: RunConfig, options: RunOptions): Promise<RunSummary> {
  const started = new Date();
  const t0 = performance.now();
  const task = getTask(config.task);
  const data = loadRunData(config);
  const model = buildTaskModel(task, data, config.activation, config.model);
  const optimizer = buildOptimizer(config);
  const label = activationLabel(config.activation);
  const id = options.runId ?? makeRunId([config.task, label, `s${config.seed}`], started);
  const run =
    options.dir !== undefined ? RunDirectory.open(options.dir) : new RunDirectory(options.runsDir, id);
  run.writeRunConfig(runConfigJson(config));
  run.writeConfig({
    ...config,
    activationLabel: label,
    modelDescription: model.description,
    modelConfig: model.config,
    dataDescription: data.description,
    optimizerSettings: { name: optimizer.name, ...optimizer.settings },
    startedAt: started.toISOString(),
  });
  const sink =
    typeof options.progress === 'object' ? options.progress : createProgress(options.progress ?? 'auto');
  const logEvery = Math.max(1, Math.floor(data.stepsPerEpoch(config.batchSize) / 20));
  const attached = options.attach?.({ model, data, config, dir: run.dir });
  const hooks: TrainHooks = {
    ...options.hooks,
    ...attached,
    onStart(info) {
      sink.start(info.totalSteps, `${config.task} ${label} seed ${config.seed}`);
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
    model: model.description,
    data: data.description,
    paramCount: result.paramCount,
    stepsDone: result.stepsDone,
    totalSteps: result.totalSteps,
    epochsDone: result.epochsDone,
    val: result.val,
    test: result.test,
    history: result.history.map((h) => ({ epoch: h.epoch, step: h.step, val: h.result })),
    timing: { ...result.timing, totalSeconds: (performance.now() - t0) / 1000 },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
  };
  run.writeSummary(summary);
  return summary;
}

/** "acc 97.30% loss 0.0912" or "loss 1.6021 ppl 4.96 token acc 51.2%". */
export function describeEval(r: EvalResult): string {
  if (r.perplexity !== undefined) {
    return `loss ${r.loss.toFixed(4)} ppl ${r.perplexity.toFixed(3)} token acc ${(100 * r.accuracy).toFixed(2)}%`;
  }
  return `acc ${(100 * r.accuracy).toFixed(2)}% loss ${r.loss.toFixed(4)}`;
}
