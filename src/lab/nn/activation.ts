/**
 * Activation functions for the lab's models, by catalog name and parameters, from gatelab/jax:
 * stable compositions whose gradients stay finite for every finite input.
 */
import { type DerivativeForm, get } from '../../adapters/jax/index.js';
import type { JaxArray } from '../runtime.js';

/** An elementwise activation (x) => y that consumes x. */
export type ActivationFn = (x: JaxArray) => JaxArray;

/**
 * The activation `name` (canonical or alias) with `params` (catalog defaults for missing ones).
 * Unknown names and out-of-range parameters throw the catalog's errors.
 * `form`: 'first-order' (default; training: exact values and first derivatives, a backward pass of one
 * multiplication) or 'exact' (derivatives of every order: Hessian-vector products in landscape).
 */
export function activationFn(
  name: string,
  params: Readonly<Record<string, number>> = {},
  form: DerivativeForm = 'first-order',
): ActivationFn {
  return get(name, params, { form }) as ActivationFn;
}
