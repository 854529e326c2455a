/**
 * An object-detection data set as the CenterNet-style detector sees it (src/lab/models/centernet.ts):
 * NHWC grey images, dense training targets per output cell (class heatmaps with a Gaussian at every box
 * centre, box size, centre offset and a centre mask: the layout of src/lab/nn/detection-loss.ts), and the
 * task evaluation: decoding of the outputs into boxes (heatmap peaks, then per-class NMS), VOC mAP@0.5
 * and COCO mAP@[.5:.95] over the split (src/lab/metrics/detection.ts), and a figure of the first examples.
 *
 * @module
 */
import {
  type Detection,
  type DetectionImage,
  detectionScores,
  type GroundTruthBox,
  nonMaximumSuppression,
} from '../metrics/detection.js';
import { detectionFigure } from '../metrics/scene-figure.js';
import { BOX_OUTPUTS, BOX_TARGETS } from '../nn/detection-loss.js';
import { batchCount } from './batches.js';
import { type SceneSplit, sceneEvalBatches, sceneTrainBatches, stackedTargets } from './scene-batches.js';
import { FIGURE_EXAMPLES } from './segmentation-data.js';
import type { EvalSplit, HostBatch, TaskEvaluation, TrainingData } from './training-data.js';

export interface DetectionSplitData {
  /** Images [n, size, size] in [0, 1]. */
  x: Float32Array;
  boxes: GroundTruthBox[][];
  n: number;
}

export interface DetectionSet {
  name: string;
  source: string;
  /** Side of the square images (divisible by the stride). */
  size: number;
  classNames: readonly string[];
  train: DetectionSplitData;
  val: DetectionSplitData;
  test: DetectionSplitData;
}

/** Decoding settings: peaks kept per image, lowest score kept, NMS IoU, lowest score drawn in figures. */
export const DECODE = { topK: 20, minScore: 0.01, nmsIoU: 0.5, figureScore: 0.3 } as const;

/**
 * CenterNet's Gaussian radius for a box of height x width cells (CornerNet's gaussian_radius with
 * min_overlap 0.7, taken over as published — the three quadratic roots without the 1/2a factor — so the
 * targets match the reference code): the smallest of the three cases.
 */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const b1 = height + width;
  const c1 = (width * height * (1 - minOverlap)) / (1 + minOverlap);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width);
  const c2 = (1 - minOverlap) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * minOverlap;
  const b3 = -2 * minOverlap * (height + width);
  const c3 = (minOverlap - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

/**
 * The targets of one image, [cells, cells, classes + 5] row-major (see src/lab/nn/detection-loss.ts):
 * each box puts a Gaussian (sigma = (2r + 1) / 6, r = floor(gaussianRadius)) at its centre cell in its
 * class's heatmap (element-wise max with what is there), and its size in cells, its centre offset and
 * mask 1 at that cell.
 */
export function encodeTargets(
  boxes: readonly GroundTruthBox[],
  cells: number,
  classes: number,
  stride: number,
): Float32Array {
  const depth = classes + BOX_TARGETS;
  const out = new Float32Array(cells * cells * depth);
  for (const box of boxes) {
    const w = (box.x1 - box.x0) / stride;
    const h = (box.y1 - box.y0) / stride;
    const cx = (box.x0 + box.x1) / 2 / stride;
    const cy = (box.y0 + box.y1) / 2 / stride;
    const ix = Math.min(cells - 1, Math.floor(cx));
    const iy = Math.min(cells - 1, Math.floor(cy));
    const radius = Math.max(0, Math.floor(gaussianRadius(h, w)));
    const sigma = (2 * radius + 1) / 6;
    for (let y = Math.max(0, iy - radius); y <= Math.min(cells - 1, iy + radius); y++) {
      for (let x = Math.max(0, ix - radius); x <= Math.min(cells - 1, ix + radius); x++) {
        const g = Math.exp(-((x - ix) ** 2 + (y - iy) ** 2) / (2 * sigma * sigma));
        const at = (y * cells + x) * depth + box.label;
        out[at] = Math.max(out[at]!, g);
      }
    }
    const cell = (iy * cells + ix) * depth;
    out[cell + box.label] = 1;
    out.set([w, h, cx - ix, cy - iy, 1], cell + classes);
  }
  return out;
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * The boxes of one image from its outputs [cells, cells, classes + 4] (logits, size, offset): cells whose
 * score is a 3x3 local maximum of its class's heatmap (CenterNet's max-pool NMS), the `topK` best with
 * score >= `minScore`, each a box of the predicted size around (cell + offset) * stride, clipped to the
 * image; then greedy per-class NMS at `nmsIoU`.
 */
export function decodeDetections(
  outputs: Float32Array,
  cells: number,
  classes: number,
  stride: number,
  options: { topK?: number; minScore?: number; nmsIoU?: number } = {},
): Detection[] {
  const { topK = DECODE.topK, minScore = DECODE.minScore, nmsIoU = DECODE.nmsIoU } = options;
  const depth = classes + BOX_OUTPUTS;
  const score = (x: number, y: number, c: number) => sigmoid(outputs[(y * cells + x) * depth + c]!);
  const peaks: { x: number; y: number; c: number; s: number }[] = [];
  for (let y = 0; y < cells; y++) {
    for (let x = 0; x < cells; x++) {
      for (let c = 0; c < classes; c++) {
        const s = score(x, y, c);
        if (!(s >= minScore)) continue;
        let isPeak = true;
        for (let dy = -1; dy <= 1 && isPeak; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            if ((dx || dy) && nx >= 0 && ny >= 0 && nx < cells && ny < cells && score(nx, ny, c) > s) {
              isPeak = false;
              break;
            }
          }
        }
        if (isPeak) peaks.push({ x, y, c, s });
      }
    }
  }
  peaks.sort((a, b) => b.s - a.s);
  const size = cells * stride;
  const detections = peaks.slice(0, topK).map(({ x, y, c, s }): Detection => {
    const at = (y * cells + x) * depth + classes;
    const w = Math.max(0, outputs[at]!) * stride;
    const h = Math.max(0, outputs[at + 1]!) * stride;
    const cx = (x + outputs[at + 2]!) * stride;
    const cy = (y + outputs[at + 3]!) * stride;
    const clip = (v: number) => Math.min(size, Math.max(0, v));
    return {
      x0: clip(cx - w / 2),
      y0: clip(cy - h / 2),
      x1: clip(cx + w / 2),
      y1: clip(cy + h / 2),
      label: c,
      score: s,
    };
  });
  return nonMaximumSuppression(
    detections.filter((d) => d.x1 > d.x0 && d.y1 > d.y0),
    nmsIoU,
  );
}

function sceneSplit(split: DetectionSplitData, cells: number, classes: number, stride: number): SceneSplit {
  const encoded = split.boxes.map((b) => encodeTargets(b, cells, classes, stride));
  const per = cells * cells * (classes + BOX_TARGETS);
  return stackedTargets(
    split,
    per,
    (length) => new Float32Array(length),
    (sample) => encoded[sample]!,
  );
}

/** The trainer's view of a detection set for a detector of output stride `stride` (see the module comment). */
export function detectionData(set: DetectionSet, stride: number): TrainingData {
  const { size } = set;
  const classes = set.classNames.length;
  if (size % stride !== 0)
    throw new RangeError(`${set.name}: image size ${size} must be divisible by ${stride}`);
  const cells = size / stride;
  const pixels = size * size;
  for (const name of ['train', 'val', 'test'] as const) {
    const s = set[name];
    if (s.x.length !== s.n * pixels || s.boxes.length !== s.n) {
      throw new Error(
        `${set.name} ${name}: expected ${s.n} images of ${size} x ${size} with a box list each, got ${s.x.length} values and ${s.boxes.length} lists`,
      );
    }
  }
  const splits = {
    train: sceneSplit(set.train, cells, classes, stride),
    val: sceneSplit(set.val, cells, classes, stride),
    test: sceneSplit(set.test, cells, classes, stride),
  };
  const perImage = cells * cells * (classes + BOX_OUTPUTS);
  const evaluation = (split: EvalSplit): TaskEvaluation => {
    const images: DetectionImage[] = [];
    const truth = set[split].boxes;
    const figure: { image: Float32Array; truth: GroundTruthBox[]; detections: Detection[] }[] = [];
    return {
      add(batch: HostBatch, outputs: Float32Array) {
        for (let i = 0; i < batch.rows; i++) {
          const detections = decodeDetections(
            outputs.subarray(i * perImage, (i + 1) * perImage),
            cells,
            classes,
            stride,
          );
          const boxes = truth[images.length]!;
          if (figure.length < FIGURE_EXAMPLES) {
            figure.push({
              image: (batch.x as Float32Array).slice(i * pixels, (i + 1) * pixels),
              truth: boxes,
              detections: detections.filter((d) => d.score >= DECODE.figureScore),
            });
          }
          images.push({ truth: boxes, detections });
        }
      },
      finish() {
        const scores = detectionScores(images, classes);
        return {
          metrics: { map: scores.mAP50to95, map50: scores.mAP50 },
          perClass: { ap50: { classes: [...set.classNames], values: scores.perClassAP50 } },
          figure: detectionFigure({
            title: `${set.name}, ${split} split (${images.length} images): mAP@[.5:.95] ${(100 * scores.mAP50to95).toFixed(2)}%, mAP@0.5 ${(100 * scores.mAP50).toFixed(2)}%; boxes with score >= ${DECODE.figureScore}`,
            size,
            classNames: set.classNames,
            examples: figure,
          }),
        };
      },
    };
  };
  return {
    kind: 'detection',
    description: `${set.name} (${set.source}): ${set.train.n} train / ${set.val.n} val / ${set.test.n} test, ${size}x${size}x1, ${classes} classes, ${set.train.boxes.reduce((n, b) => n + b.length, 0)} training boxes`,
    inputShape: [size, size, 1],
    inputDtype: 'float32',
    outputSize: classes + BOX_OUTPUTS,
    trainSize: set.train.n,
    target: { shape: [cells, cells, classes + BOX_TARGETS], dtype: 'float32' },
    stepsPerEpoch: (batchSize) => batchCount(set.train.n, batchSize, true),
    trainBatches: (epoch, batchSize, seed, startBatch = 0) =>
      sceneTrainBatches(splits.train, { batchSize, seed, epoch, startBatch }),
    evalBatches: (split, batchSize) => sceneEvalBatches(splits[split], batchSize),
    evaluation,
  };
}
