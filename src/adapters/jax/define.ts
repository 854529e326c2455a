/**
 * Turns a kernel (a jax-js composition over resolved parameters) into a public activation function:
 * catalog validation of the options, learnable parameters as arrays, a jit cache, dtype handling.
 */
import { defaultDevice, jit, lax, numpy as np, type OwnedFunction } from '@jax-js/jax';
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

/**
 * The value and first derivative of an activation at x, written as plain forward expressions (they
 * share their exponentials). Used by the first-order form; parameters are numbers. Consumes x.
 */
export type FirstOrderRule = (
  x: JaxArray,
  p: Readonly<Record<string, number>>,
) => { value: JaxArray; derivative: JaxArray };

/**
 * Which derivatives a resolved activation carries:
 * - `exact` (default): autodiff of the stable composition; derivatives of every order are right
 *   (Hessian-vector products, `jvp(grad(f))`).
 * - `first-order`: the value and a hand-written first derivative, joined by the stop-gradient
 *   construction y = f(s) + (x - s) f'(s), s = stop_gradient(x). Same values and first derivatives
 *   (float32 accuracy as documented), but the backward pass is one multiplication instead of
 *   autodiff through exp/erfc polynomials: the training form. Second and higher derivatives are 0.
 */
export type DerivativeForm = 'exact' | 'first-order';

/** An activation: consumes `x` (and any array-valued parameters), returns a new array of x's shape. */
export type ActivationFunction<Options> = (x: ArrayOrNumber, options?: Options) => JaxArray;

/** A resolved activation, `(x) => y`, as returned by `get`. Consumes x. */
export type JaxActivation = (x: ArrayOrNumber) => JaxArray;

/**
 * The catalog name and kernel behind each public function (for `get`). Kept on the function
 * object, not in a registry filled as a side effect of importing a family module: bundlers
 * drop such modules when only `get` is used (package.json says "sideEffects": false).
 */
const definitions = new WeakMap<object, { name: string; kernel: Kernel; firstOrder?: FirstOrderRule }>();

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
  // Per device: a compiled function keeps the constants it made at trace time on the device that was the
  // default then, and moving them to another device later needs a synchronous read (none on webgpu).
  const key = `${defaultDevice()}|${prepared.key}`;
  let f = jitCache.get(key);
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
    jitCache.set(key, f);
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
 * The first-order form of `rule`: y = f(s) + (x - s) f'(s) with s = stop_gradient(x). (x - s) is 0
 * but carries the tangent, so y equals f(x) and dy/dx = f'(x), while f and f' are computed once, in
 * the forward pass. At x = +-Infinity x - s is NaN (and products like x * gate are Inf * 0), so there
 * y is the catalog's limit: slope * x where the limiting slope is not 0 (the limit is then infinite,
 * and the gradient is that slope), else the constant limit (gradient 0).
 */
function firstOrderKernel(rule: FirstOrderRule, spec: ActivationSpec): Kernel {
  return (x, p) => {
    const numbers = p as Readonly<Record<string, number>>;
    const limit = (at: number): JaxArray | number => {
      const slope = spec.derivative(at, numbers);
      const value = spec.value(at, numbers);
      return slope !== 0 && !Number.isFinite(value) ? x.ref.mul(slope) : Math.fround(value);
    };
    const s = lax.stopGradient(x.ref);
    const infinite = np.abs(s.ref).equal(Number.POSITIVE_INFINITY); // false for NaN: NaN propagates
    // The rule sees 0 at +-Infinity: its unselected derivative must be finite there, since reverse
    // mode multiplies it by the zero cotangent of the unselected branch.
    const { value, derivative } = rule(np.where(infinite.ref, 0, s.ref), numbers);
    const atInfinity = np.where(
      s.ref.greater(0),
      limit(Number.POSITIVE_INFINITY),
      limit(Number.NEGATIVE_INFINITY),
    );
    return np.where(infinite, atInfinity, value.add(x.sub(s).mul(derivative)));
  };
}

/**
 * Builds the public function for catalog activation `name` from its kernel (the exact form) and,
 * where autodiff of the kernel is costly, a first-order rule (value and derivative side by side).
 * Options are validated on every call (cheap), compiled kernels are cached per parameter set.
 */
export function defineActivation<Options extends object>(
  name: ActivationName,
  kernel: Kernel,
  firstOrder?: FirstOrderRule,
): ActivationFunction<Options> {
  const canonical = getSpec(name).name; // fails at import time if the catalog lacks this name
  const f = (x: ArrayOrNumber, options?: Options): JaxArray => {
    const given = (options ?? {}) as Readonly<Record<string, unknown>>;
    return run(prepare(name, given), kernel, x, given);
  };
  Object.defineProperty(f, 'name', { value: name });
  definitions.set(f, { name: canonical, kernel, firstOrder });
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
  form: DerivativeForm = 'exact',
): JaxActivation {
  const definition = definitions.get(f);
  if (definition === undefined)
    throw new Error('gatelab/jax: internal: not an activation made by defineActivation');
  if (form !== 'exact' && form !== 'first-order') {
    throw new RangeError(`gatelab/jax: form must be 'exact' or 'first-order', got '${String(form)}'`);
  }
  const { name } = definition;
  // Piecewise-linear activations have no first-order rule: their exact form is already as cheap.
  const firstOrder = form === 'first-order' ? definition.firstOrder : undefined;
  const kernel = firstOrder === undefined ? definition.kernel : firstOrderKernel(firstOrder, getSpec(name));
  for (const [key, value] of Object.entries(params)) {
    if (isJaxArray(value)) {
      throw new TypeError(
        `gatelab/jax: get('${name}', ...) takes numbers only; pass the array '${key}' to the activation function itself`,
      );
    }
  }
  const prepared = prepare(name, params);
  if (firstOrder !== undefined) prepared.key += '|first-order';
  return (x: ArrayOrNumber): JaxArray => run(prepared, kernel, x, params);
}
