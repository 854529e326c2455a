/** The optimizer interface shared by SGD and AdamW. */
import type { ArrayTree, JaxArray } from '../runtime.js';

/**
 * A first-order optimizer in functional form, so that one jit-compiled function can run
 * forward + backward + update. Host-side numbers that change every step (learning rate, Adam's bias
 * corrections) come in as scalar arrays, so a new value never triggers a recompile.
 */
export interface Optimizer {
  readonly name: string;
  /** Hyperparameters, for config.json. */
  readonly settings: Readonly<Record<string, number | boolean>>;
  /** Initial state for `params` (zeros shaped like them). Does not consume params. */
  init(params: ArrayTree): ArrayTree;
  /** The per-step scalars for step `step` (1-based) at learning rate `lr`. */
  scalars(step: number, lr: number): Record<string, number>;
  /**
   * One update. Consumes params, grads, state and scalars; returns [new params, new state].
   * Traceable under jit.
   */
  update(
    params: ArrayTree,
    grads: ArrayTree,
    state: ArrayTree,
    scalars: Record<string, JaxArray>,
  ): [ArrayTree, ArrayTree];
}

/** Weight decay applies to matrices and kernels (ndim >= 2), not to biases and norm gains (nanoGPT, timm). */
export function decays(param: JaxArray): boolean {
  return param.ndim >= 2;
}
