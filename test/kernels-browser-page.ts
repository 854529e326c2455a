/**
 * Page entry of test/kernels-browser.test.ts (bundled with esbuild, run in headless Chromium): the
 * fast kernels and the worker pool in a real browser, as a user's bundle would get them.
 */
import { activation } from '../src/activation.js';
import { initKernels, kernelBackend } from '../src/kernels/fast.js';
import { KernelPool, sharedFloatArray, sharedMemoryAvailable } from '../src/kernels/pool.js';
import { withinKernelTolerance } from '../src/kernels/tolerance.js';
import { ulp } from '../src/math/float.js';

export interface KernelsPageResult {
  backend: string;
  crossOriginIsolated: boolean;
  sharedMemory: boolean;
  /** Activations whose fast results broke the kernel tolerance (with the first bad point). */
  violations: string[];
  checked: number;
  poolWorkers: number;
  poolBitIdentical: boolean;
  poolSharedBitIdentical: boolean;
}

async function run(): Promise<KernelsPageResult> {
  const backend = await initKernels();
  const x = Float32Array.from({ length: 4099 }, (_, i) => (i - 2049) / 97);
  x[0] = Number.NaN;
  x[1] = Number.NEGATIVE_INFINITY;
  x[2] = Number.POSITIVE_INFINITY;
  x[3] = -0;
  const violations: string[] = [];
  let checked = 0;
  for (const name of [
    'golu',
    'gompertz',
    'gelu',
    'gelu_tanh',
    'mish',
    'swish',
    'segem',
    'relu',
    'elu',
    'tanh',
  ]) {
    const a = activation(name);
    const { y, dydx } = a.forwardWithDerivative(x, undefined, undefined, { fast: true });
    for (const [kind, out, ref] of [
      ['forward', y, (v: number) => a.value(v)],
      ['derivative', dydx, (v: number) => a.derivative(v)],
    ] as const) {
      for (let i = 0; i < x.length; i++) {
        checked++;
        const t = ref(x[i]);
        const c = out[i];
        const bothNaN = Number.isNaN(t) && Number.isNaN(c);
        if (bothNaN) continue;
        const rounded = Math.fround(t);
        if (!Number.isFinite(rounded) || !Number.isFinite(c)) {
          if (rounded !== c) violations.push(`${name} ${kind}(${x[i]}) = ${c}, exact ${t}`);
          continue;
        }
        const absError = Math.abs(c - t);
        const ok = withinKernelTolerance({
          kind,
          format: 'float32',
          x: x[i],
          absError,
          ulpError: absError / ulp(t, 'float32'),
        });
        if (!ok) violations.push(`${name} ${kind}(${x[i]}) = ${c}, exact ${t}`);
      }
    }
  }
  const pool = new KernelPool({ workers: 2, minElements: 1000 });
  const big = Float32Array.from({ length: 50_001 }, (_, i) => Math.sin(i) * 9);
  const single = activation('gelu').forward(big, undefined, { fast: true });
  const pooled = await pool.forward('gelu', {}, big);
  const shared = sharedFloatArray(Float32Array, big.length);
  shared.set(big);
  const sharedOut = await pool.forward('gelu', {}, shared);
  const same = (a: Float32Array, b: Float32Array) =>
    a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])));
  const result: KernelsPageResult = {
    backend: backend === 'wasm-simd' ? kernelBackend() : backend,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    sharedMemory: sharedMemoryAvailable(),
    violations: violations.slice(0, 10),
    checked,
    poolWorkers: pool.workerCount,
    poolBitIdentical: same(pooled, single),
    poolSharedBitIdentical: same(sharedOut, single),
  };
  await pool.close();
  return result;
}

run().then(
  (result) => {
    (globalThis as { gatelabKernels?: KernelsPageResult }).gatelabKernels = result;
  },
  (error: unknown) => {
    (globalThis as { gatelabKernelsError?: string }).gatelabKernelsError = String(
      (error as Error)?.stack ?? error,
    );
    (globalThis as { gatelabKernels?: unknown }).gatelabKernels = null;
  },
);
