/**
 * The sample grid: a valid PNG (signature, chunk CRCs, IHDR fields, pixel rows that inflate back to the
 * images) inside an SVG; value mapping -1 -> 0, 1 -> 255, clipping, and NaN as mid-gray.
 */
import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, grayscalePng, sampleGridSvg } from '../src/lab/diffusion/sample-grid.js';

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
  it('CRC-32 matches known values', () => {
    expect(crc32(Buffer.from('IEND', 'ascii'))).toBe(0xae426082);
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    if (typeof zlibCrc32 === 'function') expect(crc32(Buffer.from('gatelab'))).toBe(zlibCrc32('gatelab'));
  });

  it('writes a PNG whose chunks check and whose rows inflate back to the pixels', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 }, (_, i) => i * 40);
    const png = grayscalePng(3, 2, pixels);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    for (const c of list) expect(c.crc).toBe(crc32(Buffer.concat([Buffer.from(c.type, 'ascii'), c.data])));
    const ihdr = list[0].data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[12]]).toEqual([3, 2, 8, 0, 0]);
    const raw = inflateSync(list[1].data);
    expect(Array.from(raw)).toEqual([0, 0, 40, 80, 0, 120, 160, 200]);
    expect(() => grayscalePng(3, 2, new Uint8Array(5))).toThrow('PNG of 3 x 2 needs 6 pixels, got 5');
  });

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
    const row = (y: number) => Array.from(raw.subarray(y * 8 + 1, y * 8 + 8));
    expect(row(0)).toEqual([128, 128, 128, 128, 128, 128, 128]);
    expect(row(1)).toEqual([128, 0, 255, 128, 0, 128, 128]);
    expect(row(2)).toEqual([128, 255, 128, 128, 191, 64, 128]);
  });
});
