/**
 * The fast switch of the public API: `forward/backward/forwardWithDerivative(..., { fast: true })`
 * and `forwardAsync/backwardAsync` (worker pool) against the exact path and the kernels.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { activation } from '../src/index.js';
import { fastBackward, fastForward } from '../src/kernels/fast.js';
import { closeDefaultPool, defaultPool, POOL_MIN_ELEMENTS } from '../src/kernels/pool.js';

afterAll(async () => {
  await closeDefaultPool();
});

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}

const x = Float32Array.from({ length: 1001 }, (_, i) => (i - 500) / 40);
const dy = Float32Array.from({ length: 1001 }, (_, i) => Math.cos(i));

describe('activation(...) fast switch', () => {
  it('leaves the exact path unchanged and runs the kernels with { fast: true }', () => {
    const golu = activation('golu', { gamma: 1.5 });
    const exact = golu.forward(x);
    expect(Array.from(exact)).toEqual(Array.from(x, (v) => Math.fround(golu.value(v))));
    const fast = golu.forward(x, undefined, { fast: true });
    expect(sameBits(fast, fastForward(golu.spec, golu.params, x, new Float32Array(x.length)))).toBe(true);
    // Within the kernel tolerance of the exact values (loose check here; test/kernels.test.ts is strict).
    for (let i = 0; i < x.length; i++)
      expect(Math.abs(fast[i] - exact[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(x[i])));
    expect(golu.forward(x, undefined, { fast: false })).toEqual(exact);

    const dxFast = golu.backward(x, dy, undefined, { fast: true });
    expect(sameBits(dxFast, fastBackward(golu.spec, golu.params, x, dy, new Float32Array(x.length)))).toBe(
      true,
    );
    const both = golu.forwardWithDerivative(x, undefined, undefined, { fast: true });
    expect(sameBits(both.y, fast)).toBe(true);
    const inPlace = x.slice();
    golu.forward(inPlace, inPlace, { fast: true });
    expect(sameBits(inPlace, fast)).toBe(true);
  });

  it('keeps the argument checks and messages on the fast path', () => {
    const a = activation('gelu');
    expect(() => a.forward([1, 2] as unknown as Float32Array, undefined, { fast: true })).toThrow(
      'gatelab: gelu.forward expects a Float32Array or Float64Array, got Array',
    );
    expect(() => a.forward(x, new Float32Array(3), { fast: true })).toThrow(
      /forward: out has length 3 but x has length 1001/,
    );
    expect(() =>
      a.backward(x, new Float64Array(1001) as unknown as Float32Array, undefined, { fast: true }),
    ).toThrow(/backward: dy is a Float64Array/);
  });

  it('forwardAsync/backwardAsync use the pool for large arrays and match one thread bit for bit', async () => {
    const n = POOL_MIN_ELEMENTS + 77;
    const big = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 8);
    const bigDy = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.5));
    const mish = activation('mish');
    const y = await mish.forwardAsync(big);
    expect(defaultPool().workerCount).toBeGreaterThan(0);
    expect(sameBits(y, mish.forward(big, undefined, { fast: true }))).toBe(true);
    const dx = await mish.backwardAsync(big, bigDy);
    expect(sameBits(dx, mish.backward(big, bigDy, undefined, { fast: true }))).toBe(true);
    const small = await mish.forwardAsync(x);
    expect(sameBits(small, mish.forward(x, undefined, { fast: true }))).toBe(true);
    await expect(mish.forwardAsync(x, new Float32Array(2))).rejects.toThrow(/forwardAsync: out has length 2/);
  });
});
