/** Fully connected layer y = x W + b, with W stored [in, out]. */
import { type JaxArray, np } from '../runtime.js';
import { type InitScheme, initWeights, normalInit, type Uniform } from './init.js';

/** Parameters of a linear layer (a `type` alias so jax-js treats it as a tree). */
export type LinearParams = { w: JaxArray; b: JaxArray } | { w: JaxArray };

export interface LinearOptions {
  /** Add a bias vector (initialised to zero). Default true. */
  bias?: boolean;
  /** Weight initialisation. Default Kaiming normal (fan-in, gain sqrt 2). */
  init?: InitScheme;
  /** Use N(0, std^2) instead of a scheme (the GPT layout's 0.02). */
  std?: number;
}

/** Creates the parameters of a linear layer inDim -> outDim. */
export function linearInit(
  rand: Uniform,
  inDim: number,
  outDim: number,
  options: LinearOptions = {},
): LinearParams {
  return layerParams(rand, [inDim, outDim], inDim, outDim, options);
}

/**
 * A layer's parameters: weights of `shape` drawn by `options` (N(0, std^2), else a scheme on the
 * given fan-in and fan-out) and, unless `options.bias` is false, a zero bias over the last axis.
 */
export function layerParams(
  rand: Uniform,
  shape: number[],
  fanIn: number,
  fanOut: number,
  options: LinearOptions,
): { w: JaxArray; b: JaxArray } | { w: JaxArray } {
  const n = shape.reduce((a, b) => a * b, 1);
  const data =
    options.std !== undefined
      ? normalInit(rand, n, options.std)
      : initWeights(rand, options.init ?? 'kaiming-normal', n, fanIn, fanOut);
  const w = np.array(data, { shape });
  if (options.bias === false) return { w };
  return { w, b: np.zeros([shape[shape.length - 1]]) };
}

/** y = x W + b over the last axis of x (any leading shape). Consumes p and x. */
export function linear(p: LinearParams, x: JaxArray): JaxArray {
  const [inDim, outDim] = p.w.shape;
  const lead = x.shape.slice(0, -1);
  if (x.shape[x.ndim - 1] !== inDim) {
    throw new Error(`gatelab linear: input has ${x.shape[x.ndim - 1]} features, layer expects ${inDim}`);
  }
  let y = np.dot(x.reshape([-1, inDim]), p.w);
  if ('b' in p) y = y.add(p.b);
  return lead.length === 1 ? y : y.reshape([...lead, outDim]);
}
