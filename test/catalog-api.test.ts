/**
 * Strictness of the public catalog API (issue 10): parameters and inputs of the wrong type are
 * TypeErrors that say what was received, never coerced; an `out` array that partly overlaps an input
 * gives the same values as separate arrays on the exact and fast paths.
 */
import { describe, expect, it } from 'vitest';
import { activation, list, registry } from '../src/index.js';

describe('catalog API: types are checked, never coerced', () => {
  it('parameters that are not an object are a TypeError', () => {
    expect(() => activation('golu', null as never)).toThrow(TypeError);
    expect(() => activation('golu', null as never)).toThrow(
      'golu parameters must be an object such as { alpha: 1 }, got null',
    );
    expect(() => activation('golu', 'alpha=2' as never)).toThrow(TypeError);
    expect(() => activation('golu', 'alpha=2' as never)).toThrow("got the string 'alpha=2'");
    expect(() => activation('golu', [2] as never)).toThrow('got an array');
    expect(() => activation(null as never)).toThrow(TypeError);
  });

  it('a parameter value that is not a number says what it is', () => {
    expect(() => activation('golu', { alpha: '2' } as never)).toThrow(TypeError);
    expect(() => activation('golu', { alpha: '2' } as never)).toThrow(
      "golu parameter 'alpha' must be a number in (0, Infinity), got the string '2'",
    );
    expect(() => activation('gem', { n: 2n } as never)).toThrow('got the bigint 2n');
    expect(() => activation('golu', { beta: null } as never)).toThrow(/'beta' .* got null/);
    // Out of range stays a RangeError.
    expect(() => activation('golu', { alpha: -1 })).toThrow(RangeError);
  });

  it('value and derivative take numbers only', () => {
    for (const { name } of list()) {
      const f = activation(name);
      for (const bad of ['1', null, 1n, undefined, true, [1]]) {
        expect(() => f.value(bad as never), `${name}.value(${String(bad)})`).toThrow(TypeError);
        expect(() => f.derivative(bad as never)).toThrow(TypeError);
      }
    }
    expect(() => activation('relu').value('1' as never)).toThrow(
      "relu.value expects a number, got the string '1'",
    );
    expect(() => activation('relu').value(1n as never)).toThrow('got the bigint 1n');
    expect(activation('relu').value(1)).toBe(1);
  });
});

/** Index of the first element that differs (Object.is), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

describe('catalog API: out overlapping x', () => {
  const xs = Array.from({ length: 12_000 }, (_, i) => -8 + (16 * i) / 11_999);
  for (const T of [Float32Array, Float64Array]) {
    for (const fast of [false, true]) {
      it(`${T.name}, ${fast ? 'fast' : 'exact'} path: forward, backward and fused give the separate-array values`, () => {
        // The exact GoLU is slow (double-double); swish stands in for the self-gated family there.
        for (const name of fast ? ['golu', 'relu', 'gelu'] : ['swish', 'relu', 'gelu']) {
          const f = activation(name);
          const reference = f.forward(new T(xs), undefined, { fast });
          const referenceDx = f.backward(new T(xs), new T(xs.length).fill(2), undefined, { fast });
          for (const shift of [-3, 3, 9000]) {
            // One buffer holding x at offset `pad`, out at `pad + shift` (elements).
            const pad = Math.max(0, -shift) + 1;
            const memory = new T(xs.length + Math.abs(shift) + 2);
            const x = memory.subarray(pad, pad + xs.length);
            const out = memory.subarray(pad + shift, pad + shift + xs.length);
            x.set(xs);
            f.forward(x, out, { fast });
            expect(firstDifference(out, reference), `${name} forward shift ${shift}`).toBe(-1);
            x.set(xs);
            const dy = new T(xs.length).fill(2);
            f.backward(x, dy, out, { fast });
            expect(firstDifference(out, referenceDx), `${name} backward shift ${shift}`).toBe(-1);
            x.set(xs);
            const d = new T(xs.length);
            f.forwardWithDerivative(x, out, d, { fast });
            expect(firstDifference(out, reference), `${name} fused shift ${shift}`).toBe(-1);
          }
        }
      });
    }
  }

  it('async paths read overlapping input first too', async () => {
    const f = activation('golu');
    const memory = new Float32Array(300_010);
    const x = memory.subarray(0, 300_000);
    const out = memory.subarray(5, 300_005);
    for (let i = 0; i < x.length; i++) x[i] = -5 + i * 3e-5;
    const reference = f.forward(x.slice(), undefined, { fast: true });
    await f.forwardAsync(x, out);
    expect(firstDifference(out, reference)).toBe(-1);
  });

  it('y and dydx sharing memory is rejected', () => {
    const f = activation('golu');
    const a = new Float64Array(10);
    expect(() => f.forwardWithDerivative(new Float64Array(5), a.subarray(0, 5), a.subarray(2, 7))).toThrow(
      'golu.forwardWithDerivative: y and dydx share memory',
    );
    const same = new Float64Array(5);
    expect(() => f.forwardWithDerivative(new Float64Array(5), same, same)).toThrow(RangeError);
  });
});

/** Activations that return the constant 0 for every x <= 0: f(-0) = +0 there. */
const CONSTANT_ZERO_BRANCH = new Set(['relu', 'relu6', 'gem', 'egem']);

describe('catalog API: signed zero, the same on the exact and fast paths', () => {
  for (const spec of registry) {
    it(`${spec.name}: f(+0) and f(-0) follow the README rule`, () => {
      const f = activation(spec.name);
      const zeroAtZero = f.value(0) === 0;
      const want = (x: number) => (!zeroAtZero ? f.value(x) : CONSTANT_ZERO_BRANCH.has(spec.name) ? 0 : x); // x: keeps the sign
      for (const x of [0, -0]) {
        expect(Object.is(f.value(x), want(x)), `${spec.name}.value(${Object.is(x, -0) ? '-0' : '+0'})`).toBe(
          true,
        );
      }
      for (const T of [Float32Array, Float64Array]) {
        for (const fast of [false, true]) {
          const where = `${spec.name} ${T.name} ${fast ? 'fast' : 'exact'}`;
          const y = f.forward(new T([0, -0]), undefined, { fast });
          const fused = f.forwardWithDerivative(new T([0, -0]), undefined, undefined, { fast }).y;
          for (const [i, x] of [0, -0].entries()) {
            const expected = T === Float32Array ? Math.fround(want(x)) : want(x);
            expect(Object.is(y[i], expected), `${where} forward(${i ? '-0' : '+0'}) = ${y[i]}`).toBe(true);
            expect(Object.is(fused[i], expected), `${where} fused(${i ? '-0' : '+0'})`).toBe(true);
          }
        }
      }
    });
  }
});
