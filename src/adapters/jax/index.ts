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
import { getSpec } from '../../activations/resolve.js';
import {
  type ActivationFunction,
  bindActivation,
  type DerivativeForm,
  type JaxActivation,
} from './define.js';
import { celu, elu, selu } from './elu.js';
import { gelu, geluSigmoid, geluTanh } from './gelu.js';
import { egem, gem, segem } from './gem.js';
import { golu, gompertz } from './golu.js';
import { sigmoid, softplus, swish } from './logistic.js';
import { fmish, mish } from './mish.js';
import { leakyRelu, prelu, relu, relu6 } from './rectifiers.js';
import { softsign, tanh } from './tanh.js';

export type {
  ActivationFunction,
  ArrayOrNumber,
  DerivativeForm,
  FirstOrderRule,
  JaxActivation,
  KernelParams,
} from './define.js';
export { clearJitCache } from './define.js';
export type { EluOptions } from './elu.js';
export { celu, elu, selu } from './elu.js';
export { gelu, geluNew, geluSigmoid, geluTanh, quickGelu } from './gelu.js';
export type { EgemOptions, GemOptions, SegemOptions } from './gem.js';
export { egem, gem, segem } from './gem.js';
export type { GompertzOptions } from './golu.js';
export { golu, gompertz } from './golu.js';
export type { SoftplusOptions, SwishOptions } from './logistic.js';
export { logistic, sigmoid, silu, softplus, swish } from './logistic.js';
export type { JaxArray } from './math.js';
export { flippedMish, fmish, mish } from './mish.js';
export type { LeakyReluOptions, PreluOptions } from './rectifiers.js';
export { leakyRelu, lrelu, prelu, relu, relu6 } from './rectifiers.js';
export type { InitJaxOptions } from './runtime.js';
export { ensureFloat16ArrayGlobal, initJax } from './runtime.js';
export { softsign, tanh } from './tanh.js';

/** The adapter's function for every canonical catalog name. */
const byName: Readonly<Record<string, ActivationFunction<any>>> = {
  golu,
  gompertz,
  gelu,
  gelu_tanh: geluTanh,
  gelu_sigmoid: geluSigmoid,
  gem,
  egem,
  segem,
  fmish,
  relu,
  leaky_relu: leakyRelu,
  prelu,
  elu,
  selu,
  celu,
  softplus,
  swish,
  mish,
  sigmoid,
  tanh,
  softsign,
  relu6,
};

/** The jax-js function for a canonical name or alias (unknown names throw, listing the valid ones). */
export function activationFunction(name: string): ActivationFunction<any> {
  const spec = getSpec(name);
  const f = byName[spec.name];
  if (f === undefined) throw new Error(`gatelab/jax: internal: no jax-js implementation of '${spec.name}'`);
  return f;
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
  return Object.keys(byName);
}
