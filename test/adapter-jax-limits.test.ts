/**
 * gatelab/jax at +-Infinity and NaN, table-driven over the registry, for both derivative forms
 * (exact and first-order) on the wasm and cpu devices: values and gradients equal the catalog's
 * limits for every activation (default and non-default parameters), and NaN in gives NaN out, for
 * the value and for the gradient. (Issue 10: golu, gelu_tanh, swish, mish, fmish and gelu_sigmoid
 * were NaN at -Infinity, gelu at both, the GEM family's and softsign's gradients NaN. Issue 12: the
 * ReLU family's gradient at NaN was 1, the first-order form's gradients at +-Infinity 0 or NaN, and
 * x * gate forms gave -2.3e-7 at -Infinity on the cpu device, which keeps float64 intermediates.)
 */
import { defaultDevice, grad, numpy as np } from '@jax-js/jax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { registry } from '../src/activations/index.js';
import * as jx from '../src/adapters/jax/index.js';

beforeAll(async () => {
  await jx.initJax({ devices: ['wasm', 'cpu'] });
});

afterAll(() => {
  defaultDevice('wasm');
});

/** Every activation with its defaults, plus one non-default set per parameterised activation. */
const PARAMETER_SETS: [string, Record<string, number>][] = registry.flatMap(
  (spec): [string, Record<string, number>][] => {
    const shifted = Object.fromEntries(
      spec.params.map((p) => [
        p.name,
        p.integer ? p.default + 1 : p.max === 1 ? p.default / 2 : p.default * 2,
      ]),
    );
    return spec.params.length === 0
      ? [[spec.name, {}]]
      : [
          [spec.name, {}],
          [spec.name, shifted],
        ];
  },
);

const CASES = (['wasm', 'cpu'] as const).flatMap((device) =>
  (['exact', 'first-order'] as const).flatMap((form) =>
    PARAMETER_SETS.map(
      ([name, params]) =>
        [`${device} ${form} ${name} ${JSON.stringify(params)}`, device, form, name, params] as const,
    ),
  ),
);

const INPUTS = new Float32Array([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, 1]);

/** Same float32 value, NaN equal to NaN, +0 equal to -0 (the sign of a zero limit is not part of it). */
function same(got: number, want: number): boolean {
  return Number.isNaN(want) ? Number.isNaN(got) : got === Math.fround(want);
}

describe('gatelab/jax: limits at +-Infinity and NaN propagation, values and gradients', () => {
  it.each(CASES)('%s', (_, device, form, name, params) => {
    defaultDevice(device);
    const f = jx.get(name, params, { form });
    const reference = activation(name, params);
    const x = np.array(INPUTS);
    expect(x.device).toBe(device);
    const y = f(x).dataSync();
    const g = grad((v: np.Array) => f(v).sum())(np.array(INPUTS)).dataSync();
    for (const [i, at] of [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY].entries()) {
      expect(
        same(y[i], reference.value(at)),
        `${name}(${at}) = ${y[i]}, catalog ${reference.value(at)}`,
      ).toBe(true);
      expect(
        same(g[i], reference.derivative(at)),
        `${name}'(${at}) = ${g[i]}, catalog ${reference.derivative(at)}`,
      ).toBe(true);
    }
    expect(Number.isNaN(y[2]), `${name}(NaN) = ${y[2]}`).toBe(true);
    expect(Number.isNaN(g[2]), `${name}'(NaN) = ${g[2]}`).toBe(true);
    expect(Number.isFinite(y[3]) && Number.isFinite(g[3])).toBe(true);
  });
});
