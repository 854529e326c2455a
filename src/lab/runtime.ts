/**
 * The lab's jax-js runtime: one place that starts the wasm device and re-exports the jax-js names the
 * engine uses, so every lab module agrees on the same instance.
 */
import type { numpy as np } from '@jax-js/jax';
import { initJax } from '../adapters/jax/index.js';

export type { JsTree } from '@jax-js/jax';
export { grad, jit, lax, nn, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';

/** A jax-js array (`np.Array`). */
export type JaxArray = np.Array;

/** A nested object/array structure of jax-js arrays: model parameters, optimizer state, gradients. */
export type ArrayTree = JaxArray | readonly ArrayTree[] | { readonly [key: string]: ArrayTree };

let ready: Promise<void> | null = null;

/**
 * Starts jax-js on its WebAssembly device (idempotent), through gatelab/jax's `initJax`, which also
 * installs the Node 20 Float16Array workaround.
 */
export function initLabRuntime(): Promise<void> {
  if (ready === null) {
    ready = initJax({ devices: ['wasm'], defaultDevice: 'wasm' }).then(() => undefined);
  }
  return ready;
}
