/**
 * webgpu backend kernels: one compute program per activation and direction, compiled from the shared
 * shader units (shaders/) as WGSL. Elementwise over the flat buffers; parameters are uniforms, so
 * changing them does not recompile (tfjs caches pipelines by `shaderKey`).
 */

import type { KernelConfig } from '@tensorflow/tfjs';
import type { ActivationSpec, Params } from '../../activations/spec.js';
import type { WebGPUBackendLike, WebGPUProgramLike } from './backend-types.js';
import { forwardAndGradientKernels, orderedParams } from './names.js';
import { SHADER_HELPERS, shaderActivation, toWgsl } from './shaders/index.js';

const WORKGROUP_SIZE = 128;

function program(
  spec: ActivationSpec,
  direction: 'forward' | 'backward',
  outputShape: number[],
): WebGPUProgramLike {
  const shader = shaderActivation(spec.name);
  const args = ['x', ...shader.params.map((name) => `uniforms.p_${name}`)].join(', ');
  const math = toWgsl(`${SHADER_HELPERS}\n${shader.source}`);
  const body =
    direction === 'forward'
      ? `
fn main(index: i32) {
  if (index < uniforms.size) {
    let x: f32 = X[index];
    var y: f32 = x;
    if (!isnan(x)) {
      y = ${shader.value}(${args});
    }
    result[index] = y;
  }
}`
      : `
fn main(index: i32) {
  if (index < uniforms.size) {
    let x: f32 = X[index];
    var dx: f32 = x;
    if (!isnan(x)) {
      dx = Dy[index] * ${shader.derivative}(${args});
    }
    result[index] = dx;
  }
}`;
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    variableNames: direction === 'forward' ? ['X'] : ['X', 'Dy'],
    outputShape,
    shaderKey: `gatelab_${spec.name}_${direction}`,
    // Flat: every output dimension on x; tfjs reshapes the dispatch when it exceeds the device limit.
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(size / WORKGROUP_SIZE)), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    size: true,
    uniforms: shader.params.map((name) => `p_${name} : f32,`).join(' ') || undefined,
    getUserCode: () => `${math}\n${body}`,
  };
}

/** Forward and backward kernel configs for one activation on the webgpu backend. */
export function webgpuKernels(spec: ActivationSpec): KernelConfig[] {
  const uniformValues = (params: Params) =>
    orderedParams(spec, params).map((value) => ({ type: 'float32' as const, data: [value] }));
  return forwardAndGradientKernels<WebGPUBackendLike>(spec, 'webgpu', {
    forward: (gpu, x, params) =>
      gpu.runWebGPUProgram(program(spec, 'forward', x.shape), [x], 'float32', uniformValues(params)),
    backward: (gpu, x, dy, params) =>
      gpu.runWebGPUProgram(program(spec, 'backward', x.shape), [x, dy], 'float32', uniformValues(params)),
  });
}
