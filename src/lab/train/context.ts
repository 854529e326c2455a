/** Forward contexts for training (dropout keys) and evaluation. */
import type { ForwardContext } from '../models/types.js';
import { dropout } from '../nn/dropout.js';
import { type JaxArray, random } from '../runtime.js';

/** A context whose dropout draws keys split from `key`; `finish()` releases the unused remainder. */
export interface OwnedContext extends ForwardContext {
  finish(): void;
}

/** Training context. `tap` defaults to the identity. Takes ownership of key. */
export function trainContext(key: JaxArray, tap?: (name: string, x: JaxArray) => JaxArray): OwnedContext {
  let current: JaxArray | null = key;
  return {
    train: true,
    dropout(x, rate) {
      if (rate === 0 || current === null) return x;
      const keys = random.split(current, 2);
      current = keys.ref.slice(0);
      return dropout(x, rate, keys.slice(1));
    },
    tap: tap ?? ((_name, x) => x),
    finish() {
      current?.dispose();
      current = null;
    },
  };
}

/** Evaluation context (no dropout, batch norm on running statistics). */
export function evaluationContext(tap?: (name: string, x: JaxArray) => JaxArray): OwnedContext {
  return {
    train: false,
    dropout: (x) => x,
    tap: tap ?? ((_name, x) => x),
    finish() {},
  };
}
