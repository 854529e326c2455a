/**
 * Conformance over the registry (PyTorch OpInfo style): every activation obeys the same contract.
 */
import { describe, expect, it } from 'vitest';
import { activation, getSpec, list, registry, resolveParams } from '../src/index.js';

const FINITE_PROBES = [
  -1e300, -1e4, -1000, -745, -100, -40, -30, -20, -10, -5, -2, -1, -0.75, -0.5671, -0.5, -1e-5, -1e-300,
  -5e-324, -0, 0, 5e-324, 1e-300, 1e-5, 0.5, 1, 2, 5, 6, 10, 20, 30, 40, 100, 1000, 1e4,
  3.4028234663852886e38, 1e300,
];

describe.each(registry.map((spec) => [spec.name, spec] as const))('%s', (name, spec) => {
  const f = activation(name);

  it('documents itself: formula, derivative, reference, kinks, parameter ranges', () => {
    expect(spec.formula.length).toBeGreaterThan(3);
    expect(spec.derivativeFormula.length).toBeGreaterThan(3);
    expect(spec.reference.length).toBeGreaterThan(3);
    expect(spec.kinks.length).toBeGreaterThan(0);
    for (const p of spec.params) expect(() => resolveParams(spec, { [p.name]: p.default })).not.toThrow();
  });

  it('gives finite value and derivative for every finite input, unless the true value overflows', () => {
    for (const x of FINITE_PROBES) {
      const v = f.value(x);
      const d = f.derivative(x);
      expect(Number.isNaN(v), `value(${x})`).toBe(false);
      expect(Number.isNaN(d), `derivative(${x})`).toBe(false);
      expect(Number.isFinite(d), `derivative(${x}) = ${d}`).toBe(true);
      expect(Number.isFinite(v), `value(${x}) = ${v}`).toBe(true);
    }
  });

  it('propagates NaN, never scrubbing it', () => {
    expect(f.value(Number.NaN)).toBeNaN();
    expect(f.derivative(Number.NaN)).toBeNaN();
    const out = f.forward(new Float32Array([Number.NaN, 1]));
    expect(out[0]).toBeNaN();
    expect(f.backward(new Float64Array([Number.NaN]), new Float64Array([1]))[0]).toBeNaN();
  });

  it('gives the mathematical limits at +-Infinity (no NaN)', () => {
    for (const x of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(f.value(x), `value(${x})`).not.toBeNaN();
      expect(f.derivative(x), `derivative(${x})`).not.toBeNaN();
      // The limit agrees with a large finite input in sign and rough size.
      const big = x > 0 ? 1e300 : -1e300;
      const dBig = f.derivative(big);
      expect(Math.abs(f.derivative(x) - dBig)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(dBig)));
    }
  });

  it('forward/backward on typed arrays equal value/derivative rounded once, in place too', () => {
    const xs = new Float64Array([-3, -0.5, 0, 0.25, 2.5, 7]);
    const y64 = f.forward(xs);
    const y32 = f.forward(Float32Array.from(xs));
    const dy = new Float64Array([1, -2, 3, 0.5, 1, 1]);
    const dx = f.backward(xs, dy);
    for (let i = 0; i < xs.length; i++) {
      expect(y64[i]).toBe(f.value(xs[i]));
      expect(y32[i]).toBe(Math.fround(f.value(Math.fround(xs[i]))));
      expect(dx[i]).toBe(dy[i] * f.derivative(xs[i]));
    }
    const inPlace = Float64Array.from(xs);
    expect(f.forward(inPlace, inPlace)).toBe(inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(y64));
    const fused = f.forwardWithDerivative(xs);
    expect(Array.from(fused.y)).toEqual(Array.from(y64));
    for (let i = 0; i < xs.length; i++) expect(fused.dydx[i]).toBe(f.derivative(xs[i]));
  });

  it('rejects bad arrays with clear errors', () => {
    expect(() => f.forward([1, 2] as unknown as Float32Array)).toThrow(
      /Float32Array or Float64Array, got Array/,
    );
    expect(() => f.forward(new Float32Array(3), new Float32Array(2))).toThrow(/length 2 but x has length 3/);
    expect(() => f.backward(new Float32Array(3), new Float64Array(3) as unknown as Float32Array)).toThrow(
      /Float64Array but x is a Float32Array/,
    );
  });
});

describe('registry and lookup', () => {
  it('has the 22 original canonical names first, in order (op ids follow it); new ones after', () => {
    expect(registry.map((s) => s.name).slice(0, 22)).toEqual([
      'golu',
      'gompertz',
      'gelu',
      'gelu_tanh',
      'gelu_sigmoid',
      'gem',
      'egem',
      'segem',
      'fmish',
      'relu',
      'leaky_relu',
      'prelu',
      'elu',
      'selu',
      'celu',
      'softplus',
      'swish',
      'mish',
      'sigmoid',
      'tanh',
      'softsign',
      'relu6',
    ]);
    expect(list()).toHaveLength(registry.length);
    expect(registry.length).toBeGreaterThanOrEqual(24);
  });

  it('resolves aliases and case', () => {
    expect(getSpec('silu').name).toBe('swish');
    expect(getSpec('GoLU').name).toBe('golu');
    expect(getSpec('leaky-relu').name).toBe('leaky_relu');
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => activation('goloo')).toThrow(
      /unknown activation 'goloo'. Valid names: golu, gompertz, gelu/,
    );
  });

  it('names the parameter and its range for a bad value', () => {
    expect(() => activation('golu', { alpha: -1 })).toThrow(RangeError);
    expect(() => activation('golu', { alpha: -1 })).toThrow(
      /golu parameter 'alpha' must be a number in \(0, Infinity\), got -1/,
    );
    expect(() => activation('gem', { n: 1.5 })).toThrow(
      /'n' must be a number in \[1, 64\] \(integer\), got 1.5/,
    );
    expect(() => activation('segem', { lambda: 2 })).toThrow(/'lambda' must be a number in \(0, 1\]/);
    expect(() => activation('leaky_relu', { slope: Number.NaN })).toThrow(/'slope'/);
    expect(() => activation('relu', { alpha: 1 })).toThrow(
      /relu has no parameter 'alpha' \(its parameters: none\)/,
    );
    expect(() => activation('golu', { beta: Number.POSITIVE_INFINITY })).toThrow(/'beta'/);
    expect(activation('softplus', { threshold: Number.POSITIVE_INFINITY }).value(100)).toBe(100);
    expect(() => activation('egem', { epsilon: 0 })).toThrow(/'epsilon' must be a number in \(0, Infinity\)/);
  });
});
