/**
 * Object-detection metrics: box IoU, greedy non-maximum suppression, and average precision as defined by
 * PASCAL VOC (2010+: all-point interpolation, IoU >= 0.5) and COCO (mean over IoU thresholds
 * 0.50:0.05:0.95, 101-point interpolation of the precision envelope).
 *
 * Matching follows both benchmarks: per image and class, detections are taken in decreasing score; each
 * one is matched to the unmatched ground-truth box of the same class with the highest IoU if that IoU
 * reaches the threshold (true positive), otherwise it is a false positive — so a second detection of an
 * already matched box (a duplicate) is a false positive, and every unmatched ground-truth box is a miss.
 * A class without ground truth in the whole set has no AP and is left out of the mean (COCO's rule).
 *
 * @module
 */

/** An axis-aligned box in pixel coordinates, [x0, y0) to [x1, y1) with x1 > x0, y1 > y0. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface GroundTruthBox extends Box {
  label: number;
}

export interface Detection extends Box {
  label: number;
  score: number;
}

/** Area of a box (0 for an empty or inverted one). */
export function boxArea(b: Box): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

/** Intersection over union of two boxes; 0 when both are empty. */
export function boxIoU(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const intersection = w * h;
  const union = boxArea(a) + boxArea(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Greedy per-class non-maximum suppression: keeps the highest-scoring detection, drops every other
 * detection of the same class whose IoU with a kept one exceeds `iouThreshold`, and so on. Ties in score
 * keep input order (stable), so the result is deterministic.
 */
export function nonMaximumSuppression(detections: readonly Detection[], iouThreshold = 0.5): Detection[] {
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new RangeError(`NMS IoU threshold must be in [0, 1], got ${iouThreshold}`);
  }
  const order = detections.map((d, i) => ({ d, i })).sort((a, b) => b.d.score - a.d.score || a.i - b.i);
  const kept: Detection[] = [];
  for (const { d } of order) {
    if (kept.every((k) => k.label !== d.label || boxIoU(k, d) <= iouThreshold)) kept.push(d);
  }
  return kept;
}

/** How the precision-recall curve is integrated. */
export type ApInterpolation =
  /** VOC 2010+: area under the monotone precision envelope at every recall change. */
  | 'all-point'
  /** COCO: mean of the envelope sampled at recall 0, 0.01, ..., 1 (101 points). */
  | 'coco-101';

/** One image's ground truth and detections. */
export interface DetectionImage {
  truth: readonly GroundTruthBox[];
  detections: readonly Detection[];
}

/** Per-class AP at one IoU threshold. */
export interface ApResult {
  /** AP per class; NaN for a class without ground-truth boxes. */
  perClassAP: number[];
  /** Mean over classes with ground truth; NaN if no class has any. */
  meanAP: number;
}

/**
 * Average precision per class at one IoU threshold over a set of images (see the module comment).
 * Labels must be integers in [0, numClasses).
 */
export function averagePrecision(
  images: readonly DetectionImage[],
  numClasses: number,
  iouThreshold: number,
  interpolation: ApInterpolation = 'all-point',
): ApResult {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`number of classes must be an integer >= 1, got ${numClasses}`);
  }
  if (!(iouThreshold > 0 && iouThreshold <= 1)) {
    throw new RangeError(`IoU threshold must be in (0, 1], got ${iouThreshold}`);
  }
  const checkLabel = (label: number, what: string) => {
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new RangeError(`${what} label must be an integer in [0, ${numClasses - 1}], got ${label}`);
    }
  };
  const perClassAP: number[] = [];
  for (let cls = 0; cls < numClasses; cls++) {
    let positives = 0;
    const scored: { score: number; truePositive: boolean; order: number }[] = [];
    images.forEach((image, imageIndex) => {
      const truth = image.truth.filter((t) => {
        checkLabel(t.label, 'ground-truth');
        return t.label === cls;
      });
      positives += truth.length;
      const matched = new Array<boolean>(truth.length).fill(false);
      const detections = image.detections
        .map((d, i) => ({ d, i }))
        .filter(({ d }) => {
          checkLabel(d.label, 'detection');
          return d.label === cls;
        })
        .sort((a, b) => b.d.score - a.d.score || a.i - b.i);
      for (const { d, i } of detections) {
        let best = -1;
        let bestIoU = iouThreshold;
        truth.forEach((t, j) => {
          if (matched[j]) return;
          const iou = boxIoU(d, t);
          if (iou >= bestIoU) {
            if (best < 0 || iou > bestIoU) {
              best = j;
              bestIoU = iou;
            }
          }
        });
        if (best >= 0) matched[best] = true;
        scored.push({ score: d.score, truePositive: best >= 0, order: imageIndex * 1e6 + i });
      }
    });
    if (positives === 0) {
      perClassAP.push(Number.NaN);
      continue;
    }
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    const recall: number[] = [];
    const precision: number[] = [];
    let tp = 0;
    let fp = 0;
    for (const s of scored) {
      if (s.truePositive) tp++;
      else fp++;
      recall.push(tp / positives);
      precision.push(tp / (tp + fp));
    }
    perClassAP.push(integratePrecisionRecall(recall, precision, interpolation));
  }
  const defined = perClassAP.filter((v) => !Number.isNaN(v));
  return {
    perClassAP,
    meanAP: defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : Number.NaN,
  };
}

/** Area under the interpolated precision-recall curve; recall is non-decreasing along the list. */
function integratePrecisionRecall(
  recall: readonly number[],
  precision: readonly number[],
  interpolation: ApInterpolation,
): number {
  // Precision envelope: the best precision at this recall or any higher one.
  const envelope = precision.slice();
  for (let i = envelope.length - 2; i >= 0; i--) envelope[i] = Math.max(envelope[i]!, envelope[i + 1]!);
  if (interpolation === 'all-point') {
    let area = 0;
    let previousRecall = 0;
    for (let i = 0; i < recall.length; i++) {
      area += (recall[i]! - previousRecall) * envelope[i]!;
      previousRecall = recall[i]!;
    }
    return area;
  }
  let sum = 0;
  let i = 0;
  for (let step = 0; step <= 100; step++) {
    const r = step / 100;
    while (i < recall.length && recall[i]! < r - 1e-12) i++;
    sum += i < recall.length ? envelope[i]! : 0;
  }
  return sum / 101;
}

/** VOC-style mAP at IoU 0.5 and COCO-style mAP averaged over IoU 0.50:0.05:0.95. */
export interface DetectionScores {
  mAP50: number;
  mAP50to95: number;
  perClassAP50: number[];
}

/** The two standard detection scores of a set of images. */
export function detectionScores(images: readonly DetectionImage[], numClasses: number): DetectionScores {
  const voc = averagePrecision(images, numClasses, 0.5, 'all-point');
  let coco = 0;
  for (let k = 0; k < 10; k++) {
    coco += averagePrecision(images, numClasses, (50 + 5 * k) / 100, 'coco-101').meanAP;
  }
  return { mAP50: voc.meanAP, mAP50to95: coco / 10, perClassAP50: voc.perClassAP };
}
