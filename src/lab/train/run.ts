/**
 * One experiment end to end: resolve the configuration against the task's defaults, load data, build
 * the model, train, and write runs/<id>/ (config.json, metrics.jsonl, summary.json).
 */
import { type ActivationChoice, activationLabel } from '../models/activationSpec.js';
import type { Model } from '../models/types.js';
import { adamw } from '../optim/adamw.js';
import type { ScheduleSpec } from '../optim/schedule.js';
import { sgd } from '../optim/sgd.js';
import type { Optimizer } from '../optim/types.js';
import { DEVICE_CHOICES, type DeviceChoice, initLabRuntime, type RuntimeInfo } from '../runtime.js';
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
  /** Where to train: auto | wasm | webgpu | cpu (see src/lab/runtime.ts). */
  device: DeviceChoice;
  /** wasm worker threads. */
  threads: number;
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
    device: 'wasm',
    threads: 1,
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
  if (!(DEVICE_CHOICES as readonly string[]).includes(c.device)) {
    throw new RangeError(`gatelab: device must be one of ${DEVICE_CHOICES.join(', ')}, got '${c.device}'`);
  }
  if (!(Number.isInteger(c.threads) && c.threads >= 1)) {
    throw new RangeError(`gatelab: threads must be a positive integer, got ${c.threads}`);
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
  model: string;
  data: string;
  paramCount: number;
  stepsDone: number;
  totalSteps: number;
  epochsDone: number;
  val: EvalResult | null;
  test: EvalResult | null;
  history: { epoch: number; step: number; val: EvalResult }[];
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
}

/** Runs one experiment and writes its files. Returns the summary (also on divergence). */
export async function runExperiment(config: RunConfig, options: RunOptions): Promise<RunSummary> {
  const started = new Date();
  const t0 = performance.now();
  const runtime = await initLabRuntime({ device: config.device, threads: config.threads });
  const task = getTask(config.task);
  const modelOpts = config.model;
  const blockSize = typeof modelOpts.blockSize === 'number' ? modelOpts.blockSize : undefined;
  const data = loadTaskData(task, { ...config.data, blockSize: config.data.blockSize ?? blockSize });
  const model = buildTaskModel(task, data, config.activation, modelOpts);
  const optimizer = buildOptimizer(config);
  const label = activationLabel(config.activation);
  const id = options.runId ?? makeRunId([config.task, label, `s${config.seed}`], started);
  const run = new RunDirectory(options.runsDir, id);
  run.writeConfig({
    ...config,
    activationLabel: label,
    modelDescription: model.description,
    modelConfig: model.config,
    dataDescription: data.description,
    optimizerSettings: { name: optimizer.name, ...optimizer.settings },
    runtime,
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
    runtime,
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
