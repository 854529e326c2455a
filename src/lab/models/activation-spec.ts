/** How models name their activation: a catalog name plus optional parameter overrides. */
import type { DerivativeForm } from '../../adapters/jax/index.js';
import { type ActivationFn, activationFn } from '../nn/activation.js';

export interface ActivationChoice {
  name: string;
  params?: Record<string, number>;
  /**
   * Which derivatives the model's activation carries (gatelab/jax's DerivativeForm). Default
   * 'first-order', the training form; analyses that need second derivatives ask for 'exact'.
   */
  form?: DerivativeForm;
}

/** "golu(alpha=1, beta=0.5)" style label. */
export function activationLabel(choice: ActivationChoice): string {
  const entries = Object.entries(choice.params ?? {});
  if (entries.length === 0) return choice.name;
  return `${choice.name}(${entries.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

/** The jax-js function for a choice. */
export function resolveActivation(choice: ActivationChoice): ActivationFn {
  return activationFn(choice.name, choice.params ?? {}, choice.form ?? 'first-order');
}
