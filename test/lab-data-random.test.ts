import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, seededPermutation } from '../src/lab/data/random.js';

describe('createRng (xoshiro128** seeded by splitmix32)', () => {
  it('matches the C reference implementation', () => {
    // Golden values from the reference C xoshiro128** (Blackman & Vigna) with the state filled by four
    // splitmix32 outputs (state += 0x9e3779b9; murmur3 fmix32), compiled with gcc -O2.
    const golden: Record<number, number[]> = {
      0: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335],
      42: [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290],
      4294967295: [835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718],
    };
    for (const [seed, values] of Object.entries(golden)) {
      const rng = createRng(Number(seed));
      expect(values.map(() => rng.uint32())).toEqual(values);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('next() stays in [0, 1) with mean ~1/2; normal() has mean ~0 and variance ~1', () => {
    const rng = createRng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
    const normals = createRng(2).fillNormal(new Float64Array(100_000));
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
    const variance = normals.reduce((s, v) => s + (v - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(normals.every(Number.isFinite)).toBe(true);
  });

  it('int(n) covers 0..n-1 uniformly and rejects bad n', () => {
    const rng = createRng(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(/integer n/);
  });

  it('shuffle is a permutation, in place, and seeded', () => {
    const array = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = createRng(4).shuffle([...array]);
    expect([...shuffled].sort((p, q) => p - q)).toEqual(array);
    expect(shuffled).not.toEqual(array);
    expect(createRng(4).shuffle([...array])).toEqual(shuffled);
    const typed = new Int32Array(array);
    expect(createRng(4).shuffle(typed)).toBe(typed);
    expect(Array.from(typed)).toEqual(shuffled);
  });

  it('rejects seeds that are not safe integers; deriveSeed separates streams', () => {
    expect(() => createRng(1.5)).toThrow(/safe integer/);
    expect(() => createRng(Number.NaN)).toThrow(/safe integer/);
    expect(createRng(-1).next()).toBeGreaterThanOrEqual(0);
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(2, 0));
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    expect(Array.from(seededPermutation(10, 5))).toEqual(Array.from(seededPermutation(10, 5)));
  });
});
