/**
 * One TensorFlow.js op per catalog activation: `golu(x, { alpha, beta, gamma })` and so on. Each op casts
 * its input to float32 and runs the `Gatelab<Name>` kernel of the active backend (cpu, wasm, webgl,
 * webgpu); its gradient is the `Gatelab<Name>Grad` kernel, dy * f'(x) with the catalog's derivative.
 */

import type { Tensor, TensorLike } from '@tensorflow/tfjs';
import type { ActivationName, PerActivationExport } from '../../activations/index.js';
import { getSpec, resolveParams } from '../../activations/resolve.js';
import { forwardKernelName } from './names.js';
import { requireTf } from './state.js';

/** Parameters of an activation, by catalog name; omitted ones take the catalog default. */
export type ActivationParams = Readonly<Record<string, number>>;

/** GoLU and Gompertz: alpha (scale), beta (displacement), gamma (growth), all > 0, default 1. */
export interface GompertzParams {
  alpha?: number;
  beta?: number;
  gamma?: number;
}
/** GEM: order n (integer 1..64, default 1). */
export interface GemParams {
  n?: number;
}
/** E-GEM: order n and smoothing epsilon (> 0, default 1e-4). */
export interface EgemParams extends GemParams {
  epsilon?: number;
}
/** SE-GEM: E-GEM plus the negative-branch scale lambda (0 < lambda <= 1, default 0.01). */
export interface SegemParams extends EgemParams {
  lambda?: number;
}
/** Leaky ReLU (slope in [0, 1), default 0.01) and PReLU (any slope, default 0.25). */
export interface SlopeParams {
  slope?: number;
}
/** ELU (alpha >= 0) and CELU (alpha > 0), default 1. */
export interface AlphaParams {
  alpha?: number;
}
/** Softplus: beta (> 0, default 1) and threshold (default 20; x is returned above beta x > threshold). */
export interface SoftplusParams {
  beta?: number;
  threshold?: number;
}
/** Swish / SiLU: beta (> 0, default 1). */
export interface SwishParams {
  beta?: number;
}
/** Squareplus: b (> 0, default 4). */
export interface SquareplusParams {
  b?: number;
}

type Input = Tensor | TensorLike;

/**
 * Applies a catalog activation by name or alias to a tensor (any dtype; computed in float32).
 * Unknown names and out-of-range parameters throw before anything runs.
 */
export function applyActivation(name: string, x: Input, params: ActivationParams = {}): Tensor {
  const tf = requireTf(`activation '${name}'`);
  const spec = getSpec(name);
  const attrs = { ...resolveParams(spec, params) };
  return tf.tidy(() => {
    let t = x instanceof tf.Tensor ? x : tf.tensor(x);
    if (t.dtype !== 'float32') t = tf.cast(t, 'float32');
    return tf.engine().runKernel(forwardKernelName(spec), { x: t }, attrs) as Tensor;
  });
}

const op =
  <P extends object>(name: ActivationName) =>
  (x: Input, params?: P): Tensor =>
    applyActivation(name, x, (params ?? {}) as ActivationParams);

/** GoLU: alpha x exp(-beta exp(-gamma x)) (Das et al., arXiv:2502.03654). */
export const golu = op<GompertzParams>('golu');
/** Gompertz gate: alpha exp(-beta exp(-gamma x)). */
export const gompertz = op<GompertzParams>('gompertz');
/** Exact GELU: x Phi(x) (Hendrycks & Gimpel, arXiv:1606.08415). */
export const gelu = op<Record<string, never>>('gelu');
/** GELU, tanh approximation (`gelu_new`). */
export const geluTanh = op<Record<string, never>>('gelu_tanh');
/** GELU, sigmoid approximation x sigmoid(1.702 x) (`quick_gelu`). */
export const geluSigmoid = op<Record<string, never>>('gelu_sigmoid');
/** GEM: x^(2n+1) / (1 + x^(2n)) for x > 0, else 0 (Krause, arXiv:2604.21677). */
export const gem = op<GemParams>('gem');
/** E-GEM: x^(2n+1) / (epsilon + x^(2n)) for x > 0, else 0. */
export const egem = op<EgemParams>('egem');
/** SE-GEM: E-GEM with the leaky rational negative branch lambda x^(2n+1) / (epsilon + x^(2n)). */
export const segem = op<SegemParams>('segem');
/** Flipped Mish: x (1 - tanh(softplus(-x))). */
export const fmish = op<Record<string, never>>('fmish');
/** ReLU: max(x, 0), f'(0) = 0. */
export const relu = op<Record<string, never>>('relu');
/** Leaky ReLU: x > 0 ? x : slope x. */
export const leakyRelu = op<SlopeParams>('leaky_relu');
/** PReLU with a fixed slope (use `layers.prelu` for a learnable one). */
export const prelu = op<SlopeParams>('prelu');
/** ELU: x > 0 ? x : alpha expm1(x). */
export const elu = op<AlphaParams>('elu');
/** SELU with PyTorch's constants. */
export const selu = op<Record<string, never>>('selu');
/** CELU: x > 0 ? x : alpha expm1(x / alpha). */
export const celu = op<AlphaParams>('celu');
/** Softplus: log1p(exp(beta x)) / beta, x above the threshold (PyTorch). */
export const softplus = op<SoftplusParams>('softplus');
/** Swish / SiLU: x sigmoid(beta x). */
export const swish = op<SwishParams>('swish');
/** Alias of `swish`. */
export const silu = swish;
/** Mish: x tanh(softplus(x)). */
export const mish = op<Record<string, never>>('mish');
/** Logistic sigmoid. */
export const sigmoid = op<Record<string, never>>('sigmoid');
/** Hyperbolic tangent. */
export const tanh = op<Record<string, never>>('tanh');
/** Softsign: x / (1 + |x|). */
export const softsign = op<Record<string, never>>('softsign');
/** ReLU6: min(max(x, 0), 6). */
export const relu6 = op<Record<string, never>>('relu6');
/** Hard swish: x relu6(x + 3) / 6 (Howard et al., MobileNetV3); f'(-3) = -1/2, f'(3) = 3/2 as PyTorch. */
export const hardSwish = op<Record<string, never>>('hard_swish');
/** Alias of `hardSwish`. */
export const hardswish = hardSwish;
/** Squareplus: (x + sqrt(x^2 + b)) / 2 (Barron 2021), b = 4 by default. */
export const squareplus = op<SquareplusParams>('squareplus');

/** A gatelab/tfjs op: `(x, params?) => tensor`. */
export type ActivationOp = (x: Input, params?: any) => Tensor;

/**
 * This module's ops by exported name (`geluTanh` for `gelu_tanh`). Declaring it checks at compile time
 * that every activation has an op here under its camelCase name: the compiler names any missing one.
 * Not exported: the declaration bundler (rollup-plugin-dts) cannot emit a module type of itself.
 */
// biome-ignore lint/correctness/noUnusedVariables: the declaration itself is the compile-time check
type OpsByExportName = Complete<typeof import('./ops.js')>;
type Complete<Module extends PerActivationExport<ActivationOp>> = Pick<
  Module,
  keyof PerActivationExport<unknown>
>;
