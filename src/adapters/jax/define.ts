/**
 * Turns a kernel (a jax-js composition over resolved parameters) into a public activation function:
 * catalog validation of the options, learnable parameters as arrays, a jit cache, dtype handling.
 */
import { jit, numpy as np, type OwnedFunction } from '@jax-js/jax';
import type { ActivationName } from '../../activations/index.js';
import { getSpec, resolveParams } from '../../activations/resolve.js';
import type { ActivationSpec } from '../../activations/spec.js';
import type { JaxArray } from './math.js';
import { ensureFloat16ArrayGlobal } from './runtime.js';

/** A jax-js array or a plain number (like jax-js's own `ArrayLike`). */
export type ArrayOrNumber = JaxArray | number;

/**
 * Parameter values as the kernels see them: a number (validated, fixed at trace time) or, for
 * learnable parameters, a jax-js array broadcastable against x (traced, so gradients flow into it).
 */
export type KernelParams = Readonly<Record<string, number | JaxArray>>;

export type Kernel = (x: JaxArray, p: KernelParams) => JaxArray;

/** An activation: consumes `x` (and any array-valued parameters), returns a new array of x's shape. */
export type ActivationFunction<Options> = (x: ArrayOrNumber, options?: Options) => JaxArray;

/** A resolved activation, `(x) => y`, as returned by `get`. Consumes x. */
export type JaxActivation = (x: ArrayOrNumber) => JaxArray;

/**
 * The catalog name and kernel behind each public function (for `get`). Kept on the function
 * object, not in a registry filled as a side effect of importing a family module: bundlers
 * drop such modules when only `get` is used (package.json says "sideEffects": false).
 */
const definitions = new WeakMap<object, { name: string; kernel: Kernel }>();

const jitCache = new Map<string, OwnedFunction<(x: JaxArray, ...arrays: JaxArray[]) => JaxArray>>();

/**
 * Disposes every compiled kernel this adapter cached (jax-js keeps compiled programs alive until
 * `dispose()`); later calls compile again.
 */
export function clearJitCache(): void {
  for (const f of jitCache.values()) f.dispose();
  jitCache.clear();
}

function isJaxArray(value: unknown): value is JaxArray {
  return (
    typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value && 'ref' in value
  );
}

interface Prepared {
  spec: ActivationSpec;
  numbers: Record<string, number>;
  arrayNames: string[];
  key: string;
}

/** Validates options with the catalog's rules; array values are accepted for learnable params only. */
function prepare(name: string, options: Readonly<Record<string, unknown>> | undefined): Prepared {
  const spec = getSpec(name);
  const given = options ?? {};
  const numericOptions: Record<string, unknown> = {};
  const arrayNames: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (isJaxArray(value)) {
      const param = spec.params.find((p) => p.name === key);
      if (param === undefined) {
        numericOptions[key] = value; // let resolveParams report the unknown name
      } else if (param.learnable !== true) {
        const learnable = spec.params.filter((p) => p.learnable).map((p) => p.name);
        throw new TypeError(
          `gatelab/jax: ${spec.name} parameter '${key}' must be a number; only learnable parameters take an array ` +
            `(${learnable.length > 0 ? learnable.join(', ') : `${spec.name} has none`})`,
        );
      } else {
        arrayNames.push(key);
      }
    } else {
      numericOptions[key] = value;
    }
  }
  const numbers = { ...resolveParams(spec, numericOptions) };
  for (const key of arrayNames) delete numbers[key];
  // String(v), not JSON: JSON would print Infinity as null.
  const numericKey = Object.entries(numbers).map(([k, v]) => `${k}=${String(v)}`);
  const key = `${spec.name}|${numericKey.join(',')}|${arrayNames.join(',')}`;
  return { spec, numbers, arrayNames, key };
}

function compiled(prepared: Prepared, kernel: Kernel) {
  let f = jitCache.get(prepared.key);
  if (f === undefined) {
    const { numbers, arrayNames, spec } = prepared;
    const traced = (x: JaxArray, ...arrays: JaxArray[]): JaxArray => {
      const p: Record<string, number | JaxArray> = { ...numbers };
      arrayNames.forEach((name, i) => {
        p[name] = arrays[i];
      });
      return kernel(x, p);
    };
    Object.defineProperty(traced, 'name', { value: spec.name });
    f = jit(traced);
    jitCache.set(prepared.key, f);
  }
  return f;
}

/** Floats stay in their dtype (float16 is computed in float32); ints and bools become float32. */
function run(
  prepared: Prepared,
  kernel: Kernel,
  x: ArrayOrNumber,
  options: Readonly<Record<string, unknown>>,
) {
  ensureFloat16ArrayGlobal();
  let input = isJaxArray(x) ? x : np.array(x as number);
  const arrays = prepared.arrayNames.map((name) => options[name] as JaxArray);
  const dtype = input.dtype;
  const f = compiled(prepared, kernel);
  if (dtype === np.float32 || dtype === np.float64) return f(input, ...arrays);
  input = input.astype(np.float32);
  const y = f(input, ...arrays);
  return dtype === np.float16 ? y.astype(np.float16) : y;
}

/**
 * Builds the public function for catalog activation `name` from its kernel. Options are validated
 * on every call (cheap), compiled kernels are cached per parameter set.
 */
export function defineActivation<Options extends object>(
  name: ActivationName,
  kernel: Kernel,
): ActivationFunction<Options> {
  const canonical = getSpec(name).name; // fails at import time if the catalog lacks this name
  const f = (x: ArrayOrNumber, options?: Options): JaxArray => {
    const given = (options ?? {}) as Readonly<Record<string, unknown>>;
    return run(prepare(name, given), kernel, x, given);
  };
  Object.defineProperty(f, 'name', { value: name });
  definitions.set(f, { name: canonical, kernel });
  return f;
}

/**
 * `(x) => y` for a validated, numeric parameter set: the parameters are checked once, here.
 * Learnable parameters given as arrays belong in the direct functions (`golu(x, { alpha })`),
 * which take a fresh reference on every call.
 */
export function bindActivation(
  f: ActivationFunction<object>,
  params: Readonly<Record<string, unknown>> = {},
): JaxActivation {
  const definition = definitions.get(f);
  if (definition === undefined)
    throw new Error('gatelab/jax: internal: not an activation made by defineActivation');
  const { name, kernel } = definition;
  for (const [key, value] of Object.entries(params)) {
    if (isJaxArray(value)) {
      throw new TypeError(
        `gatelab/jax: get('${name}', ...) takes numbers only; pass the array '${key}' to the activation function itself`,
      );
    }
  }
  const prepared = prepare(name, params);
  return (x: ArrayOrNumber): JaxArray => run(prepared, kernel, x, params);
}
