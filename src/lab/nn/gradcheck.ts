/**
 * Finite-difference gradient checking for the lab's hand-written layers: compares jax-js autodiff of a
 * scalar function with central differences on sampled coordinates, in float64.
 */

import { leaves, unflattenLike } from '../optim/tree.js';
import { type ArrayTree, grad, type JaxArray, np, tree } from '../runtime.js';
import type { Uniform } from './init.js';

/** A float64 input: values and shape. */
export interface CheckInput {
  data: Float64Array;
  shape: number[];
}

export interface CoordinateCheck {
  input: string;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradCheckOptions {
  /** Central-difference step. Default 1e-5 (float64). */
  eps?: number;
  /** Coordinates sampled per input (all if the input is smaller). Default 8. */
  samples?: number;
  /** Picks the sampled coordinates. */
  rand: Uniform;
}

function toArrays(inputs: Record<string, CheckInput>): Record<string, JaxArray> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, np.array(v.data, { shape: v.shape, dtype: np.float64 })]),
  );
}

/**
 * Analytic vs numeric partial derivatives of scalar `f` at `inputs`, for `samples` coordinates of every
 * input. `f` must consume its arguments (jax-js convention) and return a scalar.
 */
export function gradientCheck(
  f: (inputs: Record<string, JaxArray>) => JaxArray,
  inputs: Record<string, CheckInput>,
  options: GradCheckOptions,
): CoordinateCheck[] {
  const eps = options.eps ?? 1e-5;
  const samples = options.samples ?? 8;
  const grads = (grad as any)(f)(toArrays(inputs)) as Record<string, JaxArray>;
  const analytic = Object.fromEntries(
    Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float64Array]),
  );
  const evaluate = (name: string, index: number, delta: number): number => {
    const shifted = { ...inputs, [name]: { ...inputs[name], data: inputs[name].data.slice() } };
    shifted[name].data[index] += delta;
    return f(toArrays(shifted)).item();
  };
  const out: CoordinateCheck[] = [];
  for (const [name, input] of Object.entries(inputs)) {
    const n = input.data.length;
    const picks =
      n <= samples
        ? Array.from({ length: n }, (_, i) => i)
        : Array.from({ length: samples }, () => Math.floor(options.rand() * n));
    for (const index of picks) {
      const numeric = (evaluate(name, index, eps) - evaluate(name, index, -eps)) / (2 * eps);
      out.push({ input: name, index, analytic: analytic[name][index], numeric });
    }
  }
  return out;
}

/** Largest |analytic - numeric| / (atol + rtol * |numeric|) over the checks (<= 1 passes). */
export function worstGradientRatio(checks: readonly CoordinateCheck[], rtol = 1e-4, atol = 1e-6): number {
  return Math.max(
    ...checks.map((c) => Math.abs(c.analytic - c.numeric) / (atol + rtol * Math.abs(c.numeric))),
  );
}

/**
 * A copy of `params` (not consumed) whose leaves named in `replacements` (dotted paths, as `paths`
 * lists them in leaf order) are the given arrays: how a whole-model check differentiates a few leaves.
 */
export function withReplacedLeaves(
  params: ArrayTree,
  paths: readonly string[],
  replacements: Record<string, JaxArray>,
): ArrayTree {
  const all = leaves(tree.ref(params as never) as ArrayTree);
  const replaced = all.map((leaf, i) => {
    const key = paths[i];
    if (replacements[key] === undefined) return leaf;
    leaf.dispose();
    return replacements[key];
  });
  return unflattenLike(params, replaced);
}
