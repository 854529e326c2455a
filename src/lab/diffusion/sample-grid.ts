/**
 * A grid of generated images as one figure: an 8-bit grayscale PNG (written here: signature, IHDR,
 * one zlib-deflated IDAT, IEND, each chunk with its CRC-32, per the PNG specification, ISO/IEC 15948)
 * inside an SVG, the form the run folder keeps per evaluation and `gatelab report` shows. Pixels are
 * drawn at `scale` x their size with `image-rendering: pixelated`, so the 28 x 28 digits stay sharp.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the PNG and zlib one) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An 8-bit grayscale PNG of `width` x `height` pixels (row-major bytes). */
export function grayscalePng(width: number, height: number, pixels: Uint8Array): Buffer {
  if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) {
    throw new RangeError(`PNG size must be positive integers, got ${width} x ${height}`);
  }
  if (pixels.length !== width * height) {
    throw new RangeError(`PNG of ${width} x ${height} needs ${width * height} pixels, got ${pixels.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: grayscale
  // compression 0 (deflate), filter method 0, no interlace: bytes 10-12 stay 0.
  // Each row starts with its filter type byte (0: none).
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

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
  const pixels = new Uint8Array(gridW * gridH).fill(128);
  for (let n = 0; n < count; n++) {
    const top = gap + Math.floor(n / columns) * (height + gap);
    const left = gap + (n % columns) * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = images[n * height * width + y * width + x];
        // NaN shows as mid-gray (it fails both comparisons).
        const level = v >= -1 ? (v <= 1 ? (v + 1) * 127.5 : 255) : v < -1 ? 0 : 127.5;
        pixels[(top + y) * gridW + left + x] = Math.round(level);
      }
    }
  }
  const png = grayscalePng(gridW, gridH, pixels).toString('base64');
  const escaped = options.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const w = gridW * scale;
  const h = gridH * scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><title>${escaped}</title><image width="${w}" height="${h}" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/></svg>\n`;
}
