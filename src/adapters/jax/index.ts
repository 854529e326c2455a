/**
 * gatelab/jax: every catalog activation as a jax-js (0.1.25) function.
 *
 * Conventions are jax-js's: each function consumes its array arguments (pass `x.ref` to keep x),
 * returns a new array of x's shape and dtype (float16 computed in float32, ints and bools become
 * float32), and composes with `jit`, `grad`, `jvp`, `vmap`. Parameters go in an options object
 * and are validated by the catalog (the same errors as `activation(name, params)`); learnable
 * parameters (PReLU slope; GoLU and Gompertz alpha, beta, gamma) may be jax-js arrays broadcastable
 * against x, are consumed like x, and receive gradients.
 *
 * Derivatives: autodiff of float32-stable compositions (see ./math.ts), finite for every finite
 * input and equal to the catalog's derivatives within float32 rounding. Second derivatives
 * (`jvp(grad(f))`, Hessian-vector products):
 * - golu, gompertz, gelu_tanh, gelu_sigmoid, swish, mish, fmish, sigmoid, tanh, softplus, gem,
 *   egem, segem: exact, and so are higher orders (softplus jumps at beta x = threshold);
 * - gelu: first and second derivatives are the closed forms attached with stop_gradient; third
 *   and higher derivatives are 0;
 * - elu, selu, celu, softsign: C^1, f'' jumps at 0 (autodiff returns a one-sided value there);
 * - relu, leaky_relu, prelu, relu6: piecewise linear, f'' = 0.
 *
 * Devices: wasm (Node and browsers) and webgpu match the catalog to a few float32 ulps; the cpu
 * device too, but slowly (it interprets kernels without common-subexpression elimination). On
 * jax-js 0.1.25's webgl device only relu, leaky_relu, prelu, relu6 and softsign work: its GLSL
 * generator re-inlines shared subexpressions, and the other compositions lose the WebGL context.
 *
 * @example
 * import { numpy as np, grad } from '@jax-js/jax';
 * import { golu, get, initJax } from 'gatelab/jax';
 * await initJax();
 * const y = golu(np.array([-1, 0, 1]), { gamma: 2 });
 * const dgelu = grad((x: np.Array) => get('gelu')(x).sum());
 */
import { camelName, type PerActivationExport, registry } from '../../activations/index.js';
import { getSpec } from '../../activations/resolve.js';
import {
  type ActivationFunction,
  bindActivation,
  type DerivativeForm,
  type JaxActivation,
} from './define.js';
import * as eluFamily from './elu.js';
import * as geluFamily from './gelu.js';
import * as gemFamily from './gem.js';
import * as goluFamily from './golu.js';
import * as logisticFamily from './logistic.js';
import * as mishFamily from './mish.js';
import * as rectifierFamily from './rectifiers.js';
import * as squareplusFamily from './squareplus.js';
import * as tanhFamily from './tanh.js';

export type {
  ActivationFunction,
  ArrayOrNumber,
  DerivativeForm,
  FirstOrderRule,
  JaxActivation,
  KernelParams,
} from './define.js';
export { clearJitCache } from './define.js';
// Every family file's functions, option types and aliases (`silu`, `geluNew`, ...).
export * from './elu.js';
export * from './gelu.js';
export * from './gem.js';
export * from './golu.js';
export * from './logistic.js';
export type { JaxArray } from './math.js';
export * from './mish.js';
export * from './rectifiers.js';
export type { InitJaxOptions } from './runtime.js';
export { ensureFloat16ArrayGlobal, initJax } from './runtime.js';
export * from './squareplus.js';
export * from './tanh.js';

/**
 * The adapter's function for every activation, keyed by its exported name (`geluTanh` for
 * `gelu_tanh`), gathered from the family files: the compiler names any activation without one.
 */
const byExportName: PerActivationExport<ActivationFunction<any>> = {
  ...eluFamily,
  ...geluFamily,
  ...gemFamily,
  ...goluFamily,
  ...logisticFamily,
  ...mishFamily,
  ...rectifierFamily,
  ...squareplusFamily,
  ...tanhFamily,
};

/** The jax-js function for a canonical name or alias (unknown names throw, listing the valid ones). */
export function activationFunction(name: string): ActivationFunction<any> {
  return byExportName[camelName(getSpec(name).name)];
}

/**
 * `(x) => f(x)` for a catalog name or alias with numeric parameters, validated now with the
 * catalog's rules (unknown name: error listing valid names; bad parameter: RangeError naming it
 * and its range). The returned function consumes x, like every jax-js op.
 * `options.form`: `'exact'` (default, derivatives of every order) or `'first-order'` (same values and
 * first derivatives, a cheaper backward pass, second derivatives 0: for training; see DerivativeForm).
 *
 * @example const act = get('golu', { gamma: 2 }); const y = act(x);
 * @example const train = get('gelu', {}, { form: 'first-order' });
 */
export function get(
  name: string,
  params: Readonly<Record<string, number>> = {},
  options: { form?: DerivativeForm } = {},
): JaxActivation {
  return bindActivation(activationFunction(name), params, options.form ?? 'exact');
}

/** Canonical names this adapter implements (all of the catalog). */
export function names(): string[] {
  return registry.map((spec) => spec.name);
}
