import { describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { activationNames } from '../src/activations/resolve.js';
import { createRng } from '../src/lab/data/random.js';
import { gateStats } from '../src/lab/fn/gate.js';
import { gaussianExpectation } from '../src/lab/fn/gaussian.js';
import { bisectRoot } from '../src/lab/fn/minimize.js';
import { integrate } from '../src/lab/fn/quadrature.js';
import { activationMoments, activationStats } from '../src/lab/fn/stats.js';
import { erfc } from '../src/math/erf.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
const Phi = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
/** 8 significant digits with a margin: the quadrature targets 1e-12. */
const EIGHT_DIGITS = 1e-10;

const EULER_GAMMA = 0.5772156649015329;
const ZETA3 = 1.2020569031595942;
const GUMBEL_SKEWNESS = (12 * Math.sqrt(6) * ZETA3) / Math.PI ** 3;

describe('Gaussian moments against closed forms', () => {
  it("ReLU under N(0, 1): mean 1/sqrt(2 pi), variance 1/2 - 1/(2 pi), E[relu'] = E[relu'^2] = 1/2", () => {
    const m = activationMoments('relu');
    expect(rel(m.mean.value, 1 / Math.sqrt(2 * Math.PI))).toBeLessThan(EIGHT_DIGITS);
    expect(rel(m.variance.value, 0.5 - 1 / (2 * Math.PI))).toBeLessThan(EIGHT_DIGITS);
    expect(rel(m.meanSlope.value, 0.5)).toBeLessThan(EIGHT_DIGITS);
    expect(rel(m.meanSquaredSlope.value, 0.5)).toBeLessThan(EIGHT_DIGITS);
    for (const e of [m.mean, m.variance, m.meanSlope, m.meanSquaredSlope]) expect(e.converged).toBe(true);
  });

  it('ReLU under N(mu, sigma^2) for several mu, sigma', () => {
    for (const [mu, sigma] of [
      [-1, 0.5],
      [0.7, 2],
      [3, 1],
    ]) {
      const z = mu / sigma;
      const mean = mu * Phi(z) + sigma * phi(z);
      const second = (mu * mu + sigma * sigma) * Phi(z) + mu * sigma * phi(z);
      const m = activationMoments('relu', {}, mu, sigma);
      expect(rel(m.mean.value, mean)).toBeLessThan(EIGHT_DIGITS);
      expect(rel(m.variance.value, second - mean * mean)).toBeLessThan(1e-9);
      expect(rel(m.meanSlope.value, Phi(z))).toBeLessThan(EIGHT_DIGITS);
    }
  });

  it("GELU mean 1/(2 sqrt(pi)); E[f'] = 1/2 for every x*g(x) with g(x) + g(-x) = 1", () => {
    expect(rel(activationMoments('gelu').mean.value, 1 / (2 * Math.sqrt(Math.PI)))).toBeLessThan(
      EIGHT_DIGITS,
    );
    for (const name of ['gelu', 'gelu_tanh', 'gelu_sigmoid', 'swish']) {
      expect(rel(activationMoments(name).meanSlope.value, 0.5)).toBeLessThan(EIGHT_DIGITS);
    }
  });

  it('sigmoid mean 1/2 and tanh mean 0 by symmetry; ELU mean 1/sqrt(2 pi) + e^(1/2) Phi(-1) - 1/2', () => {
    expect(rel(activationMoments('sigmoid').mean.value, 0.5)).toBeLessThan(EIGHT_DIGITS);
    expect(Math.abs(activationMoments('tanh').mean.value)).toBeLessThan(1e-13);
    const eluMean = 1 / Math.sqrt(2 * Math.PI) + Math.exp(0.5) * Phi(-1) - 0.5;
    expect(rel(activationMoments('elu').mean.value, eluMean)).toBeLessThan(EIGHT_DIGITS);
  });

  it('parameters behave as the scaling identities say', () => {
    // sigmoid(x) = (1 + tanh(x/2)) / 2, so Var[sigmoid(X)] = Var[tanh(X/2)] / 4.
    const sigmoidVar = activationMoments('sigmoid').variance.value;
    expect(rel(sigmoidVar, activationMoments('tanh', {}, 0, 0.5).variance.value / 4)).toBeLessThan(
      EIGHT_DIGITS,
    );
    // golu_{a,b,c}(x) = (a/c) golu_{1,b,1}(c x)
    const scaled = activationMoments('golu', { alpha: 1.5, beta: 2, gamma: 0.5 }).variance.value;
    const base = activationMoments('golu', { beta: 2 }, 0, 0.5).variance.value;
    expect(rel(scaled, (1.5 / 0.5) ** 2 * base)).toBeLessThan(EIGHT_DIGITS);
    // gelu_sigmoid is swish with beta = 1.702; softplus_beta(x) = softplus(beta x) / beta
    expect(
      rel(
        activationMoments('gelu_sigmoid').variance.value,
        activationMoments('swish', { beta: 1.702 }).variance.value,
      ),
    ).toBeLessThan(EIGHT_DIGITS);
    const sp = activationMoments('softplus', { beta: 3, threshold: 1e6 }).variance.value;
    const spBase = activationMoments('softplus', { threshold: 1e6 }, 0, 3).variance.value;
    expect(rel(sp, spBase / 9)).toBeLessThan(EIGHT_DIGITS);
  });
});

describe('identities and inequalities that hold for every activation', () => {
  const cases = activationNames().flatMap((name) => [
    { name, mu: 0, sigma: 1 },
    { name, mu: 0.5, sigma: 2 },
  ]);

  it.each(cases)(
    "$name, N($mu, $sigma^2): Stein E[(X-mu) f(X)] = sigma^2 E[f'(X)]; sigma^2 E[f']^2 <= Var f <= sigma^2 E[f'^2]",
    ({ name, mu, sigma }) => {
      const act = activation(name);
      const options = { breakpoints: act.spec.breakpoints(act.params) };
      const m = activationMoments(name, {}, mu, sigma);
      const stein = gaussianExpectation((x) => (x - mu) * act.value(x), mu, sigma, options).value;
      expect(Math.abs(stein - sigma * sigma * m.meanSlope.value)).toBeLessThan(
        1e-10 * Math.max(1, Math.abs(stein)),
      );
      const s2 = sigma * sigma;
      // Cauchy-Schwarz on Stein's identity (lower) and the Gaussian Poincare inequality (upper).
      expect(s2 * m.meanSlope.value ** 2).toBeLessThanOrEqual(m.variance.value * (1 + 1e-12));
      expect(m.variance.value).toBeLessThanOrEqual(s2 * m.meanSquaredSlope.value * (1 + 1e-12));
    },
  );

  it('variance orderings fixed by 1-Lipschitz maps: relu6 = min(relu, 6), relu = max(leaky, 0) = max(elu, 0)', () => {
    const v = (name: string) => activationMoments(name).variance.value;
    expect(v('relu6')).toBeLessThan(v('relu'));
    expect(v('relu')).toBeLessThan(v('leaky_relu'));
    expect(v('relu')).toBeLessThan(v('elu'));
    // Lipschitz constants bound the variance: sigmoid is 1/4-Lipschitz, tanh 1-Lipschitz.
    expect(v('sigmoid')).toBeLessThan(1 / 16);
    expect(v('tanh')).toBeLessThan(1);
    // SELU's constants are chosen so that N(0, 1) maps to mean 0, variance 1 (Klambauer et al. 2017).
    expect(Math.abs(activationMoments('selu').mean.value)).toBeLessThan(1e-8);
    expect(Math.abs(v('selu') - 1)).toBeLessThan(1e-8);
  });
});

describe('Gaussian moments against a 200k-sample Monte Carlo', () => {
  it.each(['golu', 'gelu', 'mish', 'gem', 'swish', 'elu', 'segem'])('%s', (name) => {
    const act = activation(name);
    const rng = createRng(20260101);
    const n = 200_000;
    let s1 = 0;
    let s2 = 0;
    let d1 = 0;
    let d2 = 0;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      const y = act.value(x);
      const dy = act.derivative(x);
      values[i] = y;
      s1 += y;
      d1 += dy;
      d2 += dy * dy;
    }
    const mean = s1 / n;
    for (let i = 0; i < n; i++) s2 += (values[i] - mean) ** 2;
    const variance = s2 / (n - 1);
    let fourth = 0;
    for (let i = 0; i < n; i++) fourth += (values[i] - mean) ** 4;
    fourth /= n;
    const m = activationMoments(name);
    // Five standard errors: the quadrature is exact to ~1e-12, so this tests the sampling, not luck.
    expect(Math.abs(mean - m.mean.value)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(variance - m.variance.value)).toBeLessThan(5 * Math.sqrt((fourth - variance ** 2) / n));
    expect(Math.abs(d1 / n - m.meanSlope.value)).toBeLessThan(5 * Math.sqrt(m.meanSquaredSlope.value / n));
    expect(Math.abs(d2 / n - m.meanSquaredSlope.value)).toBeLessThan(0.01 * m.meanSquaredSlope.value);
  });
});

describe('the gate f(x)/x as a distribution', () => {
  it('GoLU: the standard Gumbel distribution (mean gamma, median -ln ln 2, sd pi/sqrt 6, skewness 12 sqrt6 zeta(3)/pi^3)', () => {
    const act = activation('golu');
    const g = gateStats(act.value, act.derivative);
    if (!g.applies) throw new Error(g.reason);
    expect(rel(g.mean, EULER_GAMMA)).toBeLessThan(1e-10);
    expect(rel(g.median, -Math.log(Math.LN2))).toBeLessThan(1e-12);
    expect(rel(g.std, Math.PI / Math.sqrt(6))).toBeLessThan(1e-10);
    expect(rel(g.skewness, GUMBEL_SKEWNESS)).toBeLessThan(1e-9);
    expect(g.level).toBe(1);
  });

  it('GoLU with beta, gamma: Gumbel with location ln(beta)/gamma and scale 1/gamma; alpha is the level', () => {
    const act = activation('golu', { alpha: 0.8, beta: 2, gamma: 0.5 });
    const g = gateStats(act.value, act.derivative);
    if (!g.applies) throw new Error(g.reason);
    expect(rel(g.level, 0.8)).toBeLessThan(1e-12);
    expect(rel(g.mean, (Math.LN2 + EULER_GAMMA) / 0.5)).toBeLessThan(1e-10);
    expect(rel(g.median, (Math.LN2 - Math.log(Math.LN2)) / 0.5)).toBeLessThan(1e-12);
    expect(rel(g.std, Math.PI / Math.sqrt(6) / 0.5)).toBeLessThan(1e-10);
    expect(rel(g.skewness, GUMBEL_SKEWNESS)).toBeLessThan(1e-9);
  });

  it("the moments equal integrals against the density h = (x f' - f) / x^2 (GoLU, mish)", () => {
    for (const name of ['golu', 'mish']) {
      const act = activation(name);
      const density = (x: number) => (x * act.derivative(x) - act.value(x)) / (x * x);
      const g = gateStats(act.value, act.derivative);
      if (!g.applies) throw new Error(g.reason);
      const opts = { breakpoints: [0], relTol: 1e-10, absTol: 1e-12 };
      const total = integrate(density, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, opts).value;
      const mean = integrate(
        (x) => x * density(x),
        Number.NEGATIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        opts,
      ).value;
      const second = integrate(
        (x) => (x - g.mean) ** 2 * density(x),
        Number.NEGATIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        opts,
      ).value;
      expect(Math.abs(total - 1)).toBeLessThan(1e-8);
      expect(Math.abs(mean - g.mean)).toBeLessThan(1e-8);
      expect(rel(Math.sqrt(second), g.std)).toBeLessThan(1e-8);
    }
  });

  it('GELU: standard normal; Swish(beta): logistic with sd pi / (beta sqrt 3); mish mirrors fmish', () => {
    const stats = (name: string, params = {}) => {
      const act = activation(name, params);
      const g = gateStats(act.value, act.derivative);
      if (!g.applies) throw new Error(g.reason);
      return g;
    };
    const gelu = stats('gelu');
    expect(Math.abs(gelu.mean)).toBeLessThan(1e-12);
    expect(Math.abs(gelu.median)).toBeLessThan(1e-12);
    expect(rel(gelu.std, 1)).toBeLessThan(1e-10);
    expect(Math.abs(gelu.skewness)).toBeLessThan(1e-9);
    expect(rel(stats('swish', { beta: 2 }).std, Math.PI / (2 * Math.sqrt(3)))).toBeLessThan(1e-10);
    const mish = stats('mish');
    const fmish = stats('fmish');
    expect(mish.skewness).toBeLessThan(0);
    expect(rel(mish.skewness, -fmish.skewness)).toBeLessThan(1e-8);
    expect(rel(mish.mean, -fmish.mean)).toBeLessThan(1e-10);
  });

  it('GEM: 1 - H(x) = 1/(1 + x^2n) — n=1 has mean pi/2 and infinite variance; n=2 mean pi/(2 sqrt 2), variance pi/2 - pi^2/8', () => {
    const gem1 = activation('gem', { n: 1 });
    const g1 = gateStats(gem1.value, gem1.derivative);
    if (!g1.applies) throw new Error(g1.reason);
    expect(rel(g1.mean, Math.PI / 2)).toBeLessThan(1e-10);
    expect(g1.median).toBeCloseTo(1, 12);
    expect(g1.std).toBe(Number.POSITIVE_INFINITY);
    expect(g1.tailExponents.right).toBeCloseTo(2, 4);
    const gem2 = activation('gem', { n: 2 });
    const g2 = gateStats(gem2.value, gem2.derivative);
    if (!g2.applies) throw new Error(g2.reason);
    expect(rel(g2.mean, Math.PI / (2 * Math.SQRT2))).toBeLessThan(1e-10);
    expect(rel(g2.std ** 2, Math.PI / 2 - Math.PI ** 2 / 8)).toBeLessThan(1e-9);
  });

  it('ELU: the gate (e^x - 1)/x on x < 0 has a 1/|x| left tail, so its mean is -infinity', () => {
    const elu = activation('elu');
    const g = gateStats(elu.value, elu.derivative);
    if (!g.applies) throw new Error(g.reason);
    expect(g.tailExponents.left).toBeCloseTo(1, 3);
    expect(g.mean).toBe(Number.NEGATIVE_INFINITY);
    expect(g.std).toBe(Number.POSITIVE_INFINITY);
    // Median: (e^x - 1)/x = 1/2.
    expect(Math.abs(Math.expm1(g.median) / g.median - 0.5)).toBeLessThan(1e-14);
  });

  it('applies exactly to the activations whose f(x)/x is a continuous CDF', () => {
    const applies = activationNames().filter((name) => {
      const act = activation(name);
      return gateStats(act.value, act.derivative).applies;
    });
    expect(applies.sort()).toEqual(
      [
        'celu',
        'egem',
        'elu',
        'fmish',
        'gelu',
        'gelu_sigmoid',
        'gelu_tanh',
        'gem',
        'golu',
        'hard_swish', // relu6(x + 3) / 6: the uniform CDF on [-3, 3]
        'mish',
        'swish',
      ].sort(),
    );
  });
});

describe('activationStats: value, slope and minimum', () => {
  it("GoLU: f(0) = 0, f'(0) = 1/e, minimum at x = -W(1) (the omega constant) of -W(1) e^(-1/W(1))", () => {
    const omega = bisectRoot((w) => w * Math.exp(w) - 1, 0, 1);
    const s = activationStats('golu');
    expect(s.valueAtZero).toBe(0);
    expect(rel(s.slopeAtZero, Math.exp(-1))).toBeLessThan(1e-15);
    if (s.minimum.kind !== 'attained') throw new Error(s.minimum.kind);
    expect(Math.abs(s.minimum.x + omega)).toBeLessThan(1e-8);
    expect(rel(s.minimum.value, -omega * Math.exp(-1 / omega))).toBeLessThan(1e-14);
  });

  it('Swish: minimum -W(1/e) at x = -(1 + W(1/e))', () => {
    const w = bisectRoot((v) => v * Math.exp(v) - Math.exp(-1), 0, 1);
    const s = activationStats('swish');
    if (s.minimum.kind !== 'attained') throw new Error(s.minimum.kind);
    expect(Math.abs(s.minimum.x + 1 + w)).toBeLessThan(1e-8);
    expect(rel(s.minimum.value, -w)).toBeLessThan(1e-14);
  });

  it('classifies the minimum of ReLU, GEM (flat), ELU, sigmoid (asymptote) and leaky ReLU (unbounded)', () => {
    expect(activationStats('relu').minimum).toEqual({ kind: 'flat', value: 0, upTo: 0 });
    expect(activationStats('gem').minimum).toEqual({ kind: 'flat', value: 0, upTo: 0 });
    expect(activationStats('elu').minimum).toEqual({ kind: 'asymptote', value: -1 });
    expect(activationStats('sigmoid').minimum).toEqual({ kind: 'asymptote', value: 0 });
    expect(activationStats('leaky_relu').minimum).toEqual({ kind: 'unbounded' });
  });
});
