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
import {
  type BoundKernels,
  compileKernelModule,
  instantiateKernels,
  type KernelInstance,
  simdSupported,
} from './wasm.js';

export type FloatArray = Float32Array | Float64Array;

/** Bytes per staging buffer: 32 KiB (8192 float32), small enough to stay in L1/L2 cache. */
export const STAGING_BYTES = 32 * 1024;
/** Four staging buffers (x, dy, y, d) in one 64 KiB page of kernel memory. */
const X_OFFSET = 0;
const DY_OFFSET = STAGING_BYTES;
const Y_OFFSET = 2 * STAGING_BYTES;
const D_OFFSET = 3 * STAGING_BYTES;

/** Which implementation the fast path uses. */
export type KernelBackend = 'wasm-simd' | 'js';

/** 'auto' picks WebAssembly SIMD when available; 'js' forces the scalar fallback. */
export type KernelBackendChoice = 'auto' | 'js';

let choice: KernelBackendChoice = 'auto';
let instance: KernelInstance | null | undefined;
const bound = new Map<string, BoundKernels>();

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
  bound.clear();
}

function boundKernels(spec: ActivationSpec, params: Params, k: KernelInstance): BoundKernels {
  const key = `${spec.name}:${JSON.stringify(params)}`;
  let b = bound.get(key);
  if (b === undefined) {
    if (bound.size > 256) bound.clear();
    b = k.bind(spec.name, params);
    bound.set(key, b);
  }
  return b;
}

function dtypeOf(x: FloatArray): KernelDtype {
  return x instanceof Float32Array ? 'f32' : 'f64';
}

/** A view of `bytes` bytes at `offset` in the kernel memory, typed like `like`. */
function view<T extends FloatArray>(memory: WebAssembly.Memory, like: T, offset: number, length: number): T {
  const ctor = like.constructor as { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T };
  return new ctor(memory.buffer, offset, length);
}

/** y = f(x) elementwise with the fast kernels; `y` must have x's type and length (may alias x). */
export function fastForward<T extends FloatArray>(spec: ActivationSpec, params: Params, x: T, y: T): T {
  const k = kernels();
  if (k === null) {
    for (let i = 0; i < x.length; i++) y[i] = spec.value(x[i], params);
    return y;
  }
  const kern = boundKernels(spec, params, k);
  const dtype = dtypeOf(x);
  const block = STAGING_BYTES / x.BYTES_PER_ELEMENT;
  const xs = view(k.memory, x, X_OFFSET, block);
  const ys = view(k.memory, x, Y_OFFSET, block);
  for (let start = 0; start < x.length; start += block) {
    const n = Math.min(block, x.length - start);
    xs.set(x.subarray(start, start + n), 0);
    kern.forward(dtype, X_OFFSET, Y_OFFSET, n);
    y.set(n === block ? ys : ys.subarray(0, n), start);
  }
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
  const kern = boundKernels(spec, params, k);
  const dtype = dtypeOf(x);
  const block = STAGING_BYTES / x.BYTES_PER_ELEMENT;
  const xs = view(k.memory, x, X_OFFSET, block);
  const dys = view(k.memory, x, DY_OFFSET, block);
  const dxs = view(k.memory, x, Y_OFFSET, block);
  for (let start = 0; start < x.length; start += block) {
    const n = Math.min(block, x.length - start);
    xs.set(x.subarray(start, start + n), 0);
    dys.set(dy.subarray(start, start + n), 0);
    kern.backward(dtype, X_OFFSET, DY_OFFSET, Y_OFFSET, n);
    dx.set(n === block ? dxs : dxs.subarray(0, n), start);
  }
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
  const kern = boundKernels(spec, params, k);
  const dtype = dtypeOf(x);
  const block = STAGING_BYTES / x.BYTES_PER_ELEMENT;
  const xs = view(k.memory, x, X_OFFSET, block);
  const ys = view(k.memory, x, Y_OFFSET, block);
  const ds = view(k.memory, x, D_OFFSET, block);
  for (let start = 0; start < x.length; start += block) {
    const n = Math.min(block, x.length - start);
    xs.set(x.subarray(start, start + n), 0);
    kern.fused(dtype, X_OFFSET, Y_OFFSET, D_OFFSET, n);
    y.set(n === block ? ys : ys.subarray(0, n), start);
    d.set(n === block ? ds : ds.subarray(0, n), start);
  }
  return { y, dydx: d };
}
