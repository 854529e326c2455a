/**
 * The explorer's state <-> URL hash round trip and its parameter sliders (src/explorer/state.ts,
 * catalog-view.ts), for every activation and parameter of the catalog.
 */
import { describe, expect, it } from 'vitest';
import { registry } from '../src/activations/index.js';
import { resolveParams } from '../src/activations/resolve.js';
import { fromPosition, grid, sampleEntry, sliderScale, toPosition } from '../src/explorer/catalog-view.js';
import {
  DEFAULT_STATE,
  decodeState,
  type ExplorerState,
  encodeState,
  parseEntry,
} from '../src/explorer/state.js';

describe('explorer URL state', () => {
  it('round-trips a state through the hash exactly', () => {
    const state: ExplorerState = {
      panel: 'stats',
      theme: 'dark',
      entries: [
        { name: 'golu', params: { gamma: 2 } },
        { name: 'golu', params: {} },
        { name: 'segem', params: { n: 3, lambda: 0.05, epsilon: 1e-3 } },
      ],
      range: [-2.5, 7],
      mu: -0.25,
      sigma: 3,
      train: {
        preset: 'text-gpt',
        activations: [{ name: 'relu', params: {} }],
        seeds: [4, 2],
        lr: 1e-4,
        optimizer: 'sgd',
        steps: 7,
        batchSize: 16,
        device: 'wasm',
      },
    };
    const hash = encodeState(state);
    expect(hash).toContain('act=golu:gamma=2,golu,segem:n=3:lambda=0.05:epsilon=0.001');
    expect(decodeState(hash)).toEqual({ state, problems: [] });
    expect(decodeState(`#${encodeState(DEFAULT_STATE)}`).state).toEqual(DEFAULT_STATE);
  });

  it('accepts aliases and drops invalid entries with the catalog message', () => {
    const { state, problems } = decodeState('act=silu,golu:gamma=-1,nope,gem:n=2&sigma=-3&steps=1.5');
    expect(state.entries).toEqual([
      { name: 'swish', params: {} },
      { name: 'gem', params: { n: 2 } },
    ]);
    expect(state.sigma).toBe(DEFAULT_STATE.sigma);
    expect(state.train.steps).toBe(DEFAULT_STATE.train.steps);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/golu parameter 'gamma' must be a number in \(0, Infinity\), got -1/);
    expect(problems[1]).toMatch(/unknown activation 'nope'/);
    expect(() => parseEntry('golu:gamma')).toThrow(/name:param=value/);
  });
});

describe('explorer parameter sliders', () => {
  it('cover each parameter inside its valid range, log where it spans decades, integer for n', () => {
    for (const spec of registry) {
      for (const param of spec.params) {
        const scale = sliderScale(param);
        for (const position of [0, 1, scale.steps >> 1, scale.steps - 1, scale.steps]) {
          const value = fromPosition(position, scale);
          expect(
            () => resolveParams(spec, { [param.name]: value }),
            `${spec.name}.${param.name} = ${value}`,
          ).not.toThrow();
        }
        expect(fromPosition(toPosition(param.default, scale), scale)).toBeCloseTo(param.default, 2);
        if (param.integer)
          expect(scale).toMatchObject({ integer: true, kind: 'linear', steps: scale.hi - scale.lo });
      }
    }
    const gem = registry.find((s) => s.name === 'gem')!.params[0];
    expect(sliderScale(gem)).toMatchObject({ lo: 1, hi: 64, steps: 63, integer: true });
    const gamma = registry.find((s) => s.name === 'golu')!.params.find((p) => p.name === 'gamma')!;
    expect(sliderScale(gamma)).toMatchObject({ kind: 'log', lo: 0.01, hi: 100 });
  });

  it("samples f, f', a finite-difference f'' and the gate that match the catalog", () => {
    const x = grid(-4, 4, 101);
    const s = sampleEntry({ name: 'gelu', params: {} }, x);
    const exact = sampleEntry({ name: 'gelu', params: {} }, x, true);
    const pdf = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
    for (let i = 0; i < x.length; i++) {
      expect(s.f[i]).toBeCloseTo(exact.f[i], 12);
      expect(s.d1[i]).toBeCloseTo(exact.d1[i], 12);
      // GELU'' = (2 - x^2) phi(x).
      expect(s.d2[i]).toBeCloseTo((2 - x[i] * x[i]) * pdf(x[i]), 8);
      expect(s.gate[i]).toBeCloseTo(x[i] === 0 ? 0.5 : exact.f[i] / x[i], 12);
    }
  });
});
