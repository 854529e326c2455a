/**
 * The registry is the one list of activations: every backend has an entry for every registry entry
 * (at run time here; at compile time through `PerActivation` tables, proven in
 * registry-types.test.ts).
 */
import * as jax from '@jax-js/jax';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { NAIVE_NAMES, naiveLoops } from '../bench/naive.js';
import { jaxComposites, TFJS_KIND, tfFunctions } from '../bench/peers.js';
import { oracleActivation, oracleNames, oracleParams } from '../scripts/oracle/index.js';
import { camelName, registry } from '../src/activations/index.js';
import { resolveParams } from '../src/activations/resolve.js';
import * as gatelabJax from '../src/adapters/jax/index.js';
import * as gatelabTfjs from '../src/adapters/tfjs/index.js';
import { SHADER_ACTIVATIONS } from '../src/adapters/tfjs/shaders/index.js';
import { KERNEL_OPS } from '../src/kernels/ops.js';
import { SIMD_DISPATCH } from '../src/kernels/simd-dispatch.js';
import { nextDown, nextUp } from '../src/math/float.js';

const names = registry.map((spec) => spec.name);

describe('every registry entry has an entry in every backend', () => {
  it('wasm kernels: op table (ids in registry order) and SIMD dispatch', () => {
    expect(KERNEL_OPS.map((op) => op.name)).toEqual(names);
    expect(Object.keys(SIMD_DISPATCH).sort()).toEqual([...names].sort());
  });

  it('gatelab/jax: a function per activation, exported under its camelCase name', () => {
    expect(gatelabJax.names()).toEqual(names);
    for (const name of names) {
      const exported = (gatelabJax as Record<string, unknown>)[camelName(name)];
      expect(typeof exported, `gatelab/jax export ${camelName(name)}`).toBe('function');
      expect(gatelabJax.activationFunction(name)).toBe(exported);
    }
  });

  it('gatelab/tfjs: an op per activation, exported under its camelCase name, and a shader unit', () => {
    for (const name of names) {
      const exported = (gatelabTfjs as Record<string, unknown>)[camelName(name)];
      expect(typeof exported, `gatelab/tfjs export ${camelName(name)}`).toBe('function');
    }
    expect(Object.keys(SHADER_ACTIVATIONS).sort()).toEqual([...names].sort());
  });

  it('the decimal.js oracle', () => {
    expect(oracleNames()).toEqual(names);
  });

  it("bench: naive loops and the peers' composites", () => {
    expect([...NAIVE_NAMES].sort()).toEqual([...names].sort());
    for (const name of names) expect(typeof naiveLoops(name).forward).toBe('function');
    expect(Object.keys(TFJS_KIND).sort()).toEqual([...names].sort());
    expect(Object.keys(tfFunctions(tf)).sort()).toEqual([...names].sort());
    expect(Object.keys(jaxComposites(jax)).sort()).toEqual([...names].sort());
  });
});

describe("breakpoints are data on the spec and agree with the oracle's kinks", () => {
  const parameterSets: Record<string, Record<string, number>[]> = {
    softplus: [{}, { beta: 3, threshold: 15 }, { threshold: Number.POSITIVE_INFINITY }],
  };
  it.each(names)('%s', (name) => {
    const spec = registry.find((s) => s.name === name);
    if (spec === undefined) throw new Error(name);
    for (const given of parameterSets[name] ?? [{}]) {
      const fromSpec = spec.breakpoints(resolveParams(spec, given));
      const fromOracle = oracleActivation(name).kinks(oracleParams(name, given));
      // The oracle may list a breakpoint's neighbouring doubles too (softplus's threshold / beta).
      for (const k of fromOracle) {
        expect(
          fromSpec.some((b) => b === k || nextUp(b) === k || nextDown(b) === k),
          `${name} ${k}`,
        ).toBe(true);
      }
      for (const b of fromSpec) expect(fromOracle, `${name} ${b}`).toContain(b);
    }
  });
});
