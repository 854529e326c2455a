/**
 * The TensorFlow.js namespace given to `registerActivations`. The adapter never imports tfjs itself
 * (it is an optional peer dependency), so ops and layers use the instance the application registered.
 */
import type * as TF from '@tensorflow/tfjs';

/** The `@tensorflow/tfjs` namespace (or an object with the same members). */
export type Tfjs = typeof TF;

let registered: Tfjs | undefined;

export function setTf(tf: Tfjs): void {
  registered = tf;
}

/** The registered namespace, or an error telling the caller to register first. */
export function requireTf(what: string): Tfjs {
  if (registered === undefined) {
    throw new Error(
      `gatelab/tfjs: ${what} needs TensorFlow.js; call registerActivations(tf) first (import * as tf from '@tensorflow/tfjs')`,
    );
  }
  return registered;
}

export function registeredTf(): Tfjs | undefined {
  return registered;
}
