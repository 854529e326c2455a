/**
 * wasm backend kernels. Inputs and outputs live on the tfjs WebAssembly heap and are processed in place:
 *
 * - fast path (default): gatelab's SIMD kernel module (src/kernels) instantiated on the tfjs backend's
 *   own WebAssembly.Memory, called with the tensors' heap offsets, so no byte is copied;
 * - exact path (fallback, or `registerActivations(tf, { wasmKernels: 'exact' })`): typed-array views of
 *   the heap, the catalog evaluated per element in float64 and rounded once to float32.
 *
 * The fast path needs WebAssembly SIMD and a non-shared tfjs heap (tfjs's multi-threaded build uses a
 * SharedArrayBuffer the kernel module cannot import); otherwise the exact path runs. In browsers the
 * kernel module (~200 KB) must be compiled asynchronously first: `await initWasmKernels()`.
 */

import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { activation } from '../../activation.js';
import type { ActivationSpec } from '../../activations/spec.js';
import {
  compileKernelModule,
  instantiateKernels,
  type KernelInstance,
  kernelModuleReady,
  kernelModuleSync,
  simdSupported,
} from '../../kernels/wasm.js';
import type { WasmBackendLike } from './backend-types.js';
import { forwardAndGradientKernels } from './names.js';

/** Which implementation the wasm-backend kernels use: SIMD zero-copy ('fast') or the catalog ('exact'). */
export type WasmKernelChoice = 'fast' | 'exact';

let choice: WasmKernelChoice = 'fast';
/** Kernel instance per tfjs wasm backend object; null when that backend cannot run the fast path. */
const instances = new WeakMap<object, KernelInstance | null>();

export function setWasmKernelChoice(next: WasmKernelChoice): void {
  choice = next;
}

export function wasmKernelChoice(): WasmKernelChoice {
  return choice;
}

function heapMemory(backend: WasmBackendLike): WebAssembly.Memory | undefined {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** True when the module is compiled or can be compiled synchronously here (Node; not a browser main thread). */
function moduleAvailable(): boolean {
  if (kernelModuleReady()) return true;
  try {
    kernelModuleSync();
    return true;
  } catch {
    // A browser refuses synchronous compilation of large modules: compile in the background and use
    // the exact path until it is ready.
    compileKernelModule().catch(() => undefined);
    return false;
  }
}

/** The SIMD kernels on this backend's heap, or null for the exact path. */
function fastKernels(backend: WasmBackendLike): KernelInstance | null {
  if (choice === 'exact') return null;
  const cached = instances.get(backend);
  if (cached !== undefined) return cached;
  const memory = heapMemory(backend);
  if (memory === undefined || !simdSupported()) {
    instances.set(backend, null);
    return null;
  }
  if (!moduleAvailable()) return null;
  let instance: KernelInstance | null = null;
  try {
    instance = instantiateKernels(memory);
  } catch {
    // e.g. LinkError: tfjs's threaded build has a shared memory, the kernel module imports a plain one.
    instance = null;
  }
  instances.set(backend, instance);
  return instance;
}

/** Which path the wasm kernels take on `backend` now ('fast' or 'exact'). */
export function wasmKernelPath(backend: object): WasmKernelChoice {
  return fastKernels(backend as WasmBackendLike) === null ? 'exact' : 'fast';
}

/**
 * Compiles the SIMD kernel module asynchronously, so the wasm backend's kernels use it from their first
 * call in a browser (Node compiles synchronously on demand). Resolves to whether SIMD kernels are usable.
 */
export async function initWasmKernels(): Promise<boolean> {
  if (!simdSupported()) return false;
  try {
    await compileKernelModule();
    return true;
  } catch {
    return false;
  }
}

function offsetOf(backend: WasmBackendLike, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('gatelab/tfjs: tensor is not on the wasm backend heap');
  return data.memoryOffset;
}

function heapFloat32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array))
    throw new TypeError('gatelab/tfjs: expected a float32 view of the wasm heap');
  return view;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Forward and backward kernel configs for one activation on the wasm backend. */
export function wasmKernels(spec: ActivationSpec): KernelConfig[] {
  return forwardAndGradientKernels<WasmBackendLike>(spec, 'wasm', {
    forward(wasm, x, params) {
      // Allocate first: makeOutput may grow the heap, which detaches views taken earlier.
      const out = wasm.makeOutput(x.shape, 'float32');
      const n = size(x.shape);
      if (n === 0) return out;
      const kernels = fastKernels(wasm);
      if (kernels !== null) {
        kernels.bind(spec.name, params).forward('f32', offsetOf(wasm, x), offsetOf(wasm, out), n);
      } else {
        activation(spec.name, params).forward(heapFloat32(wasm, x), heapFloat32(wasm, out));
      }
      return out;
    },
    backward(wasm, x, dy, params) {
      const out = wasm.makeOutput(x.shape, 'float32');
      const n = size(x.shape);
      if (n === 0) return out;
      const kernels = fastKernels(wasm);
      if (kernels !== null) {
        const [xPtr, dyPtr, outPtr] = [offsetOf(wasm, x), offsetOf(wasm, dy), offsetOf(wasm, out)];
        kernels.bind(spec.name, params).backward('f32', xPtr, dyPtr, outPtr, n);
      } else {
        activation(spec.name, params).backward(
          heapFloat32(wasm, x),
          heapFloat32(wasm, dy),
          heapFloat32(wasm, out),
        );
      }
      return out;
    },
  });
}
