/**
 * gatelab/tfjs — every gatelab activation as a first-class TensorFlow.js citizen: kernels for the cpu,
 * wasm, webgl and webgpu backends with the catalog's stable gradients, ops, `activation: 'golu'` strings,
 * serializable layers (fixed and learnable parameters) and activation swapping in existing models.
 *
 * TensorFlow.js is an optional peer dependency: this module never imports it. Pass your namespace once:
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * import { registerActivations, golu, layers, replaceActivations } from 'gatelab/tfjs';
 * registerActivations(tf);
 * const y = golu(tf.tensor([-1, 0, 1]));
 * // In a browser using the wasm backend, compile the SIMD kernels once so they run from the first call:
 * await initWasmKernels();
 */

export type { WasmKernelChoice } from './kernel-wasm.js';
export { initWasmKernels, wasmKernelPath } from './kernel-wasm.js';
export type { ActivationLayerArgs, LayerArgs, LearnableGoluArgs, LearnablePReluArgs } from './layers.js';
export { layers } from './layers.js';
export { goluWithTensors, preluWithTensor } from './learnable.js';
export { forwardKernelName, gradKernelName } from './names.js';
// Every op (golu, geluTanh, ...), its parameter types, applyActivation and opsByExportName.
export * from './ops.js';
export type { RegisterOptions, Registration } from './register.js';
export { registerActivations, SUPPORTED_BACKENDS } from './register.js';
export type { ReplaceActivationsOptions } from './replace.js';
export { replaceActivations } from './replace.js';
export type { ActivationIdInfo } from './serialization.js';
export { activationId, describeActivationId } from './serialization.js';
export type { Tfjs } from './state.js';
