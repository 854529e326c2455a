/**
 * A grid of generated images as one figure: a PNG (the lab's encoder, ../metrics/png.ts) inside an SVG,
 * the form the run folder keeps per evaluation and `gatelab report` shows. Pixels are
 * drawn at `scale` x their size with `image-rendering: pixelated`, so the 28 x 28 digits stay sharp.
 */
import { pngDataUri } from '../metrics/png.js';

export interface GridOptions {
  /** Images per row (default: ceil(sqrt(count))). */
  columns?: number;
  /** Pixels between images (drawn mid-gray). Default 2. */
  gap?: number;
  /** Display scale of the SVG. Default 3. */
  scale?: number;
  /** The figure's title (SVG <title>, shown as a tooltip and read by the report). */
  title: string;
}

/**
 * `count` single-channel images of height x width (row-major, values in [-1, 1]: -1 black, 1 white,
 * clipped) tiled into a grid PNG, wrapped in an SVG. Returns the SVG text.
 */
export function sampleGridSvg(
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  options: GridOptions,
): string {
  if (images.length < count * height * width) {
    throw new RangeError(
      `a grid of ${count} images of ${height} x ${width} needs ${count * height * width} values, got ${images.length}`,
    );
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const gap = options.gap ?? 2;
  const scale = options.scale ?? 3;
  const gridW = columns * width + (columns + 1) * gap;
  const gridH = rows * height + (rows + 1) * gap;
  const pixels = new Uint8Array(gridW * gridH * 3).fill(128);
  for (let n = 0; n < count; n++) {
    const top = gap + Math.floor(n / columns) * (height + gap);
    const left = gap + (n % columns) * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = images[n * height * width + y * width + x];
        // NaN shows as mid-gray (it fails both comparisons).
        const level = v >= -1 ? (v <= 1 ? (v + 1) * 127.5 : 255) : v < -1 ? 0 : 127.5;
        pixels.fill(
          Math.round(level),
          ((top + y) * gridW + left + x) * 3,
          ((top + y) * gridW + left + x + 1) * 3,
        );
      }
    }
  }
  const uri = pngDataUri(gridW, gridH, pixels);
  const escaped = options.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const w = gridW * scale;
  const h = gridH * scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><title>${escaped}</title><image width="${w}" height="${h}" style="image-rendering:pixelated" href="${uri}"/></svg>\n`;
}
