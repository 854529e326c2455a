/**
 * One experiment end to end: resolve the configuration against the task's defaults, load data, build
 * the model, train, and write runs/<id>/ (config.json, metrics.jsonl, summary.json).
 */
import { LEARNABLE_RECORD, type LearnableValue, learnableValues } from '../analysis/learnable.js';
import { type ActivationChoice, activationLabel, learnableParameterNames } from '../models/activationSpec.js';
import type { Model } from '../models/types.js';
import { adamw } from '../optim/adamw.js';
import { sgd } from '../optim/sgd.js';
import type { Optimizer } from '../optim/types.js';
import { type RunConfig, runConfigJson } from '../options/config.js';
import { makeRunId, RunDirectory } from '../runs/run-folder.js';
import { buildTaskModel, getTask, loadTaskData } from '../tasks.js';
import type { TrainingData } from './data.js';
import { createProgress, type ProgressMode, type ProgressSink } from './progress.js';
import { type EvalResult, type TrainHooks, type TrainResult, train } from './trainer.js';

export { type RunConfig, type RunOverrides, resolveRunConfig } from '../options/config.js';

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
  /** Learnable activation parameters after the last validation (runs with --learnable). */
  learnedActivation?: LearnableValue[];
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
  const modelOpts = config.model;
  const blockSize = typeof modelOpts.blockSize === 'number' ? modelOpts.blockSize : undefined;
  const data = loadTaskData(task, { ...config.data, blockSize });
  const activation = runActivation(config);
  const model = buildTaskModel(task, data, activation, modelOpts);
  const optimizer = buildOptimizer(config);
  checkFitsData(config, data);
  const label = activationLabel(activation);
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
  let learned: LearnableValue[] | null = null;
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
    onParameters(info) {
      if (activation.learnable !== undefined) {
        learned = learnableValues(activation.name, info.params);
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
    ...(learned !== null ? { learnedActivation: learned } : {}),
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
