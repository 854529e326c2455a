import { describe, expect, it } from 'vitest';
import { bisectRoot, brentMinimize, globalMinimum } from '../src/lab/fn/minimize.js';
import { integrate } from '../src/lab/fn/quadrature.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('integrate (adaptive Gauss-Kronrod 7/15)', () => {
  it('integrates over the whole real line without truncation', () => {
    const r = integrate((x) => Math.exp(-x * x), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(r.converged).toBe(true);
    expect(rel(r.value, Math.sqrt(Math.PI))).toBeLessThan(1e-13);
  });

  it('handles half-infinite ranges, endpoint singularities and kinks at breakpoints', () => {
    expect(rel(integrate((x) => 1 / (x * x), 1, Number.POSITIVE_INFINITY).value, 1)).toBeLessThan(1e-12);
    expect(rel(integrate((x) => Math.exp(x), Number.NEGATIVE_INFINITY, 0).value, 1)).toBeLessThan(1e-12);
    // sqrt has an infinite derivative at 0: adaptivity has to work for it.
    expect(rel(integrate(Math.sqrt, 0, 1).value, 2 / 3)).toBeLessThan(1e-10);
    // |x - 1/3| on [0, 1] = 1/18 + 2/9 = 5/18; exact once the kink is a breakpoint.
    const kinked = integrate((x) => Math.abs(x - 1 / 3), 0, 1, { breakpoints: [1 / 3] });
    expect(rel(kinked.value, 5 / 18)).toBeLessThan(1e-14);
    expect(kinked.intervals).toBe(2);
  });

  it('negates reversed limits and propagates NaN', () => {
    expect(integrate((x) => x, 1, 0).value).toBeCloseTo(-0.5, 14);
    expect(integrate(() => Number.NaN, 0, 1).value).toBeNaN();
  });

  it('reports a divergent integral as not converged', () => {
    const r = integrate((x) => 1 / x, 1, Number.POSITIVE_INFINITY, { maxIntervals: 300 });
    expect(r.converged).toBe(false);
  });
});

describe('minimisation and roots', () => {
  it("Brent's method finds the minimum of a smooth function to ~1e-8 in x", () => {
    const r = brentMinimize((x) => (x - 1.2345) ** 2 + 3, 0, 4);
    expect(Math.abs(r.x - 1.2345)).toBeLessThan(1e-7);
    expect(r.value).toBeCloseTo(3, 14);
  });

  it('bisection finds a root to the last bit', () => {
    expect(bisectRoot((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 15);
    expect(() => bisectRoot((x) => x * x + 1, 0, 2)).toThrow(/same sign/);
  });

  it('globalMinimum classifies attained, flat, asymptotic and unbounded minima', () => {
    expect(globalMinimum((x) => (x - 2) ** 2 - 1)).toMatchObject({ kind: 'attained', value: -1 });
    expect(globalMinimum((x) => Math.max(x, 0))).toEqual({ kind: 'flat', value: 0, upTo: 0 });
    // tanh is exactly -1 in float64 left of -19, but it only approaches -1: not flat.
    expect(globalMinimum(Math.tanh)).toEqual({ kind: 'asymptote', value: -1 });
    expect(globalMinimum((x) => (x > 0 ? x : 0.01 * x))).toEqual({ kind: 'unbounded' });
  });
});
