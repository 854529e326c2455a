/**
 * Without WebAssembly SIMD the fast path falls back to a scalar JS loop over the catalog, whose
 * results are the exact path's; the pool then runs on the calling thread.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSpec, registry, resolveParams } from '../src/index.js';
import {
  fastBackward,
  fastForward,
  fastForwardWithDerivative,
  initKernels,
  kernelBackend,
  setKernelBackend,
} from '../src/kernels/fast.js';
import { KernelPool } from '../src/kernels/pool.js';
import { simdSupported } from '../src/kernels/wasm.js';

const x = Float32Array.from([
  -100,
  -5,
  -1,
  -0.5,
  -0,
  0,
  1e-40,
  0.5,
  1,
  5,
  100,
  Number.NaN,
  Number.POSITIVE_INFINITY,
]);

function expectExact(): void {
  for (const spec of registry) {
    const p = resolveParams(spec, {});
    const y = fastForward(spec, p, x, new Float32Array(x.length));
    const dy = Float32Array.from(x, (_, i) => i - 3);
    const dx = fastBackward(spec, p, x, dy, new Float32Array(x.length));
    const f = fastForwardWithDerivative(spec, p, x, new Float32Array(x.length), new Float32Array(x.length));
    for (let i = 0; i < x.length; i++) {
      expect(Object.is(y[i], Math.fround(spec.value(x[i], p))), `${spec.name}(${x[i]})`).toBe(true);
      expect(Object.is(dx[i], Math.fround(dy[i] * spec.derivative(x[i], p)))).toBe(true);
      expect(Object.is(f.dydx[i], Math.fround(spec.derivative(x[i], p)))).toBe(true);
    }
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  setKernelBackend('auto');
});

describe('scalar fallback', () => {
  it('is chosen when WebAssembly SIMD does not validate, and equals the exact path', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    setKernelBackend('auto'); // forget the instance so detection runs again
    expect(simdSupported()).toBe(false);
    expect(kernelBackend()).toBe('js');
    expect(await initKernels()).toBe('js');
    expectExact();
    const pool = new KernelPool({ workers: 1, minElements: 4 });
    expect(pool.parallel).toBe(false);
    const y = await pool.forward('golu', {}, x);
    expect(
      Object.is(y[3], Math.fround(getSpec('golu').value(-0.5, resolveParams(getSpec('golu'), {})))),
    ).toBe(true);
    expect(pool.workerCount).toBe(0);
    await pool.close();
  });

  it("can be forced with setKernelBackend('js') and undone with 'auto'", () => {
    setKernelBackend('js');
    expect(kernelBackend()).toBe('js');
    expectExact();
    setKernelBackend('auto');
    expect(kernelBackend()).toBe('wasm-simd');
  });
});
