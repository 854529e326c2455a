/**
 * The worker pool gives the same bits as one thread (ordinary and SharedArrayBuffer arrays,
 * in place, float32 and float64), runs small arrays on the calling thread, and ends its workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getSpec, resolveParams } from '../src/index.js';
import { fastBackward, fastForward, fastForwardWithDerivative } from '../src/kernels/fast.js';
import { KernelPool, POOL_MIN_ELEMENTS, sharedFloatArray } from '../src/kernels/pool.js';

type FloatArray = Float32Array | Float64Array;

function sameBits(a: FloatArray, b: FloatArray): boolean {
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}

function fill<T extends FloatArray>(a: T, seed: number, scale = 12): T {
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = (s / 2147483648 - 0.5) * scale;
  }
  return a;
}

// A low threshold keeps the arrays (and the test) small while still splitting across threads.
const pool = new KernelPool({ workers: 2, minElements: 1000 });
afterAll(async () => {
  await pool.close();
});

describe('KernelPool', () => {
  const n = 10_007; // not a multiple of the share boundaries
  for (const [label, Ctor] of [
    ['float32', Float32Array],
    ['float64', Float64Array],
  ] as const) {
    for (const name of ['golu', 'gelu', 'segem']) {
      it(`${name} ${label}: forward, backward and fused are bit-identical to one thread`, async () => {
        const spec = getSpec(name);
        const p = resolveParams(spec, {});
        const x = fill(new Ctor(n), 1);
        const dy = fill(new Ctor(n), 2, 2);
        const y1 = fastForward(spec, p, x, new Ctor(n));
        const dx1 = fastBackward(spec, p, x, dy, new Ctor(n));
        const f1 = fastForwardWithDerivative(spec, p, x, new Ctor(n), new Ctor(n));

        expect(sameBits(await pool.forward(name, {}, x), y1)).toBe(true);
        expect(sameBits(await pool.backward(name, {}, x, dy), dx1)).toBe(true);
        const f = await pool.forwardWithDerivative(name, {}, x);
        expect(sameBits(f.y, f1.y) && sameBits(f.dydx, f1.dydx)).toBe(true);

        // SharedArrayBuffer-backed arrays are used in place by the workers.
        const xs = sharedFloatArray(Ctor as Float32ArrayConstructor, n) as FloatArray;
        xs.set(x);
        const ys = sharedFloatArray(Ctor as Float32ArrayConstructor, n) as FloatArray;
        await pool.forward(name, {}, xs, ys);
        expect(sameBits(ys, y1)).toBe(true);
        const dys = sharedFloatArray(Ctor as Float32ArrayConstructor, n) as FloatArray;
        dys.set(dy);
        await pool.backward(name, {}, xs, dys, dys);
        expect(sameBits(dys, dx1)).toBe(true);
        // In place on ordinary arrays.
        const inPlace = x.slice();
        await pool.forward(name, {}, inPlace, inPlace);
        expect(sameBits(inPlace, y1)).toBe(true);
      });
    }
  }

  it('started its workers and accepts concurrent calls', async () => {
    expect(pool.parallel).toBe(true);
    expect(pool.workerCount).toBe(2);
    const x = fill(new Float32Array(5000), 4);
    const expected = fastForward(
      getSpec('swish'),
      resolveParams(getSpec('swish'), { beta: 2 }),
      x,
      new Float32Array(5000),
    );
    const results = await Promise.all([1, 2, 3].map(() => pool.forward('swish', { beta: 2 }, x)));
    for (const r of results) expect(sameBits(r, expected)).toBe(true);
  });

  it('runs small arrays on the calling thread and validates names and parameters', async () => {
    const x = fill(new Float32Array(10), 5);
    const y = await pool.forward('relu', {}, x);
    expect(Array.from(y)).toEqual(Array.from(x, (v) => Math.max(v, 0)));
    expect(() => pool.forward('nope', {}, x)).toThrow(/unknown activation 'nope'/);
    expect(() => pool.forward('golu', { beta: -1 }, x)).toThrow(/'beta'/);
    expect(POOL_MIN_ELEMENTS).toBe(262_144);
  });

  it('rejects work after close and reports no workers', async () => {
    const p = new KernelPool({ workers: 1, minElements: 10 });
    const x = fill(new Float32Array(100), 6);
    await p.forward('golu', {}, x);
    expect(p.workerCount).toBe(1);
    await p.close();
    expect(p.workerCount).toBe(0);
    await expect(p.forward('golu', {}, x)).rejects.toThrow(/closed/);
  });
});
