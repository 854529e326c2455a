/**
 * registerActivations(tf): kernels (cpu, wasm, webgl, webgpu), gradients, string activations and layer
 * classes for every catalog activation. Idempotent: anything already registered is left alone.
 */

import type { KernelConfig, Tensor } from '@tensorflow/tfjs';
import { registry } from '../../activations/index.js';
import { cpuKernels } from './kernel-cpu.js';
import { setWasmKernelChoice, type WasmKernelChoice, wasmKernels } from './kernel-wasm.js';
import { webglKernels } from './kernel-webgl.js';
import { webgpuKernels } from './kernel-webgpu.js';
import { registerLayerClasses } from './layers.js';
import { forwardKernelName, gradKernelName } from './names.js';
import { registerActivationClasses } from './serialization.js';
import { setTf, type Tfjs } from './state.js';

/** The backends gatelab ships kernels for. */
export const SUPPORTED_BACKENDS = ['cpu', 'wasm', 'webgl', 'webgpu'] as const;

/** What `registerActivations` set up. */
export interface Registration {
  /** Forward and backward kernel names, e.g. GatelabGolu and GatelabGoluGrad. */
  kernels: string[];
  backends: readonly string[];
  /** Strings accepted as a tf.layers `activation` (golu, geluTanh, gelu_tanh, gatelabGelu, ...). */
  activationIds: string[];
  /** Layer classNames (GatelabActivation, GatelabLearnableGolu, GatelabPReLU). */
  layerClasses: string[];
}

/** Options of `registerActivations`. */
export interface RegisterOptions {
  /**
   * The wasm backend's kernels: 'fast' (default) runs gatelab's SIMD kernels zero-copy on the tfjs heap
   * (falling back to 'exact' where SIMD or a plain heap is missing); 'exact' evaluates the float64 catalog
   * per element, rounded once to float32 (what the cpu backend always does).
   */
  wasmKernels?: WasmKernelChoice;
}

/**
 * Registers every catalog activation with TensorFlow.js: a forward and a backward kernel per backend
 * (cpu, wasm, webgl, webgpu; backends not loaded simply never call them), the gradient dy * f'(x),
 * `activation: 'golu'`-style strings for tf.layers, and the gatelab layer classes (when the namespace
 * has tf.layers; a @tensorflow/tfjs-core namespace gets kernels, gradients and ops only). Call it once
 * after importing tfjs and before building or loading models; calling it again is harmless.
 * @example import * as tf from '@tensorflow/tfjs'; registerActivations(tf);
 */
export function registerActivations(tf: Tfjs, options: RegisterOptions = {}): Registration {
  if (typeof tf?.registerKernel !== 'function' || typeof tf.engine !== 'function') {
    throw new TypeError(
      "gatelab/tfjs: registerActivations expects the TensorFlow.js namespace (import * as tf from '@tensorflow/tfjs')",
    );
  }
  setTf(tf);
  const wasmChoice = options.wasmKernels ?? 'fast';
  if (wasmChoice !== 'fast' && wasmChoice !== 'exact') {
    throw new RangeError(`gatelab/tfjs: wasmKernels must be 'fast' or 'exact', got ${String(wasmChoice)}`);
  }
  setWasmKernelChoice(wasmChoice);
  const shapeUniforms = () => tf.env().getBool('WEBGL_USE_SHAPES_UNIFORMS');
  const kernels: string[] = [];
  for (const spec of registry) {
    const configs: KernelConfig[] = [
      ...cpuKernels(spec),
      ...wasmKernels(spec),
      ...webglKernels(spec, shapeUniforms),
      ...webgpuKernels(spec),
    ];
    for (const config of configs) {
      if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
    }
    const forward = forwardKernelName(spec);
    const backward = gradKernelName(spec);
    if (tf.getGradient(forward) === undefined) {
      tf.registerGradient({
        kernelName: forward,
        inputsToSave: ['x'],
        gradFunc: (dy, saved, attrs) => {
          const [x] = saved;
          const upstream = Array.isArray(dy) ? dy[0] : dy;
          return { x: () => tf.engine().runKernel(backward, { dy: upstream, x }, attrs) as Tensor };
        },
      });
    }
    kernels.push(forward, backward);
  }
  // A tfjs-core-only namespace (no tf.layers) still gets the kernels, gradients and ops.
  const hasLayers = typeof tf.layers?.Layer === 'function';
  const activationIds = hasLayers ? registerActivationClasses(tf) : [];
  const layerClasses = hasLayers ? registerLayerClasses(tf) : [];
  return { kernels, backends: SUPPORTED_BACKENDS, activationIds, layerClasses };
}
