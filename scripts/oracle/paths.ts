/**
 * Implementations the accuracy harness can measure ("paths"), and how other code plugs one in.
 *
 * A path is any object implementing `AccuracyPath`. Two ways to supply one:
 *   - `--path exact` (built in): the catalog through the public API, `activation(name, params)`:
 *     scalar `value`/`derivative` for float64, `forward` and `backward` (dy = 1) on Float32Array.
 *   - `--path fast` loads `src/kernels/accuracy-path.ts`, and `--path-module <file>` loads any
 *     module. The module exports `createAccuracyPath(): AccuracyPath | Promise<AccuracyPath>`
 *     (or a default export that is an AccuracyPath). It is loaded once in every worker thread, so
 *     it may instantiate WebAssembly or other per-thread state.
 *
 * The harness always calls a path with whole arrays (chunks of up to 65,536 elements), so a
 * SIMD kernel sees realistic lengths, including odd tails.
 *
 * The interface is structural: a module under src/ can satisfy it without importing this file
 * (src/ must not import scripts/). A complete example for the kernels:
 *
 *   // src/kernels/accuracy-path.ts
 *   import { getSpec, resolveParams } from '../activations/resolve.js';
 *   import { fastForwardWithDerivative, kernelBackend } from './fast.js';
 *   export function createAccuracyPath() {
 *     const run = <T extends Float32Array | Float64Array>(name: string, params: object, x: T, y: T, d: T) => {
 *       const spec = getSpec(name);
 *       fastForwardWithDerivative(spec, resolveParams(spec, params as Record<string, number>), x, y, d);
 *       return { y, dydx: d };
 *     };
 *     return {
 *       name: 'fast',
 *       description: `WebAssembly kernels (${kernelBackend()})`,
 *       float32: (n, p, x) => run(n, p, x, new Float32Array(x.length), new Float32Array(x.length)),
 *       float64: (n, p, x) => run(n, p, x, new Float64Array(x.length), new Float64Array(x.length)),
 *       // issue 3's rule: 4 ulp, or an absolute gate error of 4 * 2^-24 * |x|
 *       withinTolerance: (q) => q.ulpError <= 4 || q.absError <= 4 * 2 ** -24 * Math.abs(q.x),
 *     };
 *   }
 */
import { pathToFileURL } from 'node:url';
import { activation, type Params } from '../../src/index.js';
import type { FloatFormat } from '../../src/math/float.js';

/** Forward values and derivatives of one input array, in the input's type. */
export interface PathResult<T extends Float32Array | Float64Array> {
  readonly y: T;
  readonly dydx: T;
}

type MaybePromise<T> = T | Promise<T>;

/** What `withinTolerance` is told about one measured point. */
export interface ToleranceQuery {
  readonly name: string;
  readonly kind: 'forward' | 'derivative';
  readonly format: FloatFormat;
  /** The input. */
  readonly x: number;
  /** The computed result. */
  readonly computed: number;
  /** Error in ulps of the true value (of `format`). */
  readonly ulpError: number;
  /** |computed - true value|. */
  readonly absError: number;
}

export interface AccuracyPath {
  /** Short name shown in the report ("exact", "fast", ...). */
  readonly name: string;
  /** One line for the report header. */
  readonly description: string;
  /** f(x) and f'(x) for every element of a float32 array, as float32. */
  float32(name: string, params: Params, x: Float32Array): MaybePromise<PathResult<Float32Array>>;
  /** The same in float64. Optional: a path without it is measured in float32 only. */
  float64?(name: string, params: Params, x: Float64Array): MaybePromise<PathResult<Float64Array>>;
  /**
   * The path's own acceptance rule per point (e.g. the fast kernels' documented tolerance). When
   * absent, the harness targets apply: float64 <= 4 ulp, float32 <= 1 ulp. Points rejected here
   * are counted in the report's "tol" column and fail `--strict`.
   */
  withinTolerance?(query: ToleranceQuery): boolean;
}

/** The catalog's exact path through the public typed-array API. */
export const exactPath: AccuracyPath = {
  name: 'exact',
  description: 'catalog: activation(name).value/derivative (float64), .forward/.backward on Float32Array',
  float32(name, params, x) {
    const a = activation(name, params);
    const ones = new Float32Array(x.length).fill(1);
    return { y: a.forward(x), dydx: a.backward(x, ones) };
  },
  float64(name, params, x) {
    const a = activation(name, params);
    const y = new Float64Array(x.length);
    const dydx = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      y[i] = a.value(x[i]);
      dydx[i] = a.derivative(x[i]);
    }
    return { y, dydx };
  },
};

/** Where `--path fast` looks for the kernels' plug-in. */
export const FAST_PATH_MODULE = new URL('../../src/kernels/accuracy-path.ts', import.meta.url).href;

/** How a path is named on the command line and across worker threads. */
export type PathSpec = { readonly kind: 'exact' } | { readonly kind: 'module'; readonly url: string };

/** `exact`, `fast`, or a module file path. */
export function parsePathSpec(path: string, moduleFile?: string): PathSpec {
  if (moduleFile) return { kind: 'module', url: pathToFileURL(moduleFile).href };
  if (path === 'exact') return { kind: 'exact' };
  if (path === 'fast') return { kind: 'module', url: FAST_PATH_MODULE };
  throw new Error(`accuracy: unknown --path '${path}' (use exact, fast, or --path-module <file>)`);
}

function isPath(value: unknown): value is AccuracyPath {
  return typeof value === 'object' && value !== null && typeof (value as AccuracyPath).float32 === 'function';
}

/** Loads a path (in the current thread). */
export async function loadPath(spec: PathSpec): Promise<AccuracyPath> {
  if (spec.kind === 'exact') return exactPath;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec.url)) as Record<string, unknown>;
  } catch (error) {
    const hint =
      spec.url === FAST_PATH_MODULE
        ? ' (the kernels provide this module: it exports createAccuracyPath(), see scripts/oracle/paths.ts)'
        : '';
    throw new Error(`accuracy: cannot load path module ${spec.url}${hint}: ${(error as Error).message}`);
  }
  if (typeof mod.createAccuracyPath === 'function') {
    const path = await (mod.createAccuracyPath as () => unknown)();
    if (isPath(path)) return path;
  }
  if (isPath(mod.default)) return mod.default;
  throw new Error(
    `accuracy: ${spec.url} must export createAccuracyPath(): AccuracyPath or a default AccuracyPath (see scripts/oracle/paths.ts)`,
  );
}
