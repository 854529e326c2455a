/**
 * A semantic-segmentation data set as the trainer sees it: NHWC grey images and one class label per
 * pixel (the U-Net's per-pixel logits [B*H*W, classes] against them give per-pixel cross-entropy and
 * pixel accuracy), plus the task evaluation: the confusion matrix of every pixel of the split, mean IoU,
 * per-class IoU and pixel accuracy (src/lab/metrics/segmentation.ts), and a figure of the first examples.
 *
 * @module
 */

import { segmentationFigure } from '../metrics/scene-figure.js';
import { accumulateConfusion, createConfusionMatrix, segmentationScores } from '../metrics/segmentation.js';
import { batchCount } from './batches.js';
import { type SceneSplit, sceneEvalBatches, sceneTrainBatches, stackedTargets } from './scene-batches.js';
import type { EvalSplit, HostBatch, TaskEvaluation, TrainingData } from './training-data.js';

/** One split: images [n, h, w] in [0, 1] (one channel) and masks [n, h, w] of class indices. */
export interface SegmentationSplitData {
  x: Float32Array;
  mask: Uint8Array;
  n: number;
}

export interface SegmentationSet {
  name: string;
  /** Where it came from (generated canvases, or a folder). */
  source: string;
  height: number;
  width: number;
  /** Class names; index 0 is usually background. */
  classNames: readonly string[];
  train: SegmentationSplitData;
  val: SegmentationSplitData;
  test: SegmentationSplitData;
}

/** Examples drawn in each evaluation's figure (the first ones of the split). */
export const FIGURE_EXAMPLES = 4;

/** Arg-max class of every row of `outputs` [rows, classes]. */
export function argmaxRows(outputs: Float32Array, classes: number): Int32Array {
  const rows = outputs.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = outputs[r * classes]!;
    for (let c = 1; c < classes; c++) {
      const v = outputs[r * classes + c]!;
      // NaN never wins, so a diverged model predicts class 0 rather than an out-of-range index.
      if (v > bestValue) {
        best = c;
        bestValue = v;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Share of each class among the pixels of the masks. */
export function classFrequencies(mask: Int32Array | Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of mask) counts[c]++;
  return counts.map((n) => n / Math.max(1, mask.length));
}

function sceneSplit(split: SegmentationSplitData, pixels: number): SceneSplit {
  return stackedTargets(
    split,
    pixels,
    (length) => new Int32Array(length),
    (sample) => split.mask.subarray(sample * pixels, (sample + 1) * pixels),
  );
}

/** The trainer's view of a segmentation set (see the module comment). */
export function segmentationData(set: SegmentationSet): TrainingData {
  const { height, width } = set;
  const pixels = height * width;
  const classes = set.classNames.length;
  for (const name of ['train', 'val', 'test'] as const) {
    const s = set[name];
    if (s.x.length !== s.n * pixels || s.mask.length !== s.n * pixels) {
      throw new Error(
        `${set.name} ${name}: expected ${s.n} images and masks of ${height} x ${width}, got ${s.x.length} and ${s.mask.length} values`,
      );
    }
  }
  const splits = {
    train: sceneSplit(set.train, pixels),
    val: sceneSplit(set.val, pixels),
    test: sceneSplit(set.test, pixels),
  };
  const evaluation = (split: EvalSplit): TaskEvaluation => {
    const matrix = createConfusionMatrix(classes);
    const examples: { image: Float32Array; truth: Int32Array; predicted: Int32Array }[] = [];
    let seen = 0;
    return {
      add(batch: HostBatch, outputs: Float32Array) {
        const predicted = argmaxRows(outputs, classes);
        accumulateConfusion(matrix, batch.y, predicted);
        for (let i = 0; i < batch.rows && examples.length < FIGURE_EXAMPLES; i++) {
          examples.push({
            image: (batch.x as Float32Array).slice(i * pixels, (i + 1) * pixels),
            truth: (batch.y as Int32Array).slice(i * pixels, (i + 1) * pixels),
            predicted: predicted.slice(i * pixels, (i + 1) * pixels),
          });
        }
        seen += batch.rows;
      },
      finish() {
        const scores = segmentationScores(matrix);
        return {
          metrics: { miou: scores.meanIoU, pixel_accuracy: scores.pixelAccuracy },
          perClass: { iou: { classes: [...set.classNames], values: scores.perClassIoU } },
          figure: segmentationFigure({
            title: `${set.name}, ${split} split (${seen} images): mIoU ${(100 * scores.meanIoU).toFixed(2)}%, pixel accuracy ${(100 * scores.pixelAccuracy).toFixed(2)}%`,
            height,
            width,
            classNames: set.classNames,
            examples,
          }),
        };
      },
    };
  };
  return {
    kind: 'segmentation',
    description: `${set.name} (${set.source}): ${set.train.n} train / ${set.val.n} val / ${set.test.n} test, ${height}x${width}x1, ${classes} classes per pixel`,
    inputShape: [height, width, 1],
    inputDtype: 'float32',
    outputSize: classes,
    classFrequencies: classFrequencies(set.train.mask, classes),
    trainSize: set.train.n,
    stepsPerEpoch: (batchSize) => batchCount(set.train.n, batchSize, true),
    trainBatches: (epoch, batchSize, seed, startBatch = 0) =>
      sceneTrainBatches(splits.train, { batchSize, seed, epoch, startBatch }),
    evalBatches: (split, batchSize) => sceneEvalBatches(splits[split], batchSize),
    evaluation,
  };
}
