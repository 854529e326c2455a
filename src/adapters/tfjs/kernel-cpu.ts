/**
 * cpu backend kernels: the catalog evaluated per element in float64 and rounded once to float32, reading
 * and writing the backend's own typed arrays (no copies besides the output).
 */

import type { KernelConfig } from '@tensorflow/tfjs';
import { activation } from '../../activation.js';
import type { ActivationSpec } from '../../activations/spec.js';
import type { CpuBackendLike } from './backend-types.js';
import { forwardAndGradientKernels, forwardKernelName, gradKernelName } from './names.js';

/**
 * The tensor's values as float32. The cpu backend casts int32 -> float32 without copying (the data stays
 * an Int32Array under a float32 dtype), so other numeric arrays are converted here.
 */
function float32Values(backend: CpuBackendLike, dataId: object, kernel: string): Float32Array {
  const values = backend.data.get(dataId).values;
  if (values instanceof Float32Array) return values;
  if (values instanceof Int32Array || values instanceof Uint8Array) return Float32Array.from(values);
  throw new TypeError(`gatelab/tfjs: kernel ${kernel} expected numeric data on the cpu backend`);
}

/** Forward and backward kernel configs for one activation on the cpu backend. */
export function cpuKernels(spec: ActivationSpec): KernelConfig[] {
  const forwardName = forwardKernelName(spec);
  return forwardAndGradientKernels<CpuBackendLike>(spec, 'cpu', {
    forward(cpu, x, params) {
      const y = activation(spec.name, params).forward(float32Values(cpu, x.dataId, forwardName));
      return cpu.makeTensorInfo(x.shape, 'float32', y);
    },
    backward(cpu, x, dy, params) {
      const dx = activation(spec.name, params).backward(
        float32Values(cpu, x.dataId, gradKernelName(spec)),
        float32Values(cpu, dy.dataId, gradKernelName(spec)),
      );
      return cpu.makeTensorInfo(x.shape, 'float32', dx);
    },
  });
}
