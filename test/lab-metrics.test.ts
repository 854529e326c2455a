import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  boxIoU,
  type Detection,
  detectionScores,
  nonMaximumSuppression,
} from '../src/lab/metrics/detection.js';
import {
  accumulateConfusion,
  createConfusionMatrix,
  segmentationScores,
} from '../src/lab/metrics/segmentation.js';

describe('segmentation metrics', () => {
  it('a perfect prediction has mIoU 1 and pixel accuracy 1', () => {
    const truth = [0, 0, 1, 2, 2, 2];
    const s = segmentationScores(accumulateConfusion(createConfusionMatrix(3), truth, truth));
    expect(s.meanIoU).toBe(1);
    expect(s.pixelAccuracy).toBe(1);
    expect(s.perClassIoU).toEqual([1, 1, 1]);
  });

  it('hand-computed case: IoU per class from TP/(TP+FP+FN); absent classes left out of the mean', () => {
    // truth:      0 0 0 1 1 1
    // prediction: 0 0 1 1 1 0
    // class 0: TP 2, FP 1 (last pixel), FN 1 -> 2/4; class 1: TP 2, FP 1, FN 1 -> 2/4; class 2: absent.
    const s = segmentationScores(
      accumulateConfusion(createConfusionMatrix(3), [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 0]),
    );
    expect(s.perClassIoU[0]).toBe(0.5);
    expect(s.perClassIoU[1]).toBe(0.5);
    expect(s.perClassIoU[2]).toBeNaN();
    expect(s.meanIoU).toBe(0.5);
    expect(s.classesScored).toBe(2);
    expect(s.pixelAccuracy).toBeCloseTo(4 / 6, 15);
  });

  it('a class predicted but never present has IoU 0 and counts', () => {
    const s = segmentationScores(accumulateConfusion(createConfusionMatrix(2), [0, 0], [0, 1]));
    expect(s.perClassIoU).toEqual([0.5, 0]);
    expect(s.meanIoU).toBe(0.25);
  });

  it('skips the ignore label and rejects labels out of range, naming the pixel and the value', () => {
    const m = accumulateConfusion(createConfusionMatrix(2), [0, 255, 1], [0, 1, 1], 255);
    expect(segmentationScores(m).pixels).toBe(2);
    expect(() => accumulateConfusion(createConfusionMatrix(2), [0, 2], [0, 0])).toThrow(
      /true class at pixel 1 must be an integer in \[0, 1\], got 2/,
    );
    expect(() => accumulateConfusion(createConfusionMatrix(2), [0], [0, 1])).toThrow(/same number of pixels/);
    expect(segmentationScores(createConfusionMatrix(2)).meanIoU).toBeNaN();
  });
});

const box = (x0: number, y0: number, x1: number, y1: number) => ({ x0, y0, x1, y1 });

describe('detection metrics', () => {
  it('box IoU by hand', () => {
    expect(boxIoU(box(0, 0, 2, 2), box(1, 1, 3, 3))).toBeCloseTo(1 / 7, 15);
    expect(boxIoU(box(0, 0, 2, 2), box(2, 2, 3, 3))).toBe(0);
    expect(boxIoU(box(0, 0, 2, 2), box(0, 0, 2, 2))).toBe(1);
  });

  it('one perfect detection gives AP 1 under both interpolations', () => {
    const images = [
      {
        truth: [{ ...box(0, 0, 10, 10), label: 0 }],
        detections: [{ ...box(0, 0, 10, 10), label: 0, score: 0.9 }],
      },
    ];
    expect(averagePrecision(images, 1, 0.5).meanAP).toBe(1);
    const s = detectionScores(images, 1);
    expect(s.mAP50).toBe(1);
    expect(s.mAP50to95).toBeCloseTo(1, 15);
  });

  it('a duplicate detection is a false positive; a missed box lowers recall', () => {
    const t = { ...box(0, 0, 10, 10), label: 0 };
    const u = { ...box(20, 20, 30, 30), label: 0 };
    const hit = { ...box(0, 0, 10, 10), label: 0, score: 0.9 };
    const duplicate = { ...box(0, 0, 10, 9), label: 0, score: 0.8 };
    const falsePositive = { ...box(40, 40, 50, 50), label: 0, score: 0.95 };
    // Detections in score order: hit t (P=1, R=.5), duplicate of t (P=.5, R=.5); u missed.
    const images = [{ truth: [t, u], detections: [hit, duplicate] }];
    // All-point: recall 0 -> 0.5 at envelope precision 1, then no more recall: AP = 0.5.
    expect(averagePrecision(images, 1, 0.5).meanAP).toBe(0.5);
    // A false positive ranked first: P = 0, 0.5 at recall 0, 0.5; envelope 0.5 -> AP 0.25.
    const fpFirst = [{ truth: [t, u], detections: [falsePositive, hit] }];
    expect(averagePrecision(fpFirst, 1, 0.5).meanAP).toBe(0.25);
  });

  it('COCO 101-point interpolation by hand, wrong class and low IoU do not match', () => {
    const t = { ...box(0, 0, 10, 10), label: 1 };
    // Recall reaches 1 at precision 1/2 (the hit comes second): envelope 0.5 at every recall point.
    const images = [
      {
        truth: [t],
        detections: [
          { ...box(0, 0, 10, 10), label: 0, score: 0.99 }, // wrong class: not in class 1's list
          { ...box(0, 0, 4, 10), label: 1, score: 0.9 }, // IoU 0.4: false positive at 0.5
          { ...box(0, 0, 10, 10), label: 1, score: 0.5 },
        ],
      },
    ];
    const r = averagePrecision(images, 2, 0.5, 'coco-101');
    expect(r.perClassAP[1]).toBeCloseTo(0.5, 15);
    expect(r.perClassAP[0]).toBeNaN(); // no ground truth of class 0: left out
    expect(r.meanAP).toBeCloseTo(0.5, 15);
  });

  it('mAP@[.5:.95] counts a box with IoU 0.8 at thresholds 0.5..0.8 only', () => {
    const t = { ...box(0, 0, 10, 10), label: 0 };
    const d = { ...box(0, 0, 10, 8), label: 0, score: 1 }; // IoU 0.8
    const s = detectionScores([{ truth: [t], detections: [d] }], 1);
    expect(s.mAP50).toBe(1);
    expect(s.mAP50to95).toBeCloseTo(7 / 10, 12); // thresholds .50 .55 .60 .65 .70 .75 .80
  });

  it('non-maximum suppression keeps the best of overlapping same-class boxes', () => {
    const dets: Detection[] = [
      { ...box(0, 0, 10, 10), label: 0, score: 0.5 },
      { ...box(1, 0, 11, 10), label: 0, score: 0.9 },
      { ...box(1, 0, 11, 10), label: 1, score: 0.4 },
      { ...box(30, 30, 40, 40), label: 0, score: 0.3 },
    ];
    const kept = nonMaximumSuppression(dets, 0.5);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.4, 0.3]);
    expect(() => nonMaximumSuppression(dets, 2)).toThrow(/must be in \[0, 1\], got 2/);
  });
});
