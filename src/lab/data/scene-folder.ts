/**
 * `--data <folder>` for mnist-seg and mnist-det: the user's own images with masks or boxes.
 *
 * ```
 * <folder>/classes.txt                 optional: one class name per line (segmentation: line 1 is class 0)
 * <folder>/{train,val,test}/images/NAME.pgm      grey images, all of one size (PGM P5 or P2, maxval <= 255)
 * segmentation:  <folder>/{train,val,test}/masks/NAME.pgm   class index per pixel, same size as the image
 * detection:     <folder>/{train,val,test}/boxes.jsonl      one line per image:
 *                {"image": "NAME.pgm", "boxes": [{"x0": 3, "y0": 4, "x1": 20, "y1": 30, "label": 7}, ...]}
 * ```
 * Pixel values become byte / maxval in [0, 1]; images are taken in file-name order. Boxes are in pixels,
 * [x0, x1) x [y0, y1), inside the image. Every problem is reported with the file and what was expected.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GroundTruthBox } from '../metrics/detection.js';
import type { DetectionSet } from './detection-data.js';
import type { SegmentationSet } from './segmentation-data.js';

/** A grey image read from a PGM file. */
export interface GreyImage {
  width: number;
  height: number;
  /** Raw values 0..maxval. */
  values: Uint8Array;
  maxval: number;
}

/** Parses a PGM file (binary P5 or plain P2, maxval 1..255, '#' comments). */
export function parsePgm(bytes: Uint8Array, file: string): GreyImage {
  let at = 0;
  const token = (): string => {
    for (;;) {
      while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at]!))) at++;
      if (bytes[at] === 0x23) {
        while (at < bytes.length && bytes[at] !== 0x0a) at++;
        continue;
      }
      break;
    }
    const start = at;
    while (at < bytes.length && !/\s/.test(String.fromCharCode(bytes[at]!))) at++;
    return String.fromCharCode(...bytes.subarray(start, at));
  };
  const magic = token();
  if (magic !== 'P5' && magic !== 'P2') {
    throw new Error(`${file}: not a PGM image (expected magic P5 or P2, found '${magic.slice(0, 8)}')`);
  }
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new Error(`${file}: bad PGM size ${width} x ${height} (expected positive integers)`);
  }
  if (!Number.isInteger(maxval) || maxval < 1 || maxval > 255) {
    throw new Error(`${file}: PGM maxval must be an integer in [1, 255] (8-bit), got ${maxval}`);
  }
  const n = width * height;
  const values = new Uint8Array(n);
  if (magic === 'P5') {
    at++; // the single whitespace after maxval
    if (bytes.length - at < n) {
      throw new Error(
        `${file}: truncated PGM: ${width} x ${height} needs ${n} bytes of pixels, found ${bytes.length - at}`,
      );
    }
    values.set(bytes.subarray(at, at + n));
  } else {
    for (let i = 0; i < n; i++) {
      const t = token();
      if (t === '') throw new Error(`${file}: truncated PGM: ${n} pixel values expected, found ${i}`);
      values[i] = Number(t);
    }
  }
  for (let i = 0; i < n; i++) {
    if (values[i]! > maxval) throw new Error(`${file}: pixel ${i} is ${values[i]}, above maxval ${maxval}`);
  }
  return { width, height, values, maxval };
}

/** Binary PGM (P5) bytes of a grey image; for tests and for users who convert their data. */
export function encodePgm(width: number, height: number, values: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(values, header.length);
  return out;
}

const SPLITS = ['train', 'val', 'test'] as const;

function readImage(file: string): GreyImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as Error).message})`);
  }
  return parsePgm(bytes, file);
}

function checkFolder(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: missing folder (${what})`);
}

function imageNames(dir: string): string[] {
  checkFolder(dir, 'the images, NAME.pgm');
  const names = readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.pgm'))
    .sort();
  if (names.length === 0) throw new Error(`${dir}: no .pgm images inside`);
  return names;
}

function readClassNames(root: string): string[] | null {
  const file = join(root, 'classes.txt');
  if (!existsSync(file)) return null;
  const names = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (names.length === 0) throw new Error(`${file}: no class names (one per line expected)`);
  return names;
}

/** Checks one size for all images, divisible by `multiple` (the models' down-sampling). */
function sizeChecker(root: string, multiple: number) {
  let size: { width: number; height: number; file: string } | null = null;
  return (image: GreyImage, file: string) => {
    if (size === null) {
      if (image.width % multiple !== 0 || image.height % multiple !== 0) {
        throw new Error(
          `${file}: image size ${image.width} x ${image.height} must be divisible by ${multiple} in both directions (the model down-samples by ${multiple})`,
        );
      }
      size = { width: image.width, height: image.height, file };
    } else if (image.width !== size.width || image.height !== size.height) {
      throw new Error(
        `${file}: size ${image.width} x ${image.height} differs from ${size.width} x ${size.height} of ${size.file} (every image of ${root} must have one size)`,
      );
    }
  };
}

export interface FolderLimits {
  limitTrain?: number;
  limitEval?: number;
}

const limitOf = (split: (typeof SPLITS)[number], limits: FolderLimits) =>
  split === 'train' ? limits.limitTrain : limits.limitEval;

/** A segmentation folder (see the module comment). */
export function loadSegmentationFolder(root: string, limits: FolderLimits = {}): SegmentationSet {
  checkFolder(root, 'the data folder given with --data');
  const checkSize = sizeChecker(root, 4);
  const names = readClassNames(root);
  let maxLabel = 0;
  let dims = { width: 0, height: 0 };
  const read = (split: (typeof SPLITS)[number]) => {
    const all = imageNames(join(root, split, 'images'));
    const files = all.slice(0, limitOf(split, limits) ?? all.length);
    checkFolder(join(root, split, 'masks'), 'the masks, NAME.pgm next to each image');
    const images: GreyImage[] = [];
    const masks: Uint8Array[] = [];
    for (const name of files) {
      const imageFile = join(root, split, 'images', name);
      const maskFile = join(root, split, 'masks', name);
      const image = readImage(imageFile);
      checkSize(image, imageFile);
      if (!existsSync(maskFile)) throw new Error(`${maskFile}: missing mask of ${imageFile}`);
      const mask = readImage(maskFile);
      if (mask.width !== image.width || mask.height !== image.height) {
        throw new Error(
          `${maskFile}: mask size ${mask.width} x ${mask.height} differs from its image's ${image.width} x ${image.height}`,
        );
      }
      for (let i = 0; i < mask.values.length; i++) {
        const label = mask.values[i]!;
        if (names !== null && label >= names.length) {
          throw new Error(
            `${maskFile}: pixel ${i} has class ${label}, but classes.txt names ${names.length} classes (0..${names.length - 1})`,
          );
        }
        maxLabel = Math.max(maxLabel, label);
      }
      images.push(image);
      masks.push(mask.values);
      dims = { width: image.width, height: image.height };
    }
    const pixels = dims.width * dims.height;
    const x = new Float32Array(images.length * pixels);
    const mask = new Uint8Array(images.length * pixels);
    images.forEach((image, i) => {
      for (let p = 0; p < pixels; p++) x[i * pixels + p] = image.values[p]! / image.maxval;
      mask.set(masks[i]!, i * pixels);
    });
    return { x, mask, n: images.length };
  };
  const [train, val, test] = SPLITS.map(read) as [
    SegmentationSet['train'],
    SegmentationSet['val'],
    SegmentationSet['test'],
  ];
  const classNames = names ?? Array.from({ length: Math.max(2, maxLabel + 1) }, (_, c) => String(c));
  return {
    name: basename(root),
    source: root,
    height: dims.height,
    width: dims.width,
    classNames,
    train,
    val,
    test,
  };
}

function parseBoxLine(line: string, file: string, lineNo: number, image: GreyImage, classes: number | null) {
  const where = `${file}:${lineNo}`;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  const boxes = (record as { boxes?: unknown }).boxes;
  if (!Array.isArray(boxes)) throw new Error(`${where}: expected "boxes": a list of {x0, y0, x1, y1, label}`);
  return boxes.map((b, k): GroundTruthBox => {
    const box = b as Record<string, unknown>;
    const values = ['x0', 'y0', 'x1', 'y1', 'label'].map((key) => box[key]);
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new Error(`${where}: box ${k} needs numbers x0, y0, x1, y1 and label, got ${JSON.stringify(b)}`);
    }
    const [x0, y0, x1, y1, label] = values as number[];
    if (!(x0! >= 0 && y0! >= 0 && x1! <= image.width && y1! <= image.height && x1! > x0! && y1! > y0!)) {
      throw new Error(
        `${where}: box ${k} [${x0}, ${y0}, ${x1}, ${y1}] must satisfy 0 <= x0 < x1 <= ${image.width} and 0 <= y0 < y1 <= ${image.height}`,
      );
    }
    if (!Number.isInteger(label) || label! < 0 || (classes !== null && label! >= classes)) {
      throw new Error(
        `${where}: box ${k} label must be an integer in [0, ${classes === null ? 'classes' : classes - 1}], got ${label}`,
      );
    }
    return { x0: x0!, y0: y0!, x1: x1!, y1: y1!, label: label! };
  });
}

/** A detection folder (see the module comment). Images must be square. */
export function loadDetectionFolder(root: string, limits: FolderLimits = {}): DetectionSet {
  checkFolder(root, 'the data folder given with --data');
  const checkSize = sizeChecker(root, 4);
  const names = readClassNames(root);
  let maxLabel = 0;
  let size = 0;
  const read = (split: (typeof SPLITS)[number]) => {
    const listFile = join(root, split, 'boxes.jsonl');
    if (!existsSync(listFile)) throw new Error(`${listFile}: missing (one JSON line per image of ${split})`);
    const lines = readFileSync(listFile, 'utf8')
      .split(/\r?\n/)
      .map((text, i) => ({ text: text.trim(), lineNo: i + 1 }))
      .filter((l) => l.text !== '');
    const byName = new Map<string, { text: string; lineNo: number }>();
    for (const l of lines) {
      let image: unknown;
      try {
        image = (JSON.parse(l.text) as { image?: unknown }).image;
      } catch (error) {
        throw new Error(`${listFile}:${l.lineNo}: not JSON (${(error as Error).message})`);
      }
      if (typeof image !== 'string') throw new Error(`${listFile}:${l.lineNo}: expected "image": "NAME.pgm"`);
      byName.set(image, l);
    }
    const all = imageNames(join(root, split, 'images'));
    const files = all.slice(0, limitOf(split, limits) ?? all.length);
    const images: GreyImage[] = [];
    const boxes: GroundTruthBox[][] = [];
    for (const name of files) {
      const file = join(root, split, 'images', name);
      const image = readImage(file);
      checkSize(image, file);
      if (image.width !== image.height) {
        throw new Error(`${file}: detection images must be square, got ${image.width} x ${image.height}`);
      }
      const line = byName.get(name);
      if (line === undefined) throw new Error(`${listFile}: no line for image ${name}`);
      const parsed = parseBoxLine(line.text, listFile, line.lineNo, image, names?.length ?? null);
      for (const b of parsed) maxLabel = Math.max(maxLabel, b.label);
      images.push(image);
      boxes.push(parsed);
      size = image.width;
    }
    const pixels = size * size;
    const x = new Float32Array(images.length * pixels);
    images.forEach((image, i) => {
      for (let p = 0; p < pixels; p++) x[i * pixels + p] = image.values[p]! / image.maxval;
    });
    return { x, boxes, n: images.length };
  };
  const [train, val, test] = SPLITS.map(read) as [
    DetectionSet['train'],
    DetectionSet['val'],
    DetectionSet['test'],
  ];
  const classNames = names ?? Array.from({ length: maxLabel + 1 }, (_, c) => String(c));
  return { name: basename(root), source: root, size, classNames, train, val, test };
}
