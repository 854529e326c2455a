/**
 * Semantic-segmentation metrics from a confusion matrix, as in the standard definitions used by
 * PASCAL VOC, Cityscapes and torchvision's reference scripts:
 *
 * - confusion[t][p] counts pixels whose true class is t and predicted class is p;
 * - IoU(c) = TP / (TP + FP + FN) = C[c][c] / (sum_p C[c][p] + sum_t C[t][c] - C[c][c]);
 * - mean IoU averages IoU(c) over the classes whose union is non-empty (a class that is neither present
 *   nor predicted has no defined IoU and is left out, not counted as 0 or 1);
 * - pixel accuracy = trace(C) / sum(C).
 *
 * @module
 */

/** A confusion matrix over `numClasses` classes, rows = true class, columns = predicted class. */
export interface ConfusionMatrix {
  readonly numClasses: number;
  /** Row-major counts, length numClasses^2. Float64 so sums stay exact up to 2^53 pixels. */
  readonly counts: Float64Array;
}

/** An empty confusion matrix. `numClasses` must be an integer >= 1. */
export function createConfusionMatrix(numClasses: number): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`number of classes must be an integer >= 1, got ${numClasses}`);
  }
  return { numClasses, counts: new Float64Array(numClasses * numClasses) };
}

/**
 * Adds pixels to the matrix. `truth[i]` and `predicted[i]` are class indices of the same pixel; a true
 * label of `ignoreLabel` (e.g. 255 in VOC) is skipped. Any other label outside [0, numClasses) throws.
 */
export function accumulateConfusion(
  matrix: ConfusionMatrix,
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  ignoreLabel?: number,
): ConfusionMatrix {
  if (truth.length !== predicted.length) {
    throw new RangeError(
      `truth and prediction must have the same number of pixels, got ${truth.length} and ${predicted.length}`,
    );
  }
  const k = matrix.numClasses;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    if (t === ignoreLabel) continue;
    const p = predicted[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= k) {
      throw new RangeError(`true class at pixel ${i} must be an integer in [0, ${k - 1}], got ${t}`);
    }
    if (!Number.isInteger(p) || p < 0 || p >= k) {
      throw new RangeError(`predicted class at pixel ${i} must be an integer in [0, ${k - 1}], got ${p}`);
    }
    matrix.counts[t * k + p]! += 1;
  }
  return matrix;
}

/** Per-class IoU, mean IoU and pixel accuracy of a confusion matrix. */
export interface SegmentationScores {
  /** IoU per class; NaN where the class is neither present nor predicted (union 0). */
  perClassIoU: number[];
  /** Mean of the defined per-class IoUs; NaN when no pixel was counted. */
  meanIoU: number;
  /** Fraction of pixels whose class was predicted right; NaN when no pixel was counted. */
  pixelAccuracy: number;
  /** Number of classes that entered the mean. */
  classesScored: number;
  /** Pixels counted. */
  pixels: number;
}

/** Scores of a confusion matrix (see the module comment for the definitions). */
export function segmentationScores(matrix: ConfusionMatrix): SegmentationScores {
  const k = matrix.numClasses;
  const c = matrix.counts;
  const perClassIoU: number[] = [];
  let trace = 0;
  let total = 0;
  let iouSum = 0;
  let scored = 0;
  for (let cls = 0; cls < k; cls++) {
    let row = 0;
    let column = 0;
    for (let j = 0; j < k; j++) {
      row += c[cls * k + j]!;
      column += c[j * k + cls]!;
    }
    const tp = c[cls * k + cls]!;
    trace += tp;
    total += row;
    const union = row + column - tp;
    const iou = union > 0 ? tp / union : Number.NaN;
    perClassIoU.push(iou);
    if (union > 0) {
      iouSum += iou;
      scored++;
    }
  }
  return {
    perClassIoU,
    meanIoU: scored > 0 ? iouSum / scored : Number.NaN,
    pixelAccuracy: total > 0 ? trace / total : Number.NaN,
    classesScored: scored,
    pixels: total,
  };
}
