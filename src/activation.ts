/**
 * The public typed-array API over the catalog: `activation(name, params)` and `list()`.
 * Exact path: every element is computed in float64 by the spec and rounded once to the array type.
 * Fast path (`{ fast: true }`, and the async methods): the WebAssembly SIMD kernels of src/kernels,
 * within their documented tolerance (src/kernels/tolerance.ts).
 */
import {
  activationNames,
  describeRange,
  describeValue,
  getSpec,
  resolveParams,
} from './activations/resolve.js';
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
  /** f(x) in float64; x must be a number (a string, null or a bigint is a TypeError, never coerced). */
  value(x: number): number;
  /** f'(x) in float64; x must be a number. */
  derivative(x: number): number;
  /**
   * y = f(x) elementwise; `out` may be `x` itself or any other view of its memory (a partly overlapping
   * input is read before it is overwritten). Returns `out` (or a new array of x's type).
   */
  forward<T extends FloatArray>(x: T, out?: T, options?: ArrayOptions): T;
  /** dx = dy * f'(x) elementwise; `out` may alias or overlap `x` or `dy`. */
  backward<T extends FloatArray>(x: T, dy: T, out?: T, options?: ArrayOptions): T;
  /** y = f(x) and dydx = f'(x) in one pass; y and dydx must not share memory (a RangeError). */
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

/** Two views of one buffer whose elements intersect without coinciding (x shifted against out). */
function partlyOverlaps(a: FloatArray, b: FloatArray): boolean {
  if (a.buffer !== b.buffer || a.byteOffset === b.byteOffset) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * An input that partly overlaps an output is copied first: writing out[i] would otherwise overwrite
 * input elements not yet read (on both paths). Identical views (in place) need no copy.
 */
function readable<T extends FloatArray>(input: T, ...outputs: T[]): T {
  return outputs.some((o) => partlyOverlaps(input, o)) ? (input.slice() as T) : input;
}

/** Checks backward's arrays; returns the inputs to read (copies where they partly overlap dx) and dx. */
function backwardArrays<T extends FloatArray>(
  name: string,
  what: string,
  input: T,
  gradient: T,
  out: T | undefined,
): { x: T; dy: T; dx: T } {
  checkArray(what, name, input);
  checkArray(what, name, gradient);
  matching(name, `${what}: dy`, input, gradient);
  const dx = matching(name, `${what}: out`, input, out);
  return { x: readable(input, dx), dy: readable(gradient, dx), dx };
}

function checkNumber(name: string, what: string, x: unknown): void {
  if (typeof x !== 'number') {
    throw new TypeError(`gatelab: ${name}.${what} expects a number, got ${describeValue(x)}`);
  }
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
    value(x: number): number {
      checkNumber(label, 'value', x);
      return f(x);
    },
    derivative(x: number): number {
      checkNumber(label, 'derivative', x);
      return df(x);
    },
    forward<T extends FloatArray>(input: T, out?: T, options?: ArrayOptions): T {
      checkArray('forward', label, input);
      const y = matching(label, 'forward: out', input, out);
      const x = readable(input, y);
      if (options?.fast) return fastForward(spec, p, x, y);
      for (let i = 0; i < x.length; i++) y[i] = f(x[i]);
      return y;
    },
    backward<T extends FloatArray>(input: T, gradient: T, out?: T, options?: ArrayOptions): T {
      const { x, dy, dx } = backwardArrays(label, 'backward', input, gradient, out);
      if (options?.fast) return fastBackward(spec, p, x, dy, dx);
      for (let i = 0; i < x.length; i++) dx[i] = dy[i] * df(x[i]);
      return dx;
    },
    forwardWithDerivative<T extends FloatArray>(
      input: T,
      y?: T,
      dydx?: T,
      options?: ArrayOptions,
    ): { y: T; dydx: T } {
      checkArray('forwardWithDerivative', label, input);
      const yOut = matching(label, 'forwardWithDerivative: y', input, y);
      const dOut = matching(label, 'forwardWithDerivative: dydx', input, dydx);
      if (
        yOut.buffer === dOut.buffer &&
        (yOut.byteOffset === dOut.byteOffset || partlyOverlaps(yOut, dOut))
      ) {
        throw new RangeError(
          `gatelab: ${label}.forwardWithDerivative: y and dydx share memory; pass two separate arrays`,
        );
      }
      const x = readable(input, yOut, dOut);
      if (options?.fast) return fastForwardWithDerivative(spec, p, x, yOut, dOut);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        yOut[i] = f(xi);
        dOut[i] = df(xi);
      }
      return { y: yOut, dydx: dOut };
    },
    async forwardAsync<T extends FloatArray>(input: T, out?: T): Promise<T> {
      checkArray('forwardAsync', label, input);
      const y = matching(label, 'forwardAsync: out', input, out);
      const x = readable(input, y);
      await defaultPool().run({ mode: 'forward', spec, params: p, x, y });
      return y;
    },
    async backwardAsync<T extends FloatArray>(input: T, gradient: T, out?: T): Promise<T> {
      const { x, dy, dx } = backwardArrays(label, 'backwardAsync', input, gradient, out);
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
