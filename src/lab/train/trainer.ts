/**
 * The training loop: seeded init, jitted steps, per-epoch validation, final test, divergence detection
 * and timing. It reports through callbacks (progress, metrics files) and returns a summary.
 */
import { createRng, deriveSeed } from '../data/index.js';
import type { EvalSplit, HostBatch, TrainingData } from '../data/training-data.js';
import type { Model } from '../models/types.js';
import { makeSchedule, type ScheduleSpec } from '../optim/schedule.js';
import { countEntries } from '../optim/tree.js';
import type { Optimizer } from '../optim/types.js';
import type { HostTensor, TensorDType, TrainerSnapshot } from '../runs/checkpoint.js';
import type { EvalRecord, StepRecord } from '../runs/read.js';
import {
  type ArrayTree,
  initLabRuntime,
  type JaxArray,
  np,
  random,
  readArray,
  readNumber,
  settle,
  tree,
} from '../runtime.js';
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
  /** Hand a checkpoint to `onCheckpoint` every this many steps (0 or absent: only at evaluations and stops). */
  checkpointEvery?: number;
  /** Continue from this state instead of a fresh initialisation. */
  resume?: TrainerSnapshot;
  /** Polled at every step boundary: a reason (e.g. 'SIGTERM') stops the run there as interrupted. */
  stopRequested?: () => string | null;
}

/** An evaluation: the record written to metrics.jsonl, and how many examples it covered. */
export interface EvalResult extends EvalRecord {
  count: number;
}

export interface StepEvent extends StepRecord {
  totalSteps: number;
  /** Mean milliseconds per step so far, compile step excluded. */
  msPerStep: number;
}

export interface EvalEvent {
  step: number;
  epoch: number;
  split: EvalSplit;
  result: EvalResult;
  /** The evaluation's figure (SVG text) from a task-specific evaluation; the run folder keeps it. */
  figure?: string;
}

export interface TrainHooks {
  onStart?(info: {
    totalSteps: number;
    stepsPerEpoch: number;
    paramCount: number;
    resumedAtStep: number;
  }): void;
  onStep?(event: StepEvent): void;
  onEval?(event: EvalEvent): void;
  /** A line for the progress display from inside training (a task evaluation's notes). */
  onNote?(line: string): void;
  /**
   * Called with the current parameters before the first step and after each validation (learnable
   * activation parameters are logged from here). `resumed`: the parameters a resumed run starts from,
   * already recorded by the process that wrote the checkpoint. Must not consume the tree.
   */
  onParameters?(info: { step: number; epoch: number; params: ArrayTree; resumed?: boolean }): void;
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
   * released: final weight statistics and saved weights (src/lab/hooks/recorder.ts).
   */
  onFinish?(info: { params: ArrayTree; modelState: ArrayTree; stepsDone: number }): void;
  /** State of the hook itself that a checkpoint keeps (diagnostics snapshots so far), as JSON. */
  saveState?(): unknown;
  /** Takes back what saveState returned, before a resumed run starts. */
  restoreState?(state: unknown): void;
  /** The resumable state, every `checkpointEvery` steps, after each evaluation and on a stop request. */
  onCheckpoint?(snapshot: TrainerSnapshot, reason: CheckpointReason): void;
}

export interface TrainResult {
  status: 'completed' | 'diverged' | 'interrupted';
  diverged: { step: number; epoch: number; loss: number } | null;
  /** Steps done and 1-based epoch when a stop request ended the run, and its reason (signal name). */
  interrupted: { step: number; epoch: number; reason: string } | null;
  stepsDone: number;
  epochsDone: number;
  totalSteps: number;
  paramCount: number;
  /** Validation after each completed epoch. */
  history: EvalEvent[];
  val: EvalResult | null;
  test: EvalResult | null;
  timing: {
    /**
     * Mean wall time of a training step (host batch copy + compiled step + loss read); the first step of
     * each process (compilation) is excluded.
     */
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
  const y =
    data.target !== undefined
      ? np.array(batch.y as Float32Array, { shape: [batch.rows, ...data.target.shape] })
      : np.array(batch.y as Int32Array, { dtype: np.int32 });
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

/** Trains `model` on `data` (from scratch, or from `options.resume`). */
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
  const resume = options.resume ?? null;
  if (resume !== null && resume.totalSteps !== totalSteps) {
    throw new Error(
      `the checkpoint was taken in a run of ${resume.totalSteps} steps, this configuration has ${totalSteps}`,
    );
  }

  const fresh = initModel(model, options.seed);
  const paramCount = countEntries(fresh.params);
  const freshOpt = optimizer.init(fresh.params);
  let state: TrainState =
    resume === null
      ? { params: fresh.params, optState: freshOpt, modelState: fresh.state }
      : {
          params: restoreLeaves(fresh.params, resume.trees.params, 'parameters'),
          optState: restoreLeaves(freshOpt, resume.trees.optState, 'optimizer state'),
          modelState: restoreLeaves(fresh.state, resume.trees.modelState, 'model state'),
        };
  const steps = compileSteps(model, optimizer, options.clipNorm, data.maskedLabels === true, {
    outputs: data.evaluation !== undefined,
  });
  hooks.onStart?.({ totalSteps, stepsPerEpoch, paramCount, resumedAtStep: resume?.step ?? 0 });

  const history: EvalEvent[] = resume === null ? [] : (resume.history as EvalEvent[]);
  let diverged: TrainResult['diverged'] = null;
  let interrupted: TrainResult['interrupted'] = null;
  let step = resume?.step ?? 0;
  let epochsDone = resume?.epochsDone ?? 0;
  const timing = resume?.timing ?? { firstStepMs: 0, timedMs: 0, timedSteps: 0, evalMs: 0, trainMs: 0 };
  let { firstStepMs, timedMs, timedSteps, evalMs } = timing;
  // The first step of this process compiles the step function: never part of the mean.
  let firstOfSegment = true;
  const segmentStart = performance.now();
  const evalMsAtStart = evalMs;
  const trainMsSoFar = () => timing.trainMs + (performance.now() - segmentStart) - (evalMs - evalMsAtStart);
  let lastCheckpoint = -1;

  const evaluate = async (split: EvalSplit): Promise<{ result: EvalResult; figure?: string }> => {
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    const taskEvaluation = data.evaluation?.(split);
    for (const batch of data.evalBatches(split, options.evalBatchSize)) {
      const [x, y] = batchArrays(data, batch);
      const [l, c, outputs] = steps.evaluate(state.params, state.modelState, x, y);
      lossSum += await readNumber(l);
      correct += await readNumber(c);
      // A model with its own loss returns mean x rows: its loss averages over examples.
      count += model.loss
        ? batch.rows
        : data.maskedLabels === true
          ? labelledCount(batch.y as Int32Array)
          : batch.y.length;
      if (outputs !== undefined) {
        const host = Float32Array.from(await readArray(outputs));
        taskEvaluation?.add(batch, host);
      }
    }
    const loss = lossSum / count;
    const result: EvalResult = { loss, accuracy: model.loss ? Number.NaN : correct / count, count };
    if (data.kind === 'language') result.perplexity = Math.exp(loss);
    let figure: string | undefined;
    if (taskEvaluation !== undefined) {
      const own = await taskEvaluation.finish({
        predict: async (input, rows) => {
          const x = np.array(input, { shape: [rows, ...data.inputShape] });
          return Float32Array.from(await readArray(steps.predict(state.params, state.modelState, x)));
        },
        note: (line) => hooks.onNote?.(line),
      });
      result.metrics = own.metrics;
      if (own.perClass !== undefined) result.perClass = own.perClass;
      figure = own.figure;
    }
    evalMs += performance.now() - t0;
    return figure === undefined ? { result } : { result, figure };
  };

  /** Host copies of everything the rest of the run depends on; handed to onCheckpoint. */
  const checkpoint = async (epoch: number, batchInEpoch: number, reason: CheckpointReason) => {
    if (!hooks.onCheckpoint || lastCheckpoint === step) return;
    lastCheckpoint = step;
    const trees = {
      params: await hostTensors(state.params),
      optState: await hostTensors(state.optState),
      modelState: await hostTensors(state.modelState),
    };
    hooks.onCheckpoint(
      {
        step,
        epoch,
        batchInEpoch,
        epochsDone,
        totalSteps,
        history: [...history],
        timing: { firstStepMs, timedMs, timedSteps, evalMs, trainMs: trainMsSoFar() },
        trees,
      },
      reason,
    );
  };
  const every = options.checkpointEvery ?? 0;

  try {
    // The parameters the run starts from: the fresh ones at step 0, or the resumed ones at the checkpoint's step.
    hooks.onParameters?.({
      step: resume?.step ?? 0,
      epoch: resume?.epochsDone ?? 0,
      params: state.params,
      resumed: resume !== null,
    });
    const startEpoch = resume?.epoch ?? 0;
    const startBatch = resume?.batchInEpoch ?? 0;
    outer: for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      // An epoch starts only while steps remain, except the one a checkpoint was taken inside of.
      const resumingInside = epoch === startEpoch && startBatch > 0;
      if (step >= totalSteps && !resumingInside) break;
      let batchInEpoch = epoch === startEpoch ? startBatch : 0;
      for (const batch of data.trainBatches(epoch, options.batchSize, options.seed, batchInEpoch)) {
        if (step >= totalSteps) break;
        // Signals and a parent's exit are only seen when the event loop runs: let it, once per step.
        await yieldToEventLoop();
        const reason = options.stopRequested?.() ?? null;
        if (reason !== null) {
          interrupted = { step, epoch: epoch + 1, reason };
          await checkpoint(epoch, batchInEpoch, 'stop');
          break outer;
        }
        if (hooks.onDiagnostics && hooks.diagnosticsEvery && step % hooks.diagnosticsEvery === 0) {
          await settle(state);
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
        const loss = await readNumber(out.loss);
        const gradNorm = out.gradNorm === null ? undefined : await readNumber(out.gradNorm);
        const elapsed = performance.now() - t0;
        step++;
        batchInEpoch++;
        if (step === 1) firstStepMs = elapsed;
        else if (!firstOfSegment) {
          timedMs += elapsed;
          timedSteps++;
        }
        firstOfSegment = false;
        if (!Number.isFinite(loss)) {
          diverged = { step, epoch: epoch + 1, loss };
          hooks.onDiverged?.(diverged);
          break outer;
        }
        const msPerStep = timedSteps > 0 ? timedMs / timedSteps : elapsed;
        hooks.onStep?.({ step, epoch: epoch + 1, totalSteps, loss, lr, gradNorm, msPerStep });
        if (every > 0 && step % every === 0) await checkpoint(epoch, batchInEpoch, 'every');
      }
      epochsDone = epoch + 1;
      const { result: val, figure } = await evaluate('val');
      const event: EvalEvent = { step, epoch: epoch + 1, split: 'val', result: val };
      // The history (kept in checkpoints) holds the numbers; the figure goes to the hook only.
      history.push(event);
      hooks.onEval?.(figure === undefined ? event : { ...event, figure });
      hooks.onParameters?.({ step, epoch: epoch + 1, params: state.params });
      if (!Number.isFinite(val.loss)) {
        diverged = { step, epoch: epoch + 1, loss: val.loss };
        hooks.onDiverged?.(diverged);
        break;
      }
      lastCheckpoint = -1;
      await checkpoint(epoch + 1, 0, 'eval');
      await yieldToEventLoop();
      const reason = options.stopRequested?.() ?? null;
      if (reason !== null && epoch + 1 < options.epochs && step < totalSteps) {
        interrupted = { step, epoch: epoch + 1, reason };
        break;
      }
    }
    let test: EvalResult | null = null;
    if (diverged === null && interrupted === null) {
      const evaluated = await evaluate('test');
      test = evaluated.result;
      const event: EvalEvent = { step, epoch: epochsDone, split: 'test', result: test };
      if (evaluated.figure !== undefined) event.figure = evaluated.figure;
      hooks.onEval?.(event);
    }
    await settle(state);
    if (interrupted === null)
      hooks.onFinish?.({ params: state.params, modelState: state.modelState, stepsDone: step });
    const msPerStep = timedSteps > 0 ? timedMs / timedSteps : firstStepMs;
    return {
      status: interrupted !== null ? 'interrupted' : diverged === null ? 'completed' : 'diverged',
      diverged,
      interrupted,
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
        trainSeconds: trainMsSoFar() / 1000,
        evalSeconds: evalMs / 1000,
      },
    };
  } finally {
    tree.dispose(state as never);
    steps.dispose();
  }
}

/** Why a checkpoint is taken: every N steps, after an evaluation, or on a stop request. */
export type CheckpointReason = 'every' | 'eval' | 'stop';

/** One turn of the event loop (signal handlers, IPC 'disconnect', stdout writes run here). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolveTurn) => setImmediate(resolveTurn));
}

/**
 * Host copies of a tree's leaves in `tree.leaves` order (the tree is not consumed); read through the
 * runtime, so this works on webgpu and the wasm thread pool too.
 */
async function hostTensors(t: ArrayTree): Promise<HostTensor[]> {
  const out: HostTensor[] = [];
  for (const leaf of tree.leaves(t as never) as JaxArray[]) {
    const dtype = String(leaf.dtype) as TensorDType;
    if (!(dtype in HOST_TYPES)) throw new Error(`cannot checkpoint a tensor of dtype ${dtype}`);
    const values = await readArray(leaf.ref);
    out.push({ dtype, shape: [...leaf.shape], data: HOST_TYPES[dtype].from(values) });
  }
  return out;
}

const HOST_TYPES = { float32: Float32Array, int32: Int32Array, uint32: Uint32Array, float64: Float64Array };

/** Saved leaves in the structure of `like` (a fresh init); shapes and dtypes must match. Consumes `like`. */
function restoreLeaves(like: ArrayTree, saved: HostTensor[], what: string): ArrayTree {
  const structure = tree.structure(like as never);
  const leaves = tree.leaves(like as never) as JaxArray[];
  if (leaves.length !== saved.length) {
    throw new Error(
      `the checkpoint holds ${saved.length} tensors of ${what}, the model has ${leaves.length}`,
    );
  }
  const arrays = leaves.map((leaf, i) => {
    const shape = [...leaf.shape];
    const dtype = String(leaf.dtype);
    if (shape.join('x') !== saved[i].shape.join('x') || dtype !== saved[i].dtype) {
      throw new Error(
        `${what} tensor ${i} in the checkpoint is ${saved[i].dtype}[${saved[i].shape}], the model expects ${dtype}[${shape}]`,
      );
    }
    leaf.dispose();
    return np.array(saved[i].data, { shape, dtype: leaf.dtype });
  });
  return tree.unflatten(structure, arrays) as ArrayTree;
}
