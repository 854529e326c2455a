/**
 * The registry: a plain table of every activation spec, and the one list of activations. Adding an
 * activation means adding its file and one line here; `ActivationName` follows, and every backend
 * table typed `PerActivation<T>` then fails to compile until it has the new entry (see the README's
 * "Adding an activation"). Conformance tests loop over this table.
 */
import { celu } from './celu.js';
import { egem } from './egem.js';
import { elu } from './elu.js';
import { fmish } from './fmish.js';
import { gelu } from './gelu.js';
import { geluSigmoid } from './gelu-sigmoid.js';
import { geluTanh } from './gelu-tanh.js';
import { gem } from './gem.js';
import { golu } from './golu.js';
import { gompertz } from './gompertz.js';
import { hardSwish } from './hard-swish.js';
import { leakyRelu } from './leaky-relu.js';
import { mish } from './mish.js';
import { prelu } from './prelu.js';
import { relu } from './relu.js';
import { relu6 } from './relu6.js';
import { segem } from './segem.js';
import { selu } from './selu.js';
import { sigmoid } from './sigmoid.js';
import { softplus } from './softplus.js';
import { softsign } from './softsign.js';
import type { ActivationSpec } from './spec.js';
import { squareplus } from './squareplus.js';
import { swish } from './swish.js';
import { tanh } from './tanh.js';

export const registry = [
  golu,
  gompertz,
  gelu,
  geluTanh,
  geluSigmoid,
  gem,
  egem,
  segem,
  fmish,
  relu,
  leakyRelu,
  prelu,
  elu,
  selu,
  celu,
  softplus,
  swish,
  mish,
  sigmoid,
  tanh,
  softsign,
  relu6,
  hardSwish,
  squareplus,
] as const satisfies readonly ActivationSpec[];

/** Canonical name of every activation: the literal union `'golu' | 'gompertz' | ...`. */
export type ActivationName = (typeof registry)[number]['name'];

/**
 * A table with one entry per activation, like jax-js's `jvpRules`: the compiler names every
 * activation a backend's table lacks.
 */
export type PerActivation<T> = { readonly [N in ActivationName]: T };

/**
 * The lowerCamelCase form of a canonical name (`gelu_tanh` -> `geluTanh`): the name of the exported
 * function in gatelab/jax and gatelab/tfjs.
 */
export type CamelName<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelName<Tail>>}`
  : S;

/** The runtime form of `CamelName`: `gelu_tanh` -> `geluTanh`, `relu6` -> `relu6`. */
export function camelName<S extends string>(name: S): CamelName<S> {
  return name.replace(/_([a-z0-9])/g, (_match, c: string) => c.toUpperCase()) as CamelName<S>;
}

/** One entry per activation, keyed by its exported function name (`geluTanh`, `leakyRelu`, ...). */
export type PerActivationExport<T> = { readonly [N in ActivationName as CamelName<N>]: T };
