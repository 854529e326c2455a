/**
 * Synthetic scenes composed from the embedded MNIST digits, for the segmentation and detection tasks.
 *
 * - Segmentation canvases (M2NIST style): 64 x 84 pixels, one to three digits at 28 x 28 placed on
 *   non-overlapping 28 x 28 cells; the mask holds 0 for background and digit + 1 (1..10) where the digit's
 *   pixel value is at least {@link MASK_THRESHOLD}.
 * - Detection canvases: 64 x 64 pixels, one to four digits each rescaled to a random size in
 *   [minScale, maxScale] pixels (bilinear), placed on non-overlapping squares; each box is the tight extent
 *   of the digit's pixels >= {@link MASK_THRESHOLD} after scaling, labelled with the digit (0..9).
 *
 * Every canvas of a split takes its digits from the SAME split of the embedded MNIST (fixed splits, see
 * embedded.ts), so no test digit is ever seen in training. Generation is deterministic: a split's canvases
 * depend only on (seed, split name, count) — the same numbers on every machine.
 *
 * @module
 */

import type { GroundTruthBox } from '../metrics/detection.js';
import { loadEmbeddedDataset } from './embedded.js';
import { createRng, deriveSeed, type Rng } from './random.js';
import type { Split } from './types.js';

/** Pixels at or above this value (digits are in [0, 1]) belong to the digit's mask or box. */
export const MASK_THRESHOLD = 0.5;

/** Default seed of the generated scenes; changing it changes every reported number. */
export const CANVAS_SEED = 20261201;

const DIGIT = 28;
const SPLITS = ['train', 'val', 'test'] as const;
export type CanvasSplitName = (typeof SPLITS)[number];

/** One split of a segmentation data set: images [n, 1, h, w] in [0, 1], masks [n, h, w]. */
export interface SegmentationSplit {
  x: Float32Array;
  mask: Uint8Array;
  n: number;
  /** Per canvas: which digit of the MNIST split went where (top-left corner, side). For tests and figures. */
  placements: DigitPlacement[][];
}

/** Where one source digit was drawn. */
export interface DigitPlacement {
  /** Index into the embedded MNIST split of the same name. */
  digit: number;
  label: number;
  x: number;
  y: number;
  side: number;
}

/** One split of a detection data set: images [n, 1, h, w] in [0, 1] and boxes per image. */
export interface DetectionSplit {
  x: Float32Array;
  boxes: GroundTruthBox[][];
  n: number;
  placements: DigitPlacement[][];
}

export interface CanvasSizes {
  train: number;
  val: number;
  test: number;
}

export interface SegmentationCanvasOptions {
  sizes?: Partial<CanvasSizes>;
  seed?: number;
  height?: number;
  width?: number;
  maxDigits?: number;
}

export interface DetectionCanvasOptions {
  sizes?: Partial<CanvasSizes>;
  seed?: number;
  size?: number;
  maxDigits?: number;
  minScale?: number;
  maxScale?: number;
}

export interface SegmentationCanvases {
  height: number;
  width: number;
  /** 11: background + digits 0-9. */
  numClasses: number;
  classNames: string[];
  train: SegmentationSplit;
  val: SegmentationSplit;
  test: SegmentationSplit;
}

export interface DetectionCanvases {
  size: number;
  numClasses: number;
  classNames: string[];
  train: DetectionSplit;
  val: DetectionSplit;
  test: DetectionSplit;
}

const DEFAULT_SIZES: CanvasSizes = { train: 4000, val: 500, test: 500 };

function positiveInteger(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function resolveSizes(sizes: Partial<CanvasSizes> | undefined): CanvasSizes {
  const out = { ...DEFAULT_SIZES, ...sizes };
  for (const split of SPLITS) positiveInteger(`number of ${split} canvases`, out[split]);
  return out;
}

/**
 * Places `count` non-overlapping squares of side `side` on an h x w canvas by rejection sampling;
 * returns fewer when the canvas is too crowded after a bounded number of tries (deterministic).
 */
function placeSquares(
  rng: Rng,
  count: number,
  sides: readonly number[],
  height: number,
  width: number,
): { x: number; y: number; side: number }[] {
  const placed: { x: number; y: number; side: number }[] = [];
  for (let k = 0; k < count; k++) {
    const side = sides[k]!;
    for (let attempt = 0; attempt < 50; attempt++) {
      const x = rng.int(width - side + 1);
      const y = rng.int(height - side + 1);
      const free = placed.every(
        (p) => x + side <= p.x || p.x + p.side <= x || y + side <= p.y || p.y + p.side <= y,
      );
      if (free) {
        placed.push({ x, y, side });
        break;
      }
    }
  }
  return placed;
}

/** Bilinear resampling of a 28 x 28 digit to side x side (pixel centres aligned, clamped at the edges). */
export function resizeDigit(digit: Float32Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const scale = DIGIT / side;
  for (let r = 0; r < side; r++) {
    const sy = Math.min(DIGIT - 1, Math.max(0, (r + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(DIGIT - 1, y0 + 1);
    const fy = sy - y0;
    for (let c = 0; c < side; c++) {
      const sx = Math.min(DIGIT - 1, Math.max(0, (c + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(DIGIT - 1, x0 + 1);
      const fx = sx - x0;
      const top = digit[y0 * DIGIT + x0]! * (1 - fx) + digit[y0 * DIGIT + x1]! * fx;
      const bottom = digit[y1 * DIGIT + x0]! * (1 - fx) + digit[y1 * DIGIT + x1]! * fx;
      out[r * side + c] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/**
 * The three splits of a canvas set, each made by `make` from its size, the MNIST digits of the same
 * split and its own random stream (seed, the set's `stream` number, the split's index).
 */
function canvasSplits<T>(
  options: { sizes?: Partial<CanvasSizes>; seed?: number },
  stream: number,
  make: (n: number, source: Split, rng: Rng) => T,
): Record<CanvasSplitName, T> {
  const sizes = resolveSizes(options.sizes);
  const seed = options.seed ?? CANVAS_SEED;
  const mnist = loadEmbeddedDataset('mnist');
  const split = (name: CanvasSplitName, index: number) =>
    make(sizes[name], mnist[name], createRng(deriveSeed(seed, stream, index)));
  return { train: split('train', 0), val: split('val', 1), test: split('test', 2) };
}

/** Generates the segmentation canvases (see the module comment). */
export function segmentationCanvases(options: SegmentationCanvasOptions = {}): SegmentationCanvases {
  const height = positiveInteger('canvas height', options.height ?? 64, DIGIT);
  const width = positiveInteger('canvas width', options.width ?? 84, DIGIT);
  const maxDigits = positiveInteger('digits per canvas', options.maxDigits ?? 3);
  const splits = canvasSplits(options, 1, (n, source, rng): SegmentationSplit => {
    const x = new Float32Array(n * height * width);
    const mask = new Uint8Array(n * height * width);
    const placements: DigitPlacement[][] = [];
    for (let i = 0; i < n; i++) {
      const drawn: DigitPlacement[] = [];
      const count = 1 + rng.int(maxDigits);
      const cells = placeSquares(rng, count, new Array(count).fill(DIGIT), height, width);
      for (const cell of cells) {
        const index = rng.int(source.n);
        const label = source.y[index]!;
        drawn.push({ digit: index, label, x: cell.x, y: cell.y, side: DIGIT });
        const base = index * DIGIT * DIGIT;
        for (let r = 0; r < DIGIT; r++) {
          for (let c = 0; c < DIGIT; c++) {
            const v = source.x[base + r * DIGIT + c]!;
            const at = i * height * width + (cell.y + r) * width + cell.x + c;
            x[at] = v;
            if (v >= MASK_THRESHOLD) mask[at] = label + 1;
          }
        }
      }
      placements.push(drawn);
    }
    return { x, mask, n, placements };
  });
  return {
    height,
    width,
    numClasses: 11,
    classNames: ['background', ...Array.from({ length: 10 }, (_, d) => String(d))],
    ...splits,
  };
}

/** Generates the detection canvases (see the module comment). */
export function detectionCanvases(options: DetectionCanvasOptions = {}): DetectionCanvases {
  const minScale = positiveInteger('smallest digit size', options.minScale ?? 14, 4);
  const maxScale = positiveInteger('largest digit size', options.maxScale ?? 28, minScale);
  const size = positiveInteger('canvas size', options.size ?? 64, maxScale);
  const maxDigits = positiveInteger('digits per canvas', options.maxDigits ?? 4);
  const splits = canvasSplits(options, 2, (n, source, rng): DetectionSplit => {
    const x = new Float32Array(n * size * size);
    const boxes: GroundTruthBox[][] = [];
    const placements: DigitPlacement[][] = [];
    for (let i = 0; i < n; i++) {
      const drawn: DigitPlacement[] = [];
      const count = 1 + rng.int(maxDigits);
      const sides = Array.from({ length: count }, () => minScale + rng.int(maxScale - minScale + 1));
      const cells = placeSquares(rng, count, sides, size, size);
      const imageBoxes: GroundTruthBox[] = [];
      for (const cell of cells) {
        const index = rng.int(source.n);
        drawn.push({ digit: index, label: source.y[index]!, x: cell.x, y: cell.y, side: cell.side });
        const digit = resizeDigit(
          source.x.subarray(index * DIGIT * DIGIT, (index + 1) * DIGIT * DIGIT),
          cell.side,
        );
        let x0 = Infinity;
        let y0 = Infinity;
        let x1 = -Infinity;
        let y1 = -Infinity;
        for (let r = 0; r < cell.side; r++) {
          for (let c = 0; c < cell.side; c++) {
            const v = digit[r * cell.side + c]!;
            x[i * size * size + (cell.y + r) * size + cell.x + c] = v;
            if (v >= MASK_THRESHOLD) {
              x0 = Math.min(x0, cell.x + c);
              y0 = Math.min(y0, cell.y + r);
              x1 = Math.max(x1, cell.x + c + 1);
              y1 = Math.max(y1, cell.y + r + 1);
            }
          }
        }
        // A digit too faint to pass the threshold anywhere has no box; its pixels stay as clutter.
        if (x1 > x0) imageBoxes.push({ x0, y0, x1, y1, label: source.y[index]! });
      }
      boxes.push(imageBoxes);
      placements.push(drawn);
    }
    return { x, boxes, n, placements };
  });
  return { size, numClasses: 10, classNames: Array.from({ length: 10 }, (_, d) => String(d)), ...splits };
}
