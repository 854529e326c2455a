/**
 * The public typed-array API over the catalog: `activation(name, params)` and `list()`.
 * Exact path: every element is computed in float64 by the spec and rounded once to the array type.
 * Fast path (`{ fast: true }`, and the async methods): the WebAssembly SIMD kernels of src/kernels,
 * within their documented tolerance (src/kernels/tolerance.ts).
 */
import { activationNames, describeRange, getSpec, resolveParams } from './activations/resolve.js';
import type { ActivationSpec, Params } from './activations/spec.js';
import { fastBackward, fastForward, fastForwardWithDerivative } from './kernels/fast.js';
import { defaultPool } from './kernels/pool.js';

export type FloatArray = Float32Array | Float64Array;

/** Options of the typed-array methods. */
export interface ArrayOptions {
  /**
   * Use the WebAssembly SIMD kernels: several times faster, accurate to 4 ulp or an absolute error
   * of 4 u |x| (values and derivatives), u = 2^-24 (float32) or 2^-53 (float64).
   * Falls back to the exact path where WebAssembly SIMD is unavailable. Default false.
   */
  readonly fast?: boolean;
}

export interface Activation {
  readonly name: string;
  readonly spec: ActivationSpec;
  readonly params: Params;
  /** f(x) in float64. */
  value(x: number): number;
  /** f'(x) in float64. */
  derivative(x: number): number;
  /** y = f(x) elementwise; `out` may alias `x`. Returns `out` (or a new array of x's type). */
  forward<T extends FloatArray>(x: T, out?: T, options?: ArrayOptions): T;
  /** dx = dy * f'(x) elementwise; `out` may alias `x` or `dy`. */
  backward<T extends FloatArray>(x: T, dy: T, out?: T, options?: ArrayOptions): T;
  /** y = f(x) and dydx = f'(x) in one pass (for training code that saves the derivative). */
  forwardWithDerivative<T extends FloatArray>(
    x: T,
    y?: T,
    dydx?: T,
    options?: ArrayOptions,
  ): { y: T; dydx: T };
  /**
   * `forward` on the fast kernels, split across the worker pool for arrays of at least
   * POOL_MIN_ELEMENTS (262,144) elements; bit-identical to `forward(x, out, { fast: true })`.
   */
  forwardAsync<T extends FloatArray>(x: T, out?: T): Promise<T>;
  /** `backward` on the fast kernels and the worker pool (see `forwardAsync`). */
  backwardAsync<T extends FloatArray>(x: T, dy: T, out?: T): Promise<T>;
}

export interface ActivationSummary {
  name: string;
  aliases: string[];
  title: string;
  formula: string;
  derivativeFormula: string;
  reference: string;
  kinks: string;
  params: { name: string; default: number; range: string; learnable: boolean; description: string }[];
}

function checkArray(what: string, name: string, a: unknown): void {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) {
    const got = a === null ? 'null' : typeof a === 'object' ? (a as object).constructor?.name : typeof a;
    throw new TypeError(`gatelab: ${name}.${what} expects a Float32Array or Float64Array, got ${got}`);
  }
}

/** Checks that `other` is present-or-optional, of x's type and length; returns it or a fresh array. */
function matching<T extends FloatArray>(name: string, what: string, x: T, other: T | undefined): T {
  if (other === undefined) return new (x.constructor as { new (n: number): T })(x.length);
  checkArray(what, name, other);
  if (other.constructor !== x.constructor) {
    throw new TypeError(
      `gatelab: ${name}: ${what} is a ${other.constructor.name} but x is a ${x.constructor.name}; use one type`,
    );
  }
  if (other.length !== x.length) {
    throw new RangeError(`gatelab: ${name}: ${what} has length ${other.length} but x has length ${x.length}`);
  }
  return other;
}

/**
 * An activation by canonical name or alias, with parameters (defaults filled, ranges checked).
 * @example const golu = activation('golu', { alpha: 1 }); golu.forward(new Float32Array([1, 2]));
 */
export function activation(name: string, params: Readonly<Record<string, number>> = {}): Activation {
  const spec = getSpec(name);
  const p = resolveParams(spec, params);
  const f = (x: number) => spec.value(x, p);
  const df = (x: number) => spec.derivative(x, p);
  const label = spec.name;
  return {
    name: spec.name,
    spec,
    params: p,
    value: f,
    derivative: df,
    forward<T extends FloatArray>(x: T, out?: T, options?: ArrayOptions): T {
      checkArray('forward', label, x);
      const y = matching(label, 'forward: out', x, out);
      if (options?.fast) return fastForward(spec, p, x, y);
      for (let i = 0; i < x.length; i++) y[i] = f(x[i]);
      return y;
    },
    backward<T extends FloatArray>(x: T, dy: T, out?: T, options?: ArrayOptions): T {
      checkArray('backward', label, x);
      checkArray('backward', label, dy);
      matching(label, 'backward: dy', x, dy);
      const dx = matching(label, 'backward: out', x, out);
      if (options?.fast) return fastBackward(spec, p, x, dy, dx);
      for (let i = 0; i < x.length; i++) dx[i] = dy[i] * df(x[i]);
      return dx;
    },
    forwardWithDerivative<T extends FloatArray>(
      x: T,
      y?: T,
      dydx?: T,
      options?: ArrayOptions,
    ): { y: T; dydx: T } {
      checkArray('forwardWithDerivative', label, x);
      const yOut = matching(label, 'forwardWithDerivative: y', x, y);
      const dOut = matching(label, 'forwardWithDerivative: dydx', x, dydx);
      if (options?.fast) return fastForwardWithDerivative(spec, p, x, yOut, dOut);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        yOut[i] = f(xi);
        dOut[i] = df(xi);
      }
      return { y: yOut, dydx: dOut };
    },
    async forwardAsync<T extends FloatArray>(x: T, out?: T): Promise<T> {
      checkArray('forwardAsync', label, x);
      const y = matching(label, 'forwardAsync: out', x, out);
      await defaultPool().run({ mode: 'forward', spec, params: p, x, y });
      return y;
    },
    async backwardAsync<T extends FloatArray>(x: T, dy: T, out?: T): Promise<T> {
      checkArray('backwardAsync', label, x);
      checkArray('backwardAsync', label, dy);
      matching(label, 'backwardAsync: dy', x, dy);
      const dx = matching(label, 'backwardAsync: out', x, out);
      await defaultPool().run({ mode: 'backward', spec, params: p, x, dy, y: dx });
      return dx;
    },
  };
}

/** A summary of every activation in the catalog, in registry order. */
export function list(): ActivationSummary[] {
  return activationNames().map((name) => {
    const spec = getSpec(name);
    return {
      name: spec.name,
      aliases: [...spec.aliases],
      title: spec.title,
      formula: spec.formula,
      derivativeFormula: spec.derivativeFormula,
      reference: spec.reference,
      kinks: spec.kinks,
      params: spec.params.map((param) => ({
        name: param.name,
        default: param.default,
        range: describeRange(param),
        learnable: param.learnable === true,
        description: param.description,
      })),
    };
  });
}
