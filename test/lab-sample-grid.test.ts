/**
 * The sample grid: a PNG (../src/lab/metrics/png.ts, tested with the segmentation figures) whose pixel
 * rows inflate back to the tiled images, inside an SVG; value mapping -1 -> 0, 1 -> 255, clipping, and
 * NaN as mid-gray.
 */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sampleGridSvg } from '../src/lab/diffusion/sample-grid.js';

function chunks(png: Buffer) {
  const out: { type: string; data: Buffer; crc: number }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    out.push({ type, data: png.subarray(at + 8, at + 8 + length), crc: png.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

describe('sample grid', () => {
  it('tiles images into an SVG-wrapped PNG: -1 black, 1 white, clipped, NaN gray', () => {
    const images = Float32Array.from([-1, 1, 2, Number.NaN, -3, 0, 0.5, -0.5]);
    const svg = sampleGridSvg(images, 2, 2, 2, { title: 'samples <step 5>', gap: 1, scale: 2, columns: 2 });
    expect(svg).toContain('<title>samples &lt;step 5&gt;</title>');
    const base64 = /base64,([^"]+)"/.exec(svg)![1];
    const list = chunks(Buffer.from(base64, 'base64'));
    const ihdr = list[0].data;
    // 2 columns of width 2 + 3 gaps = 7 wide; 1 row of height 2 + 2 gaps = 4 high.
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([7, 4]);
    expect(svg).toContain('width="14" height="8"');
    const raw = inflateSync(list[1].data);
    // RGB rows: a filter byte, then 7 pixels x 3 equal channels.
    const row = (y: number) =>
      Array.from(raw.subarray(y * 22 + 1, y * 22 + 22)).filter((_, i) => i % 3 === 0);
    expect(raw[22 + 1 + 3 * 2 + 1]).toBe(255);
    expect(row(0)).toEqual([128, 128, 128, 128, 128, 128, 128]);
    expect(row(1)).toEqual([128, 0, 255, 128, 0, 128, 128]);
    expect(row(2)).toEqual([128, 255, 128, 128, 191, 64, 128]);
  });
});
