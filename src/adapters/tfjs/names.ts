/**
 * Kernel names and attribute handling shared by every backend of `gatelab/tfjs`.
 * Forward kernel `Gatelab<Name>` takes `{ x }`; backward kernel `Gatelab<Name>Grad` takes `{ dy, x }` and
 * returns dy * f'(x). The activation's parameters travel as kernel attributes named like the catalog's.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { resolveParams } from '../../activations/resolve.js';
import type { ActivationSpec, Params } from '../../activations/spec.js';
import { input, requireFloat32 } from './backend-types.js';

function pascalCase(name: string): string {
  return name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Forward kernel name, e.g. `GatelabGolu`, `GatelabGeluTanh`. */
export function forwardKernelName(spec: ActivationSpec): string {
  return `Gatelab${pascalCase(spec.name)}`;
}

/** Backward kernel name, e.g. `GatelabGoluGrad`. */
export function gradKernelName(spec: ActivationSpec): string {
  return `${forwardKernelName(spec)}Grad`;
}

/** lowerCamelCase of a canonical name (`gelu_tanh` -> `geluTanh`) is the form tfjs-layers keeps through save/load. */
export { camelName } from '../../activations/index.js';

/** Kernel attributes -> validated catalog parameters (defaults filled, ranges checked). */
export function paramsFromAttrs(
  spec: ActivationSpec,
  attrs: Readonly<Record<string, unknown>> | undefined,
): Params {
  const given: Record<string, unknown> = {};
  for (const param of spec.params) {
    const value = attrs?.[param.name];
    if (value !== undefined) given[param.name] = value;
  }
  return resolveParams(spec, given);
}

/** Parameters in the spec's order, as plain numbers (for shader uniforms). */
export function orderedParams(spec: ActivationSpec, params: Params): number[] {
  return spec.params.map((param) => params[param.name]);
}

/** The two computations a backend supplies for one activation: y = f(x), and dx = dy * f'(x). */
export interface ForwardAndGradient<Backend> {
  forward(backend: Backend, x: TensorInfo, params: Params): TensorInfo;
  backward(backend: Backend, x: TensorInfo, dy: TensorInfo, params: Params): TensorInfo;
}

/**
 * The forward kernel `Gatelab<Name>` ({ x }) and the gradient kernel `Gatelab<Name>Grad` ({ dy, x }) of one
 * activation on one backend: inputs looked up and checked to be float32, attributes validated as catalog
 * parameters, then the backend's own computation.
 */
export function forwardAndGradientKernels<Backend>(
  spec: ActivationSpec,
  backendName: string,
  run: ForwardAndGradient<Backend>,
): KernelConfig[] {
  const forwardName = forwardKernelName(spec);
  const gradName = gradKernelName(spec);
  return [
    {
      kernelName: forwardName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = input(inputs, 'x', forwardName);
        requireFloat32(x, forwardName);
        return run.forward(backend as Backend, x, paramsFromAttrs(spec, attrs));
      },
    },
    {
      kernelName: gradName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const dy = input(inputs, 'dy', gradName);
        const x = input(inputs, 'x', gradName);
        requireFloat32(dy, gradName);
        requireFloat32(x, gradName);
        return run.backward(backend as Backend, x, dy, paramsFromAttrs(spec, attrs));
      },
    },
  ];
}
