import { describe, expect, it } from 'vitest';
import {
  detectionCanvases,
  MASK_THRESHOLD,
  resizeDigit,
  segmentationCanvases,
} from '../src/lab/data/canvas.js';
import { loadEmbeddedDataset } from '../src/lab/data/embedded.js';

const sizes = { train: 60, val: 20, test: 20 };

describe('segmentation canvases', () => {
  const a = segmentationCanvases({ sizes });
  it('are deterministic and depend on the seed', () => {
    const b = segmentationCanvases({ sizes });
    expect(Buffer.from(b.train.x.buffer).equals(Buffer.from(a.train.x.buffer))).toBe(true);
    expect(Buffer.from(b.test.mask).equals(Buffer.from(a.test.mask))).toBe(true);
    const c = segmentationCanvases({ sizes, seed: 7 });
    expect(Buffer.from(c.train.mask).equals(Buffer.from(a.train.mask))).toBe(false);
  });

  it('masks are exactly the digit pixels >= threshold, labelled digit + 1, background 0', () => {
    const { height, width } = a;
    const mnist = loadEmbeddedDataset('mnist');
    for (const [name, split] of [
      ['train', a.train],
      ['val', a.val],
      ['test', a.test],
    ] as const) {
      expect(split.x.length).toBe(split.n * height * width);
      let mismatches = 0;
      for (let i = 0; i < split.x.length; i++) {
        if (split.mask[i]! >= 1 !== split.x[i]! >= MASK_THRESHOLD) mismatches++;
      }
      expect(mismatches).toBe(0);
      // Each placed digit is the source digit of the same split, and its mask carries its label + 1.
      split.placements.forEach((cells, i) => {
        for (const p of cells) {
          expect(p.label).toBe(mnist[name].y[p.digit]);
          let wrong = 0;
          for (let r = 0; r < 28; r++) {
            for (let c = 0; c < 28; c++) {
              const at = i * height * width + (p.y + r) * width + p.x + c;
              const v = mnist[name].x[p.digit * 784 + r * 28 + c]!;
              if (split.x[at] !== v) wrong++;
              if ((v >= MASK_THRESHOLD ? p.label + 1 : 0) !== split.mask[at]) wrong++;
            }
          }
          expect(wrong).toBe(0);
        }
      });
    }
    // Every canvas has 1 to 3 digits: at least one foreground pixel and at most 3 distinct labels.
    for (let i = 0; i < a.train.n; i++) {
      const labels = new Set(a.train.mask.subarray(i * height * width, (i + 1) * height * width));
      labels.delete(0);
      expect(labels.size).toBeGreaterThanOrEqual(1);
      expect(labels.size).toBeLessThanOrEqual(3);
    }
  });

  it('rejects bad sizes with the name, range and value', () => {
    expect(() => segmentationCanvases({ sizes: { train: 0 } })).toThrow(
      'number of train canvases must be an integer >= 1, got 0',
    );
    expect(() => segmentationCanvases({ height: 20 })).toThrow(
      'canvas height must be an integer >= 28, got 20',
    );
  });
});

describe('detection canvases', () => {
  const d = detectionCanvases({ sizes });
  it('are deterministic', () => {
    const e = detectionCanvases({ sizes });
    expect(e.val.boxes).toEqual(d.val.boxes);
    expect(Buffer.from(e.val.x.buffer).equals(Buffer.from(d.val.x.buffer))).toBe(true);
  });

  it('boxes are tight around their digit pixels, inside the canvas, labelled with a drawn digit, 1-4 per image', () => {
    const s = d.size;
    for (const split of [d.train, d.val, d.test]) {
      split.boxes.forEach((boxes, i) => {
        expect(boxes.length).toBeGreaterThanOrEqual(1);
        expect(boxes.length).toBeLessThanOrEqual(4);
        const image = split.x.subarray(i * s * s, (i + 1) * s * s);
        let inked = 0;
        const labels = split.placements[i]!.map((p) => p.label);
        for (const b of boxes) {
          expect(labels).toContain(b.label);
          expect(b.x0).toBeGreaterThanOrEqual(0);
          expect(b.y1).toBeLessThanOrEqual(s);
          expect(b.label).toBeGreaterThanOrEqual(0);
          expect(b.label).toBeLessThanOrEqual(9);
          // Tight: each edge row/column of the box holds a pixel >= threshold.
          const at = (r: number, c: number) => image[r * s + c]! >= MASK_THRESHOLD;
          const rowHas = (r: number) =>
            Array.from({ length: b.x1 - b.x0 }, (_, k) => at(r, b.x0 + k)).some(Boolean);
          const colHas = (c: number) =>
            Array.from({ length: b.y1 - b.y0 }, (_, k) => at(b.y0 + k, c)).some(Boolean);
          expect(rowHas(b.y0) && rowHas(b.y1 - 1) && colHas(b.x0) && colHas(b.x1 - 1)).toBe(true);
          for (let r = b.y0; r < b.y1; r++) for (let c = b.x0; c < b.x1; c++) if (at(r, c)) inked++;
        }
        // Every pixel >= threshold lies in some box (boxes contain their digits, nothing else is inked).
        let total = 0;
        for (let k = 0; k < s * s; k++) if (image[k]! >= MASK_THRESHOLD) total++;
        expect(inked).toBe(total);
      });
    }
  });

  it('labels match the source digits: a 28-pixel resize is the identity', () => {
    const mnist = loadEmbeddedDataset('mnist');
    const digit = mnist.test.x.subarray(0, 784);
    const same = resizeDigit(digit, 28);
    for (let i = 0; i < 784; i++) expect(same[i]).toBeCloseTo(digit[i]!, 6);
  });
});
