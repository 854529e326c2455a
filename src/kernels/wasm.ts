/**
 * Loading the embedded SIMD kernel module and running it on any WebAssembly.Memory.
 *
 * The module has no data segments and imports its memory, so one compiled module can be
 * instantiated on a memory the caller owns (a framework's heap, e.g. the TensorFlow.js wasm
 * backend's) and work on tensors in place: see {@link instantiateKernels}.
 */
import type { Params } from '../activations/spec.js';
import { KERNEL_ABI_VERSION, KERNEL_WASM_BASE64 } from './generated/wasm-module.js';
import { KERNEL_OPS, type KernelDtype, type KernelMode, kernelExportName } from './ops.js';

/**
 * The smallest module using a SIMD instruction: (func (result v128) (v128.const i32x4 0 0 0 0)).
 * `WebAssembly.validate` of it tells whether this engine has fixed-width SIMD.
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** True when WebAssembly with fixed-width SIMD is available in this engine. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** The embedded module bytes. */
export function kernelWasmBytes(): Uint8Array<ArrayBuffer> {
  const binary = atob(KERNEL_WASM_BASE64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiled: WebAssembly.Module | undefined;
let compiling: Promise<WebAssembly.Module> | undefined;

/**
 * The compiled kernel module, compiled synchronously on first use. Browsers refuse synchronous
 * compilation of large modules on the main thread; there, call {@link compileKernelModule} first.
 * Throws when WebAssembly SIMD is unavailable.
 */
export function kernelModuleSync(): WebAssembly.Module {
  if (compiled === undefined) {
    if (!simdSupported()) throw new Error('gatelab: WebAssembly SIMD is not available in this engine');
    compiled = new WebAssembly.Module(kernelWasmBytes());
  }
  return compiled;
}

/** The compiled kernel module, compiled asynchronously (works on a browser's main thread). */
export function compileKernelModule(): Promise<WebAssembly.Module> {
  if (compiled !== undefined) return Promise.resolve(compiled);
  if (compiling === undefined) {
    if (!simdSupported())
      return Promise.reject(new Error('gatelab: WebAssembly SIMD is not available in this engine'));
    compiling = WebAssembly.compile(kernelWasmBytes()).then((module) => {
      compiled = module;
      return module;
    });
  }
  return compiling;
}

/** Whether the module is compiled already (so sync instantiation cannot hit a browser's size limit). */
export function kernelModuleReady(): boolean {
  return compiled !== undefined;
}

type ForwardExport = (x: number, y: number, n: number, a: number, b: number, c: number) => void;
type TernaryExport = (x: number, u: number, v: number, n: number, a: number, b: number, c: number) => void;

/** The kernels of one activation with its parameters bound, on one memory. Pointers are byte offsets. */
export interface BoundKernels {
  readonly name: string;
  /** y[i] = f(x[i]) for n elements of `dtype`. */
  forward(dtype: KernelDtype, xPtr: number, yPtr: number, n: number): void;
  /** dx[i] = dy[i] * f'(x[i]). */
  backward(dtype: KernelDtype, xPtr: number, dyPtr: number, dxPtr: number, n: number): void;
  /** y[i] = f(x[i]) and d[i] = f'(x[i]) in one pass. */
  fused(dtype: KernelDtype, xPtr: number, yPtr: number, dPtr: number, n: number): void;
}

/** The kernel module instantiated on a memory. */
export interface KernelInstance {
  readonly memory: WebAssembly.Memory;
  /** Raw exports: `<op>_<forward|backward|fused>_<f32|f64>` (see src/kernels/ops.ts). */
  readonly exports: WebAssembly.Exports;
  /**
   * The kernels of `name` (canonical catalog name) with resolved catalog parameters `params`
   * (e.g. `activation('golu').params`) bound.
   */
  bind(name: string, params: Params): BoundKernels;
}

const opIndex = new Map<string, number>(KERNEL_OPS.map((op, i) => [op.name, i]));

/** The three numeric kernel arguments for an op's parameters (in src/kernels/ops.ts order). */
export function kernelArguments(name: string, params: Params): [number, number, number] {
  const index = opIndex.get(name);
  if (index === undefined) throw new Error(`gatelab: no fast kernel for activation '${name}'`);
  const args: [number, number, number] = [0, 0, 0];
  KERNEL_OPS[index].params.forEach((param, i) => {
    const value = params[param];
    if (typeof value !== 'number') throw new RangeError(`gatelab: ${name} kernel needs parameter '${param}'`);
    args[i] = value;
  });
  return args;
}

/**
 * Instantiates the SIMD kernels on `memory` (zero-copy: pointers index that memory directly).
 * Synchronous; in a browser's main thread call `await compileKernelModule()` once before.
 * @example
 * const k = instantiateKernels(memory).bind('golu', activation('golu').params);
 * k.forward('f32', xByteOffset, yByteOffset, n);
 */
export function instantiateKernels(memory: WebAssembly.Memory): KernelInstance {
  const instance = new WebAssembly.Instance(kernelModuleSync(), { env: { memory } });
  const exports = instance.exports;
  const abi = (exports.abi_version as () => number)();
  if (abi !== KERNEL_ABI_VERSION)
    throw new Error(`gatelab: kernel module ABI ${abi}, expected ${KERNEL_ABI_VERSION}`);
  const get = <T>(name: string, mode: KernelMode, dtype: KernelDtype): T => {
    const fn = exports[kernelExportName(name, mode, dtype)];
    if (typeof fn !== 'function')
      throw new Error(`gatelab: kernel module lacks ${kernelExportName(name, mode, dtype)}`);
    return fn as T;
  };
  // Bound kernels by op and argument values: binding resolves six exports, so callers that bind per
  // call (the fast path, the tfjs wasm kernels) reuse one binding per parameter set.
  const bound = new Map<string, BoundKernels>();
  const bindNew = (name: string, a: number, b: number, c: number): BoundKernels => {
    const fwd = {
      f32: get<ForwardExport>(name, 'forward', 'f32'),
      f64: get<ForwardExport>(name, 'forward', 'f64'),
    };
    const bwd = {
      f32: get<TernaryExport>(name, 'backward', 'f32'),
      f64: get<TernaryExport>(name, 'backward', 'f64'),
    };
    const fus = {
      f32: get<TernaryExport>(name, 'fused', 'f32'),
      f64: get<TernaryExport>(name, 'fused', 'f64'),
    };
    return {
      name,
      forward: (dtype, xPtr, yPtr, n) => fwd[dtype](xPtr, yPtr, n, a, b, c),
      backward: (dtype, xPtr, dyPtr, dxPtr, n) => bwd[dtype](xPtr, dyPtr, dxPtr, n, a, b, c),
      fused: (dtype, xPtr, yPtr, dPtr, n) => fus[dtype](xPtr, yPtr, dPtr, n, a, b, c),
    };
  };
  return {
    memory,
    exports,
    bind(name: string, params: Params): BoundKernels {
      const [a, b, c] = kernelArguments(name, params);
      const key = [name, a, b, c].map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(':');
      let found = bound.get(key);
      if (found === undefined) {
        if (bound.size > 256) bound.clear();
        found = bindNew(name, a, b, c);
        bound.set(key, found);
      }
      return found;
    },
  };
}
