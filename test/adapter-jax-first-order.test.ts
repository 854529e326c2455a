/**
 * gatelab/jax's first-order form (`get(name, params, { form: 'first-order' })`, the lab's training form)
 * against the catalog on the wasm device: values and first derivatives (grad and jvp) within the same
 * condition-scaled float32 tolerance as the exact form (test/adapter-jax.test.ts), finite at extreme
 * inputs, NaN propagated, limits at +-Infinity, and second derivatives 0 as documented (the exact form keeps them; landscape uses it).
 */
import { grad, jit, jvp, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { activationNames } from '../src/activations/resolve.js';
import * as jx from '../src/adapters/jax/index.js';
import { catalogSecond, EPS32, GRID, measureOnGrid, PARAMETER_CASES } from './helpers/jax-grid.js';

/** The exact form's bound (condition-scaled float32 ulps). */
const K = 8;
/**
 * The first-order forms flush subnormal intermediate results to 0 (like most SIMD math): where a
 * result is that small, its absolute error may reach a few thousand times the smallest normal float32
 * (2^-126).
 */
const ABSOLUTE_FLOOR = 2 ** -110;

function worstCondUlp(got: ArrayLike<number>, want: (x: number) => number, scale: (x: number) => number) {
  let worst = 0;
  let at = 0;
  for (let i = 0; i < GRID.length; i++) {
    const err = Math.abs(got[i] - want(GRID[i]));
    const ulps = err / (EPS32 * scale(GRID[i]) + ABSOLUTE_FLOOR);
    if (!(ulps <= worst)) {
      worst = ulps;
      at = GRID[i];
    }
  }
  return { worst, at };
}

const training = (name: string, params: Record<string, number> = {}) =>
  jx.get(name, params, { form: 'first-order' });

beforeAll(async () => {
  await jx.initJax({ devices: ['wasm'], defaultDevice: 'wasm' });
});

describe('first-order form matches the catalog (wasm device)', () => {
  it.each(PARAMETER_CASES)('%s %j: value, grad and jvp within float32 tolerance', (name, params) => {
    const measured = measureOnGrid(training(name, params), activation(name, params), worstCondUlp);
    expect(measured.value.worst, `value at x = ${measured.value.at}`).toBeLessThan(K);
    expect(measured.grad.worst, `grad at x = ${measured.grad.at}`).toBeLessThan(K);
    expect(measured.jvp.worst, `jvp at x = ${measured.jvp.at}`).toBeLessThan(K);
  });
});

describe('first-order form at the edges', () => {
  const extremes = new Float32Array([
    -3e38, -1e30, -1e10, -1e4, -1000, -100, -90, -88, -1e-30, 0, 1e-30, 88, 90, 100, 1000, 1e4, 1e10, 1e30,
    3e38,
  ]);
  it.each(activationNames())('%s: value and grad finite at +-3e38, -100, 1e4, ...', (name) => {
    const f = training(name);
    const y = f(np.array(extremes)).dataSync();
    const g = jit(grad((x: np.Array) => f(x).sum()))(np.array(extremes)).dataSync();
    for (let i = 0; i < extremes.length; i++) {
      expect(Number.isFinite(y[i]), `${name}(${extremes[i]}) = ${y[i]}`).toBe(true);
      expect(Number.isFinite(g[i]), `grad ${name}(${extremes[i]}) = ${g[i]}`).toBe(true);
    }
  });

  it.each(activationNames())('%s: NaN propagates; +-Infinity give the catalog limits', (name) => {
    const reference = activation(name);
    const y = training(name)(np.array(new Float32Array([Number.NaN, Infinity, -Infinity, 1]))).dataSync();
    expect(Number.isNaN(y[0])).toBe(true);
    // === so that -0 and +0 count as the same limit.
    expect(y[1] === Math.fround(reference.value(Infinity)), `f(Infinity) = ${y[1]}`).toBe(true);
    expect(y[2] === Math.fround(reference.value(-Infinity)), `f(-Infinity) = ${y[2]}`).toBe(true);
    expect(Number.isNaN(y[3])).toBe(false);
  });

  it('second derivatives are 0 in the first-order form and exact in the exact form', () => {
    const xs = new Float32Array([-1, 0.5, 2]);
    const secondDerivative = (f: (x: np.Array) => np.Array) => {
      const df = grad((x: np.Array) => f(x).sum());
      return jit((x: np.Array) => jvp(df, [x.ref], [np.onesLike(x)])[1])(np.array(xs)).dataSync();
    };
    const reference = activation('golu');
    const exact = secondDerivative(jx.get('golu'));
    const first = secondDerivative(training('golu'));
    for (let i = 0; i < xs.length; i++) {
      expect(first[i]).toBe(0);
      expect(exact[i]).toBeCloseTo(catalogSecond(reference.derivative, xs[i]), 4);
    }
  });

  it('rejects an unknown form, naming it', () => {
    expect(() => jx.get('golu', {}, { form: 'second' as never })).toThrow(
      "form must be 'exact' or 'first-order', got 'second'",
    );
  });
});
