/**
 * What the trainer needs from a data set, independent of images or text: batches as typed arrays.
 * `classificationData` adapts an image Dataset (NCHW floats) to NHWC batches; `languageData` adapts a
 * character corpus to next-token windows.
 */

import type { MetricKind } from '../metrics/kinds.js';
import {
  batchCount,
  createTextBatchSampler,
  type Dataset,
  deriveSeed,
  iterateBatches,
  TEXT_SPLIT,
  type TextCorpus,
  textEvalBatches,
} from './index.js';

export type { MetricKind };

/**
 * One batch on the host. Classification: y has `rows` labels; language: rows * blockSize labels;
 * segmentation: rows * H * W pixel labels; tasks with `targetShape` (detection): float targets.
 */
export interface HostBatch {
  x: Float32Array | Int32Array;
  y: Int32Array | Float32Array;
  rows: number;
}

export type EvalSplit = 'val' | 'test';

/** What a task-specific evaluation pass gives: named task metrics (src/lab/metrics/kinds.ts). */
export interface TaskEvaluationResult {
  /** Values by the metric kind's task-metric keys (e.g. miou, pixel_accuracy; map, map50). */
  metrics: Record<string, number>;
  /** Per-class values by name (e.g. iou), with the class names. */
  perClass?: Record<string, { classes: string[]; values: number[] }>;
  /** A figure of a few examples (SVG text): written into the run folder per evaluation. */
  figure?: string;
}

/** What a task evaluation may do with the model itself: a generative task samples from it. */
export interface ModelAccess {
  /** The model's outputs for inputs x [rows, ...inputShape] (evaluation mode, current parameters). */
  predict(x: Float32Array, rows: number): Promise<Float32Array>;
  /** A line for the run's progress display. */
  note(line: string): void;
}

/** One pass of a task-specific evaluation: fed every evaluation batch with the model's outputs. */
export interface TaskEvaluation {
  /** The batch and a host copy of the model's outputs for it ([rows * ..., outputSize], row-major). */
  add(batch: HostBatch, outputs: Float32Array): void;
  /** The metrics; `model` runs the model on inputs of the evaluation's own (diffusion: sampling). */
  finish(model: ModelAccess): TaskEvaluationResult | Promise<TaskEvaluationResult>;
}

export interface TrainingData {
  /** How the task is judged (src/lab/metrics/kinds.ts). */
  readonly kind: MetricKind;
  /**
   * Shape (without the batch axis) and dtype of a batch's targets when they are not class labels
   * (detection: dense float targets); absent: int32 labels, flattened.
   */
  readonly target?: { readonly shape: readonly number[]; readonly dtype: 'float32' };
  /** Task-specific metrics of the model's outputs on a split (segmentation, detection). */
  evaluation?(split: EvalSplit): TaskEvaluation;
  /**
   * Labels of -1 mark positions without a prediction (masked language modelling): the loss averages
   * over the labelled positions only, and evaluation counts only those.
   */
  readonly maskedLabels?: boolean;
  /** Human-readable source, for config.json. */
  readonly description: string;
  /** Shape of one model input without the batch axis (NHWC image or [blockSize] tokens). */
  readonly inputShape: readonly number[];
  readonly inputDtype: 'float32' | 'int32';
  /** Classes or vocabulary size. */
  readonly outputSize: number;
  /**
   * Frequency of each class among the training targets, where a model starts its logits from it
   * (segmentation: background covers ~96 % of the pixels).
   */
  readonly classFrequencies?: readonly number[];
  /** Examples in the training split (images, or tokens for text). */
  readonly trainSize: number;
  stepsPerEpoch(batchSize: number): number;
  /**
   * The full batches of (seed, epoch) from index `startBatch` (default 0) to stepsPerEpoch - 1; batch i is
   * the same whatever `startBatch` is (resuming mid-epoch).
   */
  trainBatches(epoch: number, batchSize: number, seed: number, startBatch?: number): Iterable<HostBatch>;
  evalBatches(split: EvalSplit, batchSize: number): Iterable<HostBatch>;
}

/**
 * Adapts an image Dataset loaded with layout 'NHWC' (the lab's convolutions are NHWC) to the trainer.
 * The last partial training batch is dropped (drop_last), so every step has the same shape.
 */
export function classificationData(dataset: Dataset): TrainingData {
  const [c, h, w] = dataset.inputShape;
  if (dataset.layout !== 'NHWC' && c !== 1) {
    throw new Error(`gatelab lab: load ${dataset.name} with layout 'NHWC' (got ${dataset.layout})`);
  }
  const splits = { train: dataset.train, val: dataset.val, test: dataset.test };
  return {
    kind: 'classification',
    description: `${dataset.name} (${dataset.source}): ${dataset.train.n} train / ${dataset.val.n} val / ${dataset.test.n} test, ${h}x${w}x${c}, ${dataset.numClasses} classes`,
    inputShape: [h, w, c],
    inputDtype: 'float32',
    outputSize: dataset.numClasses,
    trainSize: dataset.train.n,
    stepsPerEpoch: (batchSize) => batchCount(dataset.train.n, batchSize, true),
    *trainBatches(epoch, batchSize, seed, startBatch = 0) {
      for (const b of iterateBatches(splits.train, { batchSize, seed, epoch, dropLast: true, startBatch })) {
        yield { x: b.x, y: b.y, rows: b.n };
      }
    },
    *evalBatches(split, batchSize) {
      for (const b of iterateBatches(splits[split], { batchSize, shuffle: false }))
        yield { x: b.x, y: b.y, rows: b.n };
    },
  };
}

export interface LanguageDataOptions {
  blockSize: number;
  /** Training steps that make one "epoch" (between evaluations). */
  stepsPerEpoch: number;
  /** Evaluate on at most this many batches per split (consecutive windows from the start). */
  evalBatches: number;
}

/**
 * Every split must hold one window of blockSize + 1 characters; checked when the data is loaded,
 * before any run folder exists.
 */
function checkCorpusLength(corpus: TextCorpus, blockSize: number): void {
  const splits = { train: corpus.train, val: corpus.val, test: corpus.test };
  const short = Object.entries(splits).find(([, tokens]) => tokens.length < blockSize + 1);
  if (short === undefined) return;
  const fits = (n: number) =>
    Math.floor(n * TEXT_SPLIT.val + n * TEXT_SPLIT.train) - Math.floor(n * TEXT_SPLIT.train) >=
      blockSize + 1 && n - Math.floor(n * (TEXT_SPLIT.train + TEXT_SPLIT.val)) >= blockSize + 1;
  let needed = blockSize + 1;
  while (!fits(needed)) needed++;
  throw new RangeError(
    `${corpus.source}: the text (${corpus.length} characters) is too short for a context of ${blockSize}: its ${short[0]} split has ${short[1].length} characters and needs at least blockSize + 1 = ${blockSize + 1}; use a text of at least ${needed} characters (split ${TEXT_SPLIT.train * 100}/${TEXT_SPLIT.val * 100}/${TEXT_SPLIT.test * 100} %)`,
  );
}

/** Adapts a character corpus: random training windows (nanoGPT get_batch), fixed evaluation windows. */
export function languageData(corpus: TextCorpus, options: LanguageDataOptions): TrainingData {
  const { blockSize } = options;
  checkCorpusLength(corpus, blockSize);
  return {
    kind: 'language',
    description: `${corpus.name} (${corpus.source}): ${corpus.train.length} train / ${corpus.val.length} val / ${corpus.test.length} test characters, vocabulary ${corpus.vocabSize}`,
    inputShape: [blockSize],
    inputDtype: 'int32',
    outputSize: corpus.vocabSize,
    trainSize: corpus.train.length,
    stepsPerEpoch: () => options.stepsPerEpoch,
    *trainBatches(epoch, batchSize, seed, startBatch = 0) {
      const sampler = createTextBatchSampler(corpus.train, {
        batchSize,
        blockSize,
        seed: deriveSeed(seed, 1, epoch),
      });
      sampler.skip(startBatch);
      for (let i = startBatch; i < options.stepsPerEpoch; i++) {
        const b = sampler.next();
        yield { x: b.x, y: b.y, rows: b.batchSize };
      }
    },
    *evalBatches(split, batchSize) {
      const tokens = split === 'val' ? corpus.val : corpus.test;
      for (const b of textEvalBatches(tokens, { batchSize, blockSize, maxBatches: options.evalBatches })) {
        yield { x: b.x, y: b.y, rows: b.batchSize };
      }
    },
  };
}
