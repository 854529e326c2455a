/**
 * The input grid, parameter cases and finite-difference helper shared by the gatelab/jax accuracy
 * tests (test/adapter-jax.test.ts: the exact form; test/adapter-jax-first-order.test.ts: the
 * first-order training form), so both forms are held to the same points.
 */
import { grad, jit, jvp, numpy as np } from '@jax-js/jax';
import { activationNames } from '../../src/activations/resolve.js';

/** float32 machine epsilon: the unit of the condition-scaled tolerance. */
export const EPS32 = 2 ** -23;

/** -20..20 step 0.01, plus tails, tiny values and the points the issue names (-100, 1e4). */
function makeGrid(): Float32Array {
  const xs: number[] = [];
  for (let i = -2000; i <= 2000; i++) xs.push(i / 100);
  xs.push(-1e4, -1000, -100, -90, -60, -40, -30, 30, 40, 60, 90, 100, 1000, 1e4);
  xs.push(1e-3, -1e-3, 1e-6, -1e-6, 1e-30, -1e-30, 0.5671, -0.5671, 6, 5.999, 6.001);
  return new Float32Array(xs);
}
export const GRID = makeGrid();

/** Every activation with its defaults, then non-default sets so every parameter is exercised. */
export const PARAMETER_CASES: readonly [string, Record<string, number>][] = [
  ...activationNames().map((name): [string, Record<string, number>] => [name, {}]),
  ['golu', { alpha: 1.5, beta: 0.5, gamma: 2 }],
  ['golu', { beta: 3, gamma: 0.5 }],
  ['gompertz', { alpha: 2, beta: 2, gamma: 0.7 }],
  ['gem', { n: 3 }],
  ['egem', { n: 2, epsilon: 0.01 }],
  ['segem', { n: 2, epsilon: 0.5, lambda: 0.3 }],
  ['leaky_relu', { slope: 0.2 }],
  ['prelu', { slope: -0.5 }],
  ['elu', { alpha: 0.5 }],
  ['elu', { alpha: 0 }],
  ['celu', { alpha: 2.5 }],
  ['softplus', { beta: 2, threshold: 10 }],
  ['softplus', { beta: 0.5, threshold: 1e30 }],
  ['swish', { beta: 1.7 }],
];

/** Central difference of the catalog's derivative (float64): the second derivative, for tolerances. */
export function catalogSecond(derivative: (x: number) => number, x: number): number {
  const h = 1e-4 * Math.max(1, Math.abs(x));
  return (derivative(x + h) - derivative(x - h)) / (2 * h);
}

/** A measure of float32 results against a float64 reference, each point judged on its condition scale. */
export type GridMeasure<M> = (
  got: ArrayLike<number>,
  want: (x: number) => number,
  scale: (x: number) => number,
) => M;

/**
 * `f` over GRID against the catalog's `reference`: its value, its grad (reverse mode) and its jvp
 * (forward mode), the derivatives jitted, each put to `measure` on the problem's condition: |f(x)| +
 * |x f'(x)| for the value, |f'(x)| + |x f''(x)| for the derivatives.
 */
export function measureOnGrid<M>(
  f: (x: np.Array) => np.Array,
  reference: { value: (x: number) => number; derivative: (x: number) => number },
  measure: GridMeasure<M>,
): { value: M; grad: M; jvp: M } {
  const y = f(np.array(GRID)).dataSync();
  const g = jit(grad((x: np.Array) => f(x).sum()))(np.array(GRID)).dataSync();
  const t = jit((x: np.Array) => jvp(f, [x.ref], [np.onesLike(x)])[1])(np.array(GRID)).dataSync();
  const valueScale = (x: number) => Math.abs(reference.value(x)) + Math.abs(x * reference.derivative(x));
  const derivativeScale = (x: number) =>
    Math.abs(reference.derivative(x)) + Math.abs(x * catalogSecond(reference.derivative, x));
  return {
    value: measure(y, reference.value, valueScale),
    grad: measure(g, reference.derivative, derivativeScale),
    jvp: measure(t, reference.derivative, derivativeScale),
  };
}
