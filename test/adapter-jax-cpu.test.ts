/**
 * gatelab/jax on jax-js's cpu device (the interpreted reference backend): same compositions, so
 * forward and gradient must match the catalog there too. A small grid: the cpu device interprets
 * each fused kernel as an expression tree without common-subexpression elimination, so nested
 * compositions (exp inside log1p inside softplus) cost thousands of node visits per element.
 */
import { defaultDevice, grad, jit, numpy as np } from '@jax-js/jax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { activationNames } from '../src/activations/resolve.js';
import * as jx from '../src/adapters/jax/index.js';

const EPS32 = 2 ** -23;
const K = 8;
const FLT_MIN = 1.1754943508222875e-38;

const GRID = new Float32Array([
  ...Array.from({ length: 17 }, (_, i) => (i - 8) * 1.25),
  -0.3,
  0.7,
  -1e4,
  -100,
  -30,
  30,
  100,
  1e4,
  1e-6,
  -1e-6,
]);

beforeAll(async () => {
  const devices = await jx.initJax();
  expect(devices).toContain('cpu');
  defaultDevice('cpu');
});

afterAll(() => {
  defaultDevice('wasm');
});

describe('gatelab/jax matches the catalog (cpu device)', () => {
  it.each(activationNames())('%s: forward and grad within float32 tolerance', (name) => {
    const reference = activation(name);
    const f = jx.get(name);
    const x = np.array(GRID);
    expect(x.device).toBe('cpu');
    const y = f(x).dataSync();
    const g = jit(grad((v: np.Array) => f(v).sum()))(np.array(GRID)).dataSync();
    for (let i = 0; i < GRID.length; i++) {
      const v = GRID[i];
      const h = 1e-4 * Math.max(1, Math.abs(v));
      const second = (reference.derivative(v + h) - reference.derivative(v - h)) / (2 * h);
      const fwdTol =
        K * EPS32 * (Math.abs(reference.value(v)) + Math.abs(v * reference.derivative(v))) + FLT_MIN;
      const gradTol = K * EPS32 * (Math.abs(reference.derivative(v)) + Math.abs(v * second)) + FLT_MIN;
      expect(Math.abs(y[i] - reference.value(v)), `${name}(${v})`).toBeLessThanOrEqual(fwdTol);
      expect(Math.abs(g[i] - reference.derivative(v)), `${name}'(${v})`).toBeLessThanOrEqual(gradTol);
    }
  });
});
