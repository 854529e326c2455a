/**
 * wasm backend kernels. Inputs and outputs live on the tfjs WebAssembly heap; the kernels read and write
 * them in place through typed-array views (no copies), evaluating the catalog per element in float64
 * and rounding once to float32.
 */

import type { KernelConfig } from '@tensorflow/tfjs';
import { activation } from '../../activation.js';
import type { ActivationSpec } from '../../activations/spec.js';
import { input, requireFloat32, type WasmBackendLike } from './backend-types.js';
import { forwardKernelName, gradKernelName, paramsFromAttrs } from './names.js';

function heapFloat32(backend: WasmBackendLike, info: Parameters<WasmBackendLike['typedArrayFromHeap']>[0]) {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array))
    throw new TypeError('gatelab/tfjs: expected a float32 view of the wasm heap');
  return view;
}

/** Forward and backward kernel configs for one activation on the wasm backend. */
export function wasmKernels(spec: ActivationSpec): KernelConfig[] {
  const forwardName = forwardKernelName(spec);
  const gradName = gradKernelName(spec);
  return [
    {
      kernelName: forwardName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const wasm = backend as WasmBackendLike;
        const x = input(inputs, 'x', forwardName);
        requireFloat32(x, forwardName);
        const f = activation(spec.name, paramsFromAttrs(spec, attrs));
        // Allocate first: makeOutput may grow the heap, which detaches views taken earlier.
        const out = wasm.makeOutput(x.shape, 'float32');
        f.forward(heapFloat32(wasm, x), heapFloat32(wasm, out));
        return out;
      },
    },
    {
      kernelName: gradName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const wasm = backend as WasmBackendLike;
        const dy = input(inputs, 'dy', gradName);
        const x = input(inputs, 'x', gradName);
        requireFloat32(dy, gradName);
        requireFloat32(x, gradName);
        const f = activation(spec.name, paramsFromAttrs(spec, attrs));
        const out = wasm.makeOutput(x.shape, 'float32');
        f.backward(heapFloat32(wasm, x), heapFloat32(wasm, dy), heapFloat32(wasm, out));
        return out;
      },
    },
  ];
}
