/**
 * The oracle checks itself: erf/erfc against published values, its two erf methods against each
 * other where both apply, its results at two precisions, its derivatives against high-precision
 * central differences, and its parameter defaults against the catalog's.
 */
import { describe, expect, it } from 'vitest';
import { Dec, withDigits } from '../scripts/oracle/decimal.js';
import {
  oracleActivation,
  oracleAtDecimal,
  oracleDerivative,
  oracleNames,
  oracleValue,
} from '../scripts/oracle/index.js';
import {
  erf,
  erfc,
  erfcContinuedFraction,
  erfSeries,
  expm1,
  log1p,
  tanh,
} from '../scripts/oracle/special.js';
import { registry } from '../src/index.js';

/** |a - b| <= 10^-digits * |b|. */
function agreeTo(a: InstanceType<typeof Dec>, b: InstanceType<typeof Dec>, digits: number): boolean {
  if (b.isZero()) return a.abs().lte(new Dec(10).pow(-digits));
  return a
    .minus(b)
    .abs()
    .lte(b.abs().times(new Dec(10).pow(-digits)));
}

describe('oracle erf/erfc', () => {
  // Values from Abramowitz & Stegun table 7.1 / DLMF 7.2, carried to 30+ digits (Wolfram|Alpha).
  const known: [string, (x: InstanceType<typeof Dec>) => InstanceType<typeof Dec>, string, string][] = [
    ['erf', erf, '1', '0.8427007929497148693412206350826092592961'],
    ['erf', erf, '0.5', '0.5204998778130465376827466538919645457'],
    ['erf', erf, '2', '0.9953222650189527341620692563672529286'],
    ['erf', erf, '-1', '-0.8427007929497148693412206350826092592961'],
    ['erfc', erfc, '3', '0.00002209049699858544137277612958232037'],
    ['erfc', erfc, '5', '1.537459794428034850188343485383378890e-12'],
    ['erfc', erfc, '10', '2.0884875837625447570007862949577886116e-45'],
    ['erfc', erfc, '-1', '1.8427007929497148693412206350826092592961'],
  ];
  for (const [fname, f, x, expected] of known) {
    it(`${fname}(${x}) = ${expected.slice(0, 20)}...`, () => {
      const got = withDigits(60, () => f(new Dec(x)));
      // The published values carry 34-40 digits; agree to 33.
      expect(agreeTo(got, new Dec(expected), 33)).toBe(true);
    });
  }

  it('erf of a tiny argument is 2x/sqrt(pi) to full precision', () => {
    withDigits(60, () => {
      const x = new Dec('1e-200');
      const expected = x.times(2).div(Dec.acos(-1).sqrt());
      expect(agreeTo(erf(x), expected, 55)).toBe(true);
    });
  });

  it('the series and the continued fraction agree where both converge', () => {
    withDigits(60, () => {
      for (const x of ['3', '4.5', '6', '8.75', '12']) {
        // 1 - erf(x) cancels about x^2 / ln 10 digits: give the series that many more.
        const digits = 65 + Math.ceil(Number(x) ** 2 / Math.LN10);
        const viaSeries = withDigits(digits, () => new Dec(1).minus(erfSeries(new Dec(x))));
        expect(agreeTo(erfcContinuedFraction(new Dec(x)), viaSeries, 50), `erfc(${x})`).toBe(true);
      }
    });
  });

  it('erfc is accurate in the relative sense far into the tail', () => {
    // erfc(x) ~ e^(-x^2) / (x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4) - ...): at x = 1e4 the first
    // three terms leave a relative error below 15/(8 x^6) = 2e-24.
    withDigits(60, () => {
      const x = new Dec(10000);
      const x2 = x.times(x);
      const series = new Dec(1)
        .minus(new Dec(1).div(x2.times(2)))
        .plus(new Dec(3).div(x2.times(x2).times(4)));
      const asymptotic = Dec.exp(x2.neg())
        .div(x.times(Dec.acos(-1).sqrt()))
        .times(series);
      expect(agreeTo(erfc(x), asymptotic, 23)).toBe(true);
    });
  });

  it('expm1, log1p and tanh keep full relative precision near 0', () => {
    withDigits(60, () => {
      const x = new Dec('1e-40');
      expect(agreeTo(expm1(x), x.plus(x.times(x).div(2)), 58)).toBe(true);
      expect(agreeTo(log1p(x), x.minus(x.times(x).div(2)), 58)).toBe(true);
      expect(agreeTo(tanh(x), x, 58)).toBe(true);
      expect(agreeTo(expm1(new Dec(2)), Dec.exp(2).minus(1), 58)).toBe(true);
    });
  });
});

/** Points spanning every regime, including the far tails where naive forms overflow. */
const POINTS = [-700, -40, -7.5, -1.25, -0.3, -1e-9, -1e-200, 1e-200, 1e-9, 0.3, 1.25, 7.5, 40, 700];

describe('oracle activations', () => {
  it('defines exactly the catalog activations, with the catalog defaults', () => {
    expect(oracleNames()).toEqual(registry.map((s) => s.name));
    for (const spec of registry) {
      const defaults = Object.fromEntries(spec.params.map((p) => [p.name, p.default]));
      expect(oracleActivation(spec.name).defaults, spec.name).toEqual(defaults);
    }
  });

  it('gives the same values at 60 and at 90 digits (to 50 digits)', () => {
    for (const name of oracleNames()) {
      for (const x of POINTS) {
        for (const which of [oracleValue, oracleDerivative]) {
          const low = which(name, x, {}, { digits: 60 });
          const high = which(name, x, {}, { digits: 90 });
          expect(agreeTo(low, high, 50), `${name} ${which.name} at ${x}: ${low} vs ${high}`).toBe(true);
        }
      }
    }
  });

  it('has derivatives equal to high-precision central differences', () => {
    // (f(x+h) - f(x-h)) / 2h has error f'''(x) h^2 / 6; with h = 1e-25 at 90 digits the
    // difference quotient is good to ~40 digits wherever f is smooth around x.
    withDigits(90, () => {
      const h = new Dec('1e-25');
      for (const name of oracleNames()) {
        const a = oracleActivation(name);
        const kinks = a.kinks(a.defaults);
        for (const x of POINTS) {
          if (kinks.some((k) => Math.abs(k - x) < 1e-6)) continue;
          // softsign is only C^1 at 0 (f'' jumps), so a difference straddling 0 is off by ~h.
          if (name === 'softsign' && Math.abs(x) < 1e-20) continue;
          if (name === 'relu6' && x > 6) continue; // flat, derivative 0 on both sides anyway
          const xd = new Dec(x);
          const fd = oracleAtDecimal(name, 'value', xd.plus(h))
            .minus(oracleAtDecimal(name, 'value', xd.minus(h)))
            .div(h.times(2));
          const exact = oracleAtDecimal(name, 'derivative', xd);
          // Absolute floor: the derivative may be ~0 (e.g. sigmoid' at -700 ~ 1e-304).
          const ok = fd.minus(exact).abs().lte(exact.abs().times('1e-30').plus('1e-40'));
          expect(ok, `${name}'(${x}): derivative ${exact.toSD(20)} vs difference ${fd.toSD(20)}`).toBe(true);
        }
      }
    });
  });

  it('handles NaN and the infinite limits', () => {
    for (const name of oracleNames()) {
      expect(oracleValue(name, Number.NaN).isNaN()).toBe(true);
      expect(oracleDerivative(name, Number.NaN).isNaN()).toBe(true);
      expect(oracleValue(name, Number.POSITIVE_INFINITY).isNaN()).toBe(false);
    }
    expect(oracleValue('golu', Number.POSITIVE_INFINITY).toString()).toBe('Infinity');
    expect(oracleValue('tanh', Number.NEGATIVE_INFINITY).toNumber()).toBe(-1);
    expect(oracleDerivative('segem', Number.NEGATIVE_INFINITY).toNumber()).toBe(0.01);
    expect(oracleValue('selu', Number.NEGATIVE_INFINITY).toNumber()).toBeCloseTo(-1.7580993408473766, 15);
  });

  it('follows PyTorch conventions at kinks and the softplus threshold', () => {
    expect(oracleDerivative('relu', 0).toNumber()).toBe(0);
    expect(oracleDerivative('leaky_relu', 0).toNumber()).toBe(0.01);
    expect(oracleDerivative('prelu', 0).toNumber()).toBe(0.25);
    expect(oracleDerivative('relu6', 0).toNumber()).toBe(0);
    expect(oracleDerivative('relu6', 6).toNumber()).toBe(0);
    expect(oracleDerivative('elu', 0, { alpha: 2 }).toNumber()).toBe(2);
    expect(oracleDerivative('celu', 0, { alpha: 2 }).toNumber()).toBe(1);
    expect(oracleValue('softplus', 20.5).toNumber()).toBe(20.5);
    expect(oracleDerivative('softplus', 20.5).toNumber()).toBe(1);
    expect(oracleValue('softplus', 20).toNumber()).toBeGreaterThan(20);
  });
});
