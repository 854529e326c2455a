/**
 * The fast path for plain typed arrays: the SIMD kernels on a small private WebAssembly memory.
 *
 * Arrays are streamed through staging buffers of {@link STAGING_BYTES} bytes in the kernel
 * memory: copy a block in, run the kernel in cache, copy the block out. Memory traffic is then
 * the same as a plain copy of the array (read x, write y), and the kernel memory stays small
 * whatever the array size. `out` may alias `x` or `dy`.
 *
 * Where WebAssembly SIMD is missing (or the module could not be compiled synchronously, as on a
 * browser's main thread before {@link initKernels}), the same functions run a scalar JavaScript
 * loop over the catalog's float64 functions, i.e. the exact path.
 *
 * Like most SIMD math libraries the kernels flush float32 (float64) results and intermediate gates
 * below 2^-126 (2^-1022) to zero: subnormal arithmetic is ~100x slower on x86, and the error is far
 * inside the tolerance (src/kernels/tolerance.ts). Values of x g(x) below ~1e-36 can therefore be 0.
 */
import type { ActivationSpec, Params } from '../activations/spec.js';
import type { KernelDtype } from './ops.js';
import { STAGING_BYTES, STAGING_OFFSETS, streamThroughStaging } from './staging.js';
import { compileKernelModule, instantiateKernels, type KernelInstance, simdSupported } from './wasm.js';

export type FloatArray = Float32Array | Float64Array;

export { STAGING_BYTES } from './staging.js';

/** Which implementation the fast path uses. */
export type KernelBackend = 'wasm-simd' | 'js';

/** 'auto' picks WebAssembly SIMD when available; 'js' forces the scalar fallback. */
export type KernelBackendChoice = 'auto' | 'js';

let choice: KernelBackendChoice = 'auto';
let instance: KernelInstance | null | undefined;

/** The private kernel instance, or null when the fast path must use the JS fallback. */
function kernels(): KernelInstance | null {
  if (instance !== undefined) return instance;
  if (choice === 'js' || !simdSupported()) {
    instance = null;
    return instance;
  }
  try {
    instance = instantiateKernels(new WebAssembly.Memory({ initial: 2 }));
  } catch {
    // Synchronous compile refused (browser main thread): use the JS fallback meanwhile and compile
    // in the background; later calls pick the module up (or await initKernels() first).
    compileKernelModule().catch(() => undefined);
    return null;
  }
  return instance;
}

/** The backend the fast path uses now. */
export function kernelBackend(): KernelBackend {
  return kernels() === null ? 'js' : 'wasm-simd';
}

/**
 * Prepares the fast path: compiles the module asynchronously (needed once on a browser's main
 * thread; a no-op cost in Node) and returns the backend in use.
 */
export async function initKernels(): Promise<KernelBackend> {
  if (choice === 'auto' && simdSupported()) {
    try {
      await compileKernelModule();
    } catch {
      // leave the JS fallback in place
    }
  }
  if (instance === null && choice === 'auto') instance = undefined;
  return kernelBackend();
}

/**
 * Forces the scalar JavaScript fallback ('js') or returns to automatic selection ('auto').
 * Meant for tests and for comparing paths; results of 'js' equal the exact path.
 */
export function setKernelBackend(next: KernelBackendChoice): void {
  choice = next;
  instance = undefined;
}

function dtypeOf(x: FloatArray): KernelDtype {
  return x instanceof Float32Array ? 'f32' : 'f64';
}

/** y = f(x) elementwise with the fast kernels; `y` must have x's type and length (may alias x). */
export function fastForward<T extends FloatArray>(spec: ActivationSpec, params: Params, x: T, y: T): T {
  const k = kernels();
  if (k === null) {
    for (let i = 0; i < x.length; i++) y[i] = spec.value(x[i], params);
    return y;
  }
  const kern = k.bind(spec.name, params);
  const dtype = dtypeOf(x);
  streamThroughStaging(k.memory.buffer, STAGING_BYTES, 'forward', x, undefined, y, undefined, (n) =>
    kern.forward(dtype, STAGING_OFFSETS.x, STAGING_OFFSETS.y, n),
  );
  return y;
}

/** dx = dy * f'(x) elementwise with the fast kernels (dx may alias x or dy). */
export function fastBackward<T extends FloatArray>(
  spec: ActivationSpec,
  params: Params,
  x: T,
  dy: T,
  dx: T,
): T {
  const k = kernels();
  if (k === null) {
    for (let i = 0; i < x.length; i++) dx[i] = dy[i] * spec.derivative(x[i], params);
    return dx;
  }
  const kern = k.bind(spec.name, params);
  const dtype = dtypeOf(x);
  streamThroughStaging(k.memory.buffer, STAGING_BYTES, 'backward', x, dy, dx, undefined, (n) =>
    kern.backward(dtype, STAGING_OFFSETS.x, STAGING_OFFSETS.dy, STAGING_OFFSETS.y, n),
  );
  return dx;
}

/** y = f(x) and d = f'(x) in one pass with the fast kernels. */
export function fastForwardWithDerivative<T extends FloatArray>(
  spec: ActivationSpec,
  params: Params,
  x: T,
  y: T,
  d: T,
): { y: T; dydx: T } {
  const k = kernels();
  if (k === null) {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      y[i] = spec.value(xi, params);
      d[i] = spec.derivative(xi, params);
    }
    return { y, dydx: d };
  }
  const kern = k.bind(spec.name, params);
  const dtype = dtypeOf(x);
  streamThroughStaging(k.memory.buffer, STAGING_BYTES, 'fused', x, undefined, y, d, (n) =>
    kern.fused(dtype, STAGING_OFFSETS.x, STAGING_OFFSETS.y, STAGING_OFFSETS.d, n),
  );
  return { y, dydx: d };
}
