/**
 * The evaluation figures of the segmentation and detection tasks, as self-contained SVG text (images as
 * embedded PNG data: URIs): a few examples of a split with input, ground truth and prediction side by
 * side. Written into the run folder per evaluation and shown by `gatelab report`.
 *
 * @module
 */
import type { Detection, GroundTruthBox } from './detection.js';
import { pngDataUri } from './png.js';

/** Display colours: background black, then the ten Tableau-10 colours (one per digit class). */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

const SCALE = 3;
const GAP = 10;
const HEADER = 22;
const FONT = 'font-family="sans-serif" font-size="12"';

function hex([r, g, b]: readonly [number, number, number]): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** RGB bytes of a grey image with values in [0, 1] (clamped). */
export function grayToRgb(image: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(image.length * 3);
  for (let i = 0; i < image.length; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, image[i]!)));
    out.fill(v, 3 * i, 3 * i + 3);
  }
  return out;
}

/** RGB bytes of a label image (class c in CLASS_COLORS[c mod 11]). */
export function labelsToRgb(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) out.set(CLASS_COLORS[labels[i]! % CLASS_COLORS.length]!, 3 * i);
  return out;
}

function imageElement(x: number, y: number, width: number, height: number, rgb: Uint8Array): string {
  return `<image x="${x}" y="${y}" width="${width * SCALE}" height="${height * SCALE}" style="image-rendering:pixelated" preserveAspectRatio="none" href="${pngDataUri(width, height, rgb)}"/>`;
}

function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

export interface SegmentationExample {
  /** Grey input, height * width values in [0, 1]. */
  image: ArrayLike<number>;
  truth: ArrayLike<number>;
  predicted: ArrayLike<number>;
}

/** Rows of examples: input | ground truth | prediction, with a colour legend of the classes. */
export function segmentationFigure(options: {
  title: string;
  height: number;
  width: number;
  classNames: readonly string[];
  examples: readonly SegmentationExample[];
}): string {
  const { height, width, examples, classNames } = options;
  const cellW = width * SCALE;
  const cellH = height * SCALE;
  const columns = ['input', 'ground truth', 'prediction'];
  const body: string[] = [
    `<text x="${GAP}" y="15" ${FONT} font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  columns.forEach((name, c) => {
    body.push(`<text x="${GAP + c * (cellW + GAP)}" y="${HEADER + 14}" ${FONT}>${name}</text>`);
  });
  examples.forEach((ex, r) => {
    const y = HEADER + 20 + r * (cellH + GAP);
    body.push(imageElement(GAP, y, width, height, grayToRgb(ex.image)));
    body.push(imageElement(GAP + cellW + GAP, y, width, height, labelsToRgb(ex.truth)));
    body.push(imageElement(GAP + 2 * (cellW + GAP), y, width, height, labelsToRgb(ex.predicted)));
  });
  const legendY = HEADER + 20 + examples.length * (cellH + GAP) + 4;
  // Legend entries as wide as their names (about 7 px per character at font size 12).
  let x = GAP;
  classNames.forEach((name, c) => {
    body.push(
      `<rect x="${x}" y="${legendY}" width="12" height="12" fill="${hex(CLASS_COLORS[c % CLASS_COLORS.length]!)}" stroke="#888"/>`,
      `<text x="${x + 16}" y="${legendY + 11}" ${FONT}>${escapeXml(name)}</text>`,
    );
    x += 28 + 7 * name.length;
  });
  const totalW = Math.max(GAP + 3 * (cellW + GAP), x);
  return svgDocument(totalW, legendY + 24, options.title, body);
}

export interface DetectionExample {
  /** Grey input, size * size values in [0, 1]. */
  image: ArrayLike<number>;
  truth: readonly GroundTruthBox[];
  detections: readonly Detection[];
}

function boxElements(
  x: number,
  y: number,
  box: GroundTruthBox | Detection,
  classNames: readonly string[],
  dashed: boolean,
): string[] {
  const color = hex(CLASS_COLORS[(box.label % 10) + 1]!);
  const text = 'score' in box ? `${classNames[box.label]} ${box.score.toFixed(2)}` : classNames[box.label];
  return [
    `<rect x="${x + box.x0 * SCALE}" y="${y + box.y0 * SCALE}" width="${(box.x1 - box.x0) * SCALE}" height="${(box.y1 - box.y0) * SCALE}" fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="4 2"' : ''}/>`,
    `<text x="${x + box.x0 * SCALE + 2}" y="${y + box.y0 * SCALE + 12}" ${FONT} fill="${color}">${escapeXml(String(text))}</text>`,
  ];
}

/** Rows of examples: the input with its true boxes | the input with the decoded detections (label, score). */
export function detectionFigure(options: {
  title: string;
  size: number;
  classNames: readonly string[];
  examples: readonly DetectionExample[];
}): string {
  const { size, examples, classNames } = options;
  const cell = size * SCALE;
  const body: string[] = [
    `<text x="${GAP}" y="15" ${FONT} font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  ['ground truth', 'detections (after NMS)'].forEach((name, c) => {
    body.push(`<text x="${GAP + c * (cell + GAP)}" y="${HEADER + 14}" ${FONT}>${name}</text>`);
  });
  examples.forEach((ex, r) => {
    const y = HEADER + 20 + r * (cell + GAP);
    const rgb = grayToRgb(ex.image);
    body.push(imageElement(GAP, y, size, size, rgb));
    for (const b of ex.truth) body.push(...boxElements(GAP, y, b, classNames, true));
    const x2 = GAP + cell + GAP;
    body.push(imageElement(x2, y, size, size, rgb));
    for (const d of ex.detections) body.push(...boxElements(x2, y, d, classNames, false));
  });
  const height = HEADER + 20 + examples.length * (cell + GAP);
  return svgDocument(GAP + 2 * (cell + GAP), height, options.title, body);
}
