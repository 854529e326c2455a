/**
 * gatelab/jax at +-Infinity and NaN, table-driven over the registry: values and gradients equal the
 * catalog's limits for every activation (default and non-default parameters), and NaN in gives NaN
 * out. (Issue 10: golu, gelu_tanh, swish, mish, fmish and gelu_sigmoid were NaN at -Infinity, gelu
 * at both, the GEM family's and softsign's gradients NaN.)
 */
import { grad, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { registry } from '../src/activations/index.js';
import * as jx from '../src/adapters/jax/index.js';

beforeAll(async () => {
  await jx.initJax();
});

/** Every activation with its defaults, plus one non-default set per parameterised activation. */
const CASES: [string, Record<string, number>][] = registry.flatMap(
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

const INPUTS = new Float32Array([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, 1]);

/** Same float32 value, NaN equal to NaN, +0 equal to -0 (the sign of a zero limit is not part of it). */
function same(got: number, want: number): boolean {
  return Number.isNaN(want) ? Number.isNaN(got) : got === Math.fround(want);
}

describe('gatelab/jax: limits at +-Infinity and NaN propagation', () => {
  it.each(CASES.map(([name, params]) => [`${name} ${JSON.stringify(params)}`, name, params] as const))(
    '%s',
    (_, name, params) => {
      const f = jx.get(name, params);
      const reference = activation(name, params);
      const y = f(np.array(INPUTS)).dataSync();
      const g = grad((x: np.Array) => f(x).sum())(np.array(INPUTS)).dataSync();
      for (const [i, x] of [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY].entries()) {
        expect(same(y[i], reference.value(x)), `${name}(${x}) = ${y[i]}, catalog ${reference.value(x)}`).toBe(
          true,
        );
        expect(
          same(g[i], reference.derivative(x)),
          `${name}'(${x}) = ${g[i]}, catalog ${reference.derivative(x)}`,
        ).toBe(true);
      }
      expect(Number.isNaN(y[2]), `${name}(NaN) = ${y[2]}`).toBe(true);
      expect(Number.isFinite(y[3]) && Number.isFinite(g[3])).toBe(true);
    },
  );
});
