/** How models name their activation: a catalog name, optional parameter overrides, learnable parameters. */

import { getSpec, resolveParams } from '../../activations/resolve.js';
import type { ParamSpec } from '../../activations/spec.js';
import { activationFunction, type DerivativeForm } from '../../adapters/jax/index.js';
import { type ActivationFn, activationFn } from '../nn/activation.js';
import { type JaxArray, np } from '../runtime.js';

/** One value per activation layer, or one per channel (feature) of that layer. */
export type LearnableScope = 'layer' | 'channel';

export interface ActivationChoice {
  name: string;
  params?: Record<string, number>;
  /**
   * Parameters trained with the weights (PReLU's slope; GoLU's and Gompertz's alpha, beta, gamma),
   * starting from `params` (or the catalog defaults).
   */
  learnable?: { names: string[]; scope: LearnableScope };
  /**
   * Which derivatives the model's activation carries (gatelab/jax's DerivativeForm). Default
   * 'first-order', the training form; analyses that need second derivatives ask for 'exact'.
   * Sites with learnable parameters use the exact form: the first-order rule takes numeric parameters.
   */
  form?: DerivativeForm;
}

/** "golu(alpha=1, beta=0.5)" style label; learnable parameters add "[learn alpha,beta per layer]". */
export function activationLabel(choice: ActivationChoice): string {
  const entries = Object.entries(choice.params ?? {});
  const base =
    entries.length === 0 ? choice.name : `${choice.name}(${entries.map(([k, v]) => `${k}=${v}`).join(', ')})`;
  const learn = choice.learnable;
  if (learn === undefined || learn.names.length === 0) return base;
  return `${base}[learn ${learn.names.join(',')} per ${learn.scope}]`;
}

/** The jax-js function for a choice with fixed parameters. */
export function resolveActivation(choice: ActivationChoice): ActivationFn {
  return activationFn(choice.name, choice.params ?? {}, choice.form ?? 'first-order');
}

/** The learnable parameters of an activation in the catalog (e.g. ['alpha', 'beta', 'gamma'] for golu). */
export function learnableParameterNames(name: string): string[] {
  return getSpec(name)
    .params.filter((p) => p.learnable === true)
    .map((p) => p.name);
}

/**
 * Validates learnable names against the activation: each must be one of its learnable parameters.
 * Errors name the parameter, the activation and the valid names.
 */
export function checkLearnable(name: string, names: readonly string[]): void {
  const valid = learnableParameterNames(name);
  for (const n of names) {
    if (!valid.includes(n)) {
      throw new RangeError(
        `learnable parameter '${n}' is not a learnable parameter of ${getSpec(name).name} (learnable: ${valid.length > 0 ? valid.join(', ') : 'none'})`,
      );
    }
  }
}

/**
 * How a learnable parameter is stored: parameters whose range is (0, Infinity) are trained as their
 * logarithm (value = exp(raw): always positive, multiplicative steps, no clipping); the others (PReLU's
 * slope: any finite value) as themselves.
 */
export function isLogParameterized(p: ParamSpec): boolean {
  return p.min === 0 && !p.minInclusive && p.max === Number.POSITIVE_INFINITY;
}

/** The trained value of a stored raw parameter (host side: for logs and reports). */
export function learnableValue(activationName: string, param: string, raw: number): number {
  const spec = getSpec(activationName).params.find((p) => p.name === param);
  return spec !== undefined && isLogParameterized(spec) ? Math.exp(raw) : raw;
}

/** An activation site of a model: its trainable parameters (if any) and its forward function. */
export interface ActivationLayer {
  /** Names of the learnable parameters ([] when the activation is fixed). */
  readonly learnable: readonly string[];
  /**
   * Fresh trainable parameters for a site with `channels` features (shape [] per layer, [channels]
   * per channel), stored raw (log for positive ones); null when nothing is learnable. Uses no random
   * numbers, so the rest of a model's initialisation is the same with or without them.
   */
  init(channels: number): Record<string, JaxArray> | null;
  /** f(x) with the site's parameters (channels on the last axis of x). Consumes x and p. */
  apply(x: JaxArray, p?: Record<string, JaxArray> | null): JaxArray;
}

/** The activation layer of a choice (fixed or with learnable parameters). */
export function activationLayer(choice: ActivationChoice): ActivationLayer {
  const names = choice.learnable?.names ?? [];
  if (names.length === 0) {
    const f = resolveActivation(choice);
    return { learnable: [], init: () => null, apply: (x) => f(x) };
  }
  checkLearnable(choice.name, names);
  const spec = getSpec(choice.name);
  const start = resolveParams(spec, choice.params ?? {});
  const fixed = Object.fromEntries(Object.entries(start).filter(([k]) => !names.includes(k)));
  const positive = new Set(
    spec.params.filter((p) => names.includes(p.name) && isLogParameterized(p)).map((p) => p.name),
  );
  const f = activationFunction(choice.name);
  const scope = choice.learnable!.scope;
  return {
    learnable: [...names],
    init(channels) {
      const out: Record<string, JaxArray> = {};
      for (const n of names) {
        const raw = positive.has(n) ? Math.log(start[n]) : start[n];
        out[n] = scope === 'layer' ? np.array(raw) : np.full([channels], raw);
      }
      return out;
    },
    apply(x, p) {
      if (p === undefined || p === null)
        throw new Error(`internal: activation ${choice.name} has learnable parameters but none were passed`);
      const arrays: Record<string, JaxArray> = {};
      for (const n of names) arrays[n] = positive.has(n) ? np.exp(p[n]) : p[n];
      return f(x, { ...fixed, ...arrays });
    },
  };
}
