/**
 * The training loop: seeded init, jitted steps, per-epoch validation, final test, divergence detection
 * and timing. It reports through callbacks (progress, metrics files) and returns a summary.
 */
import { createRng, deriveSeed } from '../data/index.js';
import type { Model } from '../models/types.js';
import { makeSchedule, type ScheduleSpec } from '../optim/schedule.js';
import { countEntries } from '../optim/tree.js';
import type { Optimizer } from '../optim/types.js';
import { type ArrayTree, initLabRuntime, type JaxArray, np, random, tree } from '../runtime.js';
import type { EvalSplit, HostBatch, TrainingData } from './data.js';
import { compileSteps, type TrainState } from './step.js';

export interface TrainOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  /** Base learning rate (the schedule scales it). */
  lr: number;
  schedule: ScheduleSpec;
  /** Clip gradients to this global norm; null = off. */
  clipNorm: number | null;
  /** Stop after this many steps (for quick runs); null = epochs * stepsPerEpoch. */
  maxSteps: number | null;
  /** Batch size of evaluation passes. */
  evalBatchSize: number;
  /** Write a step record every this many steps. */
  logEvery: number;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  /** exp(loss), language tasks only. */
  perplexity?: number;
  count: number;
}

export interface StepEvent {
  step: number;
  epoch: number;
  totalSteps: number;
  loss: number;
  lr: number;
  gradNorm?: number;
  /** Mean milliseconds per step so far, compile step excluded. */
  msPerStep: number;
}

export interface EvalEvent {
  step: number;
  epoch: number;
  split: EvalSplit;
  result: EvalResult;
}

export interface TrainHooks {
  onStart?(info: { totalSteps: number; stepsPerEpoch: number; paramCount: number }): void;
  onStep?(event: StepEvent): void;
  onEval?(event: EvalEvent): void;
  /**
   * Called with the current parameters before the first step and after each validation (learnable
   * activation parameters are logged from here). Must not consume the tree.
   */
  onParameters?(info: { step: number; epoch: number; params: ArrayTree }): void;
  /** Called on divergence before the loop stops. */
  onDiverged?(info: { step: number; epoch: number; loss: number }): void;
  /**
   * Diagnostics hook: called every `diagnosticsEvery` steps with the current trees and the batch, before
   * the update. Cheap per-layer recording lives in ./probe.ts.
   */
  onDiagnostics?(info: {
    step: number;
    epoch: number;
    params: ArrayTree;
    modelState: ArrayTree;
    batch: HostBatch;
  }): void;
  diagnosticsEvery?: number;
  /**
   * Called once when training ends (completed or diverged), with the final trees, before they are
   * released: final weight statistics and saved weights (src/lab/analysis/recorder.ts).
   */
  onFinish?(info: { params: ArrayTree; modelState: ArrayTree; stepsDone: number }): void;
}

export interface TrainResult {
  status: 'completed' | 'diverged';
  diverged: { step: number; epoch: number; loss: number } | null;
  stepsDone: number;
  epochsDone: number;
  totalSteps: number;
  paramCount: number;
  /** Validation after each completed epoch. */
  history: EvalEvent[];
  val: EvalResult | null;
  test: EvalResult | null;
  timing: {
    /** Mean wall time of a training step (host batch copy + compiled step + loss read), first step excluded. */
    msPerStep: number;
    stepsPerSecond: number;
    /** First step: tracing + compilation + run. */
    firstStepMs: number;
    trainSeconds: number;
    evalSeconds: number;
  };
}

/** Seed streams, so init, shuffling and dropout never share random numbers. */
const INIT_STREAM = 11;
const DROPOUT_STREAM = 12;

/** A jax-js array for one host batch. */
export function batchArrays(data: TrainingData, batch: HostBatch): [JaxArray, JaxArray] {
  const x =
    data.inputDtype === 'int32'
      ? np.array(batch.x as Int32Array, { shape: [batch.rows, ...data.inputShape], dtype: np.int32 })
      : np.array(batch.x as Float32Array, { shape: [batch.rows, ...data.inputShape] });
  const y = np.array(batch.y, { dtype: np.int32 });
  return [x, y];
}

/** Labels >= 0 (the positions a masked language model is scored on). */
function labelledCount(labels: Int32Array): number {
  let n = 0;
  for (const label of labels) if (label >= 0) n++;
  return n;
}

/** Fresh parameters and model state for (model, seed): the same seed gives the same bits. */
export function initModel(model: Model, seed: number) {
  const rng = createRng(deriveSeed(seed, INIT_STREAM));
  return model.init(() => rng.next());
}

/** Trains `model` on `data`. */
export async function train(
  model: Model,
  data: TrainingData,
  optimizer: Optimizer,
  options: TrainOptions,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  await initLabRuntime();
  const stepsPerEpoch = data.stepsPerEpoch(options.batchSize);
  if (stepsPerEpoch < 1) {
    throw new Error(
      `gatelab train: batch size ${options.batchSize} is larger than the ${data.trainSize} training examples`,
    );
  }
  const plannedSteps = options.epochs * stepsPerEpoch;
  const totalSteps = options.maxSteps === null ? plannedSteps : Math.min(plannedSteps, options.maxSteps);
  const schedule = makeSchedule(options.schedule, options.lr, totalSteps);

  const { params, state: modelState } = initModel(model, options.seed);
  const paramCount = countEntries(params);
  let state: TrainState = { params, optState: optimizer.init(params), modelState };
  const steps = compileSteps(model, optimizer, options.clipNorm, data.maskedLabels === true);
  hooks.onStart?.({ totalSteps, stepsPerEpoch, paramCount });

  const history: EvalEvent[] = [];
  let diverged: TrainResult['diverged'] = null;
  let step = 0;
  let epochsDone = 0;
  let firstStepMs = 0;
  let timedMs = 0;
  let evalMs = 0;
  const trainStart = performance.now();

  const evaluate = (split: EvalSplit): EvalResult => {
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    for (const batch of data.evalBatches(split, options.evalBatchSize)) {
      const [x, y] = batchArrays(data, batch);
      const [l, c] = steps.evaluate(state.params, state.modelState, x, y);
      lossSum += l.item();
      correct += c.item();
      count += data.maskedLabels === true ? labelledCount(batch.y) : batch.y.length;
    }
    evalMs += performance.now() - t0;
    const loss = lossSum / count;
    const result: EvalResult = { loss, accuracy: correct / count, count };
    if (data.kind === 'language') result.perplexity = Math.exp(loss);
    return result;
  };

  try {
    hooks.onParameters?.({ step: 0, epoch: 0, params: state.params });
    outer: for (let epoch = 0; epoch < options.epochs && step < totalSteps; epoch++) {
      for (const batch of data.trainBatches(epoch, options.batchSize, options.seed)) {
        if (step >= totalSteps) break;
        if (hooks.onDiagnostics && hooks.diagnosticsEvery && step % hooks.diagnosticsEvery === 0) {
          hooks.onDiagnostics({ step, epoch, params: state.params, modelState: state.modelState, batch });
        }
        const t0 = performance.now();
        const lr = schedule(step);
        const [x, y] = batchArrays(data, batch);
        const key = random.key(deriveSeed(options.seed, DROPOUT_STREAM, step));
        const scalarValues = optimizer.scalars(step + 1, lr);
        const scalars = Object.fromEntries(Object.entries(scalarValues).map(([k, v]) => [k, np.array(v)]));
        const out = steps.train(state, x, y, key, scalars);
        state = out.state;
        const loss = out.loss.item();
        const gradNorm = out.gradNorm === null ? undefined : out.gradNorm.item();
        const elapsed = performance.now() - t0;
        step++;
        if (step === 1) firstStepMs = elapsed;
        else timedMs += elapsed;
        if (!Number.isFinite(loss)) {
          diverged = { step, epoch: epoch + 1, loss };
          hooks.onDiverged?.(diverged);
          break outer;
        }
        const msPerStep = step > 1 ? timedMs / (step - 1) : elapsed;
        hooks.onStep?.({ step, epoch: epoch + 1, totalSteps, loss, lr, gradNorm, msPerStep });
      }
      epochsDone = epoch + 1;
      const val = evaluate('val');
      const event: EvalEvent = { step, epoch: epoch + 1, split: 'val', result: val };
      history.push(event);
      hooks.onEval?.(event);
      hooks.onParameters?.({ step, epoch: epoch + 1, params: state.params });
      if (!Number.isFinite(val.loss)) {
        diverged = { step, epoch: epoch + 1, loss: val.loss };
        hooks.onDiverged?.(diverged);
        break;
      }
    }
    let test: EvalResult | null = null;
    if (diverged === null) {
      test = evaluate('test');
      hooks.onEval?.({ step, epoch: epochsDone, split: 'test', result: test });
    }
    hooks.onFinish?.({ params: state.params, modelState: state.modelState, stepsDone: step });
    const trainSeconds = (performance.now() - trainStart - evalMs) / 1000;
    const msPerStep = step > 1 ? timedMs / (step - 1) : firstStepMs;
    return {
      status: diverged === null ? 'completed' : 'diverged',
      diverged,
      stepsDone: step,
      epochsDone,
      totalSteps,
      paramCount,
      history,
      val: diverged === null ? (history.at(-1)?.result ?? null) : null,
      test,
      timing: {
        msPerStep,
        stepsPerSecond: msPerStep > 0 ? 1000 / msPerStep : 0,
        firstStepMs,
        trainSeconds,
        evalSeconds: evalMs / 1000,
      },
    };
  } finally {
    tree.dispose(state as never);
    steps.dispose();
  }
}
