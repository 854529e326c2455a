/**
 * webgl backend kernels: one fragment-shader program per activation and direction, compiled from the
 * shared shader units (shaders/) as GLSL ES 3.0. Parameters are uniforms, so changing them does
 * not recompile; tfjs caches the compiled program by its source.
 */

import type { KernelConfig } from '@tensorflow/tfjs';
import type { ActivationSpec, Params } from '../../activations/spec.js';
import type { WebGLBackendLike, WebGLProgramLike } from './backend-types.js';
import { forwardAndGradientKernels, orderedParams } from './names.js';
import { SHADER_HELPERS, shaderActivation, toGlsl } from './shaders/index.js';

/** Whether tfjs passes shapes as uniforms (one compiled program for every shape of rank <= 4). */
export type ShapeUniformsFlag = () => boolean;

function program(
  spec: ActivationSpec,
  direction: 'forward' | 'backward',
  outputShape: number[],
  shapeUniforms: boolean,
): WebGLProgramLike {
  const shader = shaderActivation(spec.name);
  const uniforms = shader.params.map((name) => `p_${name}`);
  const args = ['x', ...uniforms].join(', ');
  const math = toGlsl(`${SHADER_HELPERS}\n${shader.source}`);
  const main =
    direction === 'forward'
      ? `
void main() {
  float x = getXAtOutCoords();
  float y = x;
  if (!isnan(x)) {
    y = ${shader.value}(${args});
  }
  setOutput(y);
}`
      : `
void main() {
  float x = getXAtOutCoords();
  float dy = getDyAtOutCoords();
  float dx = x;
  if (!isnan(x)) {
    dx = dy * ${shader.derivative}(${args});
  }
  setOutput(dx);
}`;
  return {
    variableNames: direction === 'forward' ? ['X'] : ['X', 'Dy'],
    outputShape,
    userCode: `${math}\n${main}`,
    enableShapeUniforms: shapeUniforms && outputShape.length <= 4,
    customUniforms: uniforms.map((name) => ({ name, type: 'float' as const })),
  };
}

/** Forward and backward kernel configs for one activation on the webgl backend. */
export function webglKernels(spec: ActivationSpec, shapeUniforms: ShapeUniformsFlag): KernelConfig[] {
  const uniformValues = (params: Params) => orderedParams(spec, params).map((value) => [value]);
  return forwardAndGradientKernels<WebGLBackendLike>(spec, 'webgl', {
    forward: (gpu, x, params) =>
      gpu.runWebGLProgram(
        program(spec, 'forward', x.shape, shapeUniforms()),
        [x],
        'float32',
        uniformValues(params),
      ),
    backward: (gpu, x, dy, params) =>
      gpu.runWebGLProgram(
        program(spec, 'backward', x.shape, shapeUniforms()),
        [x, dy],
        'float32',
        uniformValues(params),
      ),
  });
}
