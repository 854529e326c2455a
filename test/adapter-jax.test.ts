/**
 * gatelab/jax against the catalog, on the jax-js wasm device: forward, grad, jvp and the second
 * derivative of every activation over a grid (including +-100 and +-1e4), finiteness at extreme
 * inputs, jit/vmap transparency, learnable parameters, validation errors, ownership and dtypes.
 *
 * Tolerance: float32 rounding scaled by the problem's condition, |got - want| <= K eps32 (|f(x)| +
 * |x f'(x)|) (for the derivative: |f'(x)| + |x f''(x)|), i.e. K ulp of the result plus the error
 * of rounding x itself. Set JAX_ACCURACY_TABLE=1 to print the measured table.
 */
import { defaultDevice, grad, jit, jvp, nn, numpy as np, vmap } from '@jax-js/jax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { registry } from '../src/activations/index.js';
import { activationNames } from '../src/activations/resolve.js';
import * as jx from '../src/adapters/jax/index.js';
import * as stable from '../src/adapters/jax/math.js';
import { EPS32, GRID, measureOnGrid, PARAMETER_CASES } from './helpers/jax-grid.js';

/** Allowed error in condition-scaled float32 ulps (measured worst case: about 3). */
const K = 8;
const FLT_MIN = 1.1754943508222875e-38;

function label(name: string, params: Record<string, number>): string {
  const p = Object.entries(params);
  return p.length === 0 ? name : `${name}(${p.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

interface Accuracy {
  forwardCondUlp: number;
  gradCondUlp: number;
  forwardMaxAbs: number;
  forwardMaxRel: number;
  gradMaxAbs: number;
  gradMaxRel: number;
}

function compare(got: ArrayLike<number>, want: (x: number) => number, scale: (x: number) => number) {
  let condUlp = 0;
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < GRID.length; i++) {
    const w = want(GRID[i]);
    const err = Math.abs(got[i] - w);
    condUlp = Math.max(condUlp, err / (EPS32 * scale(GRID[i]) + FLT_MIN));
    maxAbs = Math.max(maxAbs, err);
    if (Math.abs(w) >= FLT_MIN) maxRel = Math.max(maxRel, err / Math.abs(w));
  }
  return { condUlp, maxAbs, maxRel };
}

const table: string[] = [];
const builtinNotes: string[] = [];

beforeAll(async () => {
  await jx.initJax();
  defaultDevice('wasm');
});

afterAll(() => {
  if (process.env.JAX_ACCURACY_TABLE) {
    console.log(
      [
        '| activation | fwd max abs | fwd max rel | fwd cond-ulp | grad max abs | grad max rel | grad cond-ulp |',
        '|---|---|---|---|---|---|---|',
        ...table,
        '',
        '| jax-js 0.1.25 built-in vs gatelab/jax | jax-js | gatelab/jax |',
        '|---|---|---|',
        ...builtinNotes,
      ].join('\n'),
    );
  }
});

describe('gatelab/jax matches the catalog (wasm device)', () => {
  it.each(PARAMETER_CASES)('%s %j: forward, grad and jvp within float32 tolerance', (name, params) => {
    const measured = measureOnGrid(jx.get(name, params), activation(name, params), compare);

    const acc: Accuracy = {
      forwardCondUlp: measured.value.condUlp,
      gradCondUlp: Math.max(measured.grad.condUlp, measured.jvp.condUlp),
      forwardMaxAbs: measured.value.maxAbs,
      forwardMaxRel: measured.value.maxRel,
      gradMaxAbs: measured.grad.maxAbs,
      gradMaxRel: measured.grad.maxRel,
    };
    table.push(
      `| ${label(name, params)} | ${acc.forwardMaxAbs.toExponential(1)} | ${acc.forwardMaxRel.toExponential(1)} | ` +
        `${acc.forwardCondUlp.toFixed(1)} | ${acc.gradMaxAbs.toExponential(1)} | ${acc.gradMaxRel.toExponential(1)} | ` +
        `${acc.gradCondUlp.toFixed(1)} |`,
    );
    expect(acc.forwardCondUlp).toBeLessThan(K);
    expect(acc.gradCondUlp).toBeLessThan(K);
  });
});

describe('finite gradients for every finite input', () => {
  const extremes = new Float32Array([
    -3e38, -1e30, -1e10, -1e4, -1000, -100, -90, -88, -1e-30, 0, 1e-30, 88, 90, 100, 1000, 1e4, 1e10, 1e30,
    3e38,
  ]);
  it.each(activationNames())('%s: value, grad and jvp finite at +-3e38, -100, 1e4, ...', (name) => {
    const f = jx.get(name);
    const y = f(np.array(extremes)).dataSync();
    const g = jit(grad((x: np.Array) => f(x).sum()))(np.array(extremes)).dataSync();
    const t = jit((x: np.Array) => jvp(f, [x.ref], [np.onesLike(x)])[1])(np.array(extremes)).dataSync();
    for (let i = 0; i < extremes.length; i++) {
      const x = extremes[i];
      expect(Number.isFinite(y[i]), `${name}(${x}) = ${y[i]}`).toBe(true);
      expect(Number.isFinite(g[i]), `grad ${name}(${x}) = ${g[i]}`).toBe(true);
      expect(Number.isFinite(t[i]), `jvp ${name}(${x}) = ${t[i]}`).toBe(true);
    }
    // The two points the issue names, against the catalog.
    const reference = activation(name);
    const at = (x: number) => extremes.indexOf(Math.fround(x));
    for (const x of [-100, 1e4]) {
      expect(Math.abs(g[at(x)] - reference.derivative(x))).toBeLessThanOrEqual(
        K * EPS32 * Math.abs(reference.derivative(x)) + FLT_MIN,
      );
    }
  });

  it.each(activationNames())('%s: NaN in, NaN out', (name) => {
    const y = jx
      .get(name)(np.array(new Float32Array([Number.NaN, 1])))
      .dataSync();
    expect(Number.isNaN(y[0])).toBe(true);
    expect(Number.isNaN(y[1])).toBe(false);
  });
});

/**
 * Activations whose second derivative exists everywhere except at the points SECOND_ORDER_SKIPPED lists
 * (kinks, and x = 0 for the GEM family, where f'' = (2n+1)(2n) x^(2n-1)/epsilon changes too fast for the
 * finite-difference reference).
 */
const SECOND_ORDER_SKIPPED: Record<string, number[]> = {
  ...Object.fromEntries(
    ['gem', 'egem', 'segem', 'elu', 'selu', 'celu', 'softsign'].map((name) => [name, [0]]),
  ),
  softplus: [20],
};
const SECOND_ORDER = [
  ...['golu', 'gompertz', 'gelu', 'gelu_tanh', 'gelu_sigmoid', 'gem', 'egem', 'segem', 'fmish', 'mish'],
  ...['swish', 'sigmoid', 'tanh', 'softplus', 'elu', 'selu', 'celu', 'softsign'],
].map((name): [string, number[]] => [name, SECOND_ORDER_SKIPPED[name] ?? []]);

describe('second derivatives (forward-over-reverse, as Hessian-vector products use them)', () => {
  const xs = new Float32Array(Array.from({ length: 601 }, (_, i) => (i - 300) / 20));
  it.each(SECOND_ORDER)('%s: jvp(grad f) equals the derivative of the catalog derivative', (name, kinks) => {
    const reference = activation(name);
    const f = jx.get(name);
    const df = (x: np.Array) => grad((v: np.Array) => f(v).sum())(x);
    const h = jit((x: np.Array) => jvp(df, [x.ref], [np.onesLike(x)])[1])(np.array(xs)).dataSync();
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (kinks.some((k) => Math.abs(x - k) < 0.02)) continue;
      const s = 1e-5 * Math.max(1, Math.abs(x));
      const second = (reference.derivative(x + s) - reference.derivative(x - s)) / (2 * s);
      const third =
        (reference.derivative(x + s) - 2 * reference.derivative(x) + reference.derivative(x - s)) / (s * s);
      // Finite differences carry ~1e-7 relative error of their own; 1e-4 leaves a wide margin. The
      // second term is float32 rounding on the scale of f'/x: where f'' is a small difference of
      // O(f') terms (E-GEM for x >> sqrt(epsilon)), no float32 evaluation can do better.
      const roundingScale = (32 * EPS32 * Math.abs(reference.derivative(x))) / Math.max(1, Math.abs(x));
      worst = Math.max(
        worst,
        Math.abs(h[i] - second) / (1e-4 * (Math.abs(second) + Math.abs(x * third)) + roundingScale + 1e-12),
      );
      expect(Number.isFinite(h[i])).toBe(true);
    }
    expect(worst).toBeLessThan(1);
  });
});

describe('jax-js transformations see through the activations', () => {
  const xs = new Float32Array([-7, -2.5, -0.5671, -1e-3, 0, 0.3, 1, 4.5, 12]);

  it.each(activationNames())('%s: jit(f) equals f, also fused with neighbouring ops', (name) => {
    const f = jx.get(name);
    const eager = f(np.array(xs)).dataSync();
    const jitted = jit((x: np.Array) => f(x))(np.array(xs)).dataSync();
    expect(Array.from(jitted)).toEqual(Array.from(eager));
    const composedEager = f(np.array(xs).mul(0.5).add(0.25)).dataSync();
    const composedJit = jit((x: np.Array) => f(x.mul(0.5).add(0.25)))(np.array(xs)).dataSync();
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(composedJit[i] - composedEager[i])).toBeLessThanOrEqual(
        2 * EPS32 * Math.abs(composedEager[i]),
      );
    }
  });

  it('vmap over a batch equals the batched call', () => {
    const batch = np.array(new Float32Array([-3, -1, 0, 1, 3, 5])).reshape([3, 2]);
    const direct = jx.golu(batch.ref, { gamma: 2 }).dataSync();
    const mapped = vmap((row: np.Array) => jx.golu(row, { gamma: 2 }))(batch).dataSync();
    expect(Array.from(mapped)).toEqual(Array.from(direct));
  });

  it('works on any shape and keeps it', () => {
    const x = np.array(new Float32Array(24).map((_, i) => i - 12)).reshape([2, 3, 4]);
    const y = jx.mish(x);
    expect(y.shape).toEqual([2, 3, 4]);
    y.dispose();
  });
});

/** float64 GoLU partials for the learnable-parameter tests. */
function goluPartials(x: number, alpha: number, beta: number, gamma: number) {
  const u = Math.exp(-gamma * x);
  const g = Math.exp(-beta * u);
  return { dAlpha: x * g, dBeta: -alpha * x * g * u, dGamma: alpha * beta * x * x * g * u };
}

describe('learnable parameters', () => {
  const xs = new Float32Array(Array.from({ length: 241 }, (_, i) => (i - 120) / 20));

  it('GoLU alpha, beta, gamma as arrays: same values, gradients equal the float64 partials', () => {
    const [alpha, beta, gamma] = [1.25, 0.75, 1.5];
    const withNumbers = jx.golu(np.array(xs), { alpha, beta, gamma }).dataSync();
    const withArrays = jx
      .golu(np.array(xs), { alpha: np.array(alpha), beta: np.array(beta), gamma: np.array(gamma) })
      .dataSync();
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(withArrays[i] - withNumbers[i])).toBeLessThanOrEqual(
        4 * EPS32 * Math.abs(withNumbers[i]),
      );
    }
    const loss = (a: np.Array, b: np.Array, c: np.Array, x: np.Array) =>
      jx.golu(x, { alpha: a, beta: b, gamma: c }).sum();
    const [ga, gb, gc] = jit(grad(loss, { argnums: [0, 1, 2] }))(
      np.array(alpha),
      np.array(beta),
      np.array(gamma),
      np.array(xs),
    );
    const want = { dAlpha: 0, dBeta: 0, dGamma: 0 };
    const magnitude = { dAlpha: 0, dBeta: 0, dGamma: 0 };
    for (const x of xs) {
      const p = goluPartials(x, alpha, beta, gamma);
      for (const k of ['dAlpha', 'dBeta', 'dGamma'] as const) {
        want[k] += p[k];
        magnitude[k] += Math.abs(p[k]);
      }
    }
    const got = { dAlpha: ga.dataSync()[0], dBeta: gb.dataSync()[0], dGamma: gc.dataSync()[0] };
    for (const k of ['dAlpha', 'dBeta', 'dGamma'] as const) {
      expect(Math.abs(got[k] - want[k]), k).toBeLessThanOrEqual(1e-5 * magnitude[k]);
    }
  });

  it('GoLU with per-channel parameters broadcast against [batch, channels]', () => {
    const x = np.array(new Float32Array([-2, -1, 0.5, 1, 2, 3])).reshape([2, 3]);
    const gamma = np.array(new Float32Array([0.5, 1, 2]));
    const g = grad((c: np.Array, v: np.Array) => jx.golu(v, { gamma: c }).sum())(gamma, x);
    expect(g.shape).toEqual([3]);
    const got = g.dataSync();
    const columns = [
      [-2, 1],
      [-1, 2],
      [0.5, 3],
    ];
    [0.5, 1, 2].forEach((c, j) => {
      const want = columns[j].reduce((s, v) => s + goluPartials(v, 1, 1, c).dGamma, 0);
      expect(Math.abs(got[j] - want)).toBeLessThanOrEqual(1e-5 * (Math.abs(want) + 1e-3));
    });
  });

  it('Gompertz gate takes array parameters too', () => {
    const y = jx
      .gompertz(np.array([0, 1]), { alpha: np.array(2), beta: np.array(1), gamma: np.array(1) })
      .dataSync();
    expect(y[0]).toBeCloseTo(2 * Math.exp(-1), 6);
    expect(y[1]).toBeCloseTo(2 * Math.exp(-Math.exp(-1)), 6);
  });

  it('PReLU slope per channel: gradient is the sum of x over x <= 0', () => {
    const data = new Float32Array([-2, 3, -0.5, 1, -1, -4]);
    const x = np.array(data).reshape([3, 2]);
    const slope = np.array(new Float32Array([0.25, 0.1]));
    const y = jx.prelu(x.ref, { slope: slope.ref }).dataSync();
    expect(Array.from(y)).toEqual([-0.5, 3, -0.125, 1, -0.25, -0.4].map(Math.fround));
    const g = grad((s: np.Array, v: np.Array) => jx.prelu(v, { slope: s }).sum())(slope, x).dataSync();
    expect(Array.from(g)).toEqual([-3.5, -4]);
  });
});

describe('lookup, validation and conventions', () => {
  const xs = new Float32Array([-3, -1, 0, 0.5, 2]);

  it('names() covers the whole catalog', () => {
    expect(jx.names().sort()).toEqual(activationNames().sort());
  });

  it.each(registry.flatMap((spec) => spec.aliases.map((alias): [string, string] => [alias, spec.name])))(
    "alias '%s' gives %s",
    (alias, name) => {
      expect(Array.from(jx.get(alias)(np.array(xs)).dataSync())).toEqual(
        Array.from(jx.get(name)(np.array(xs)).dataSync()),
      );
    },
  );

  it('camelCase exports and aliases are the same functions', () => {
    expect(jx.silu).toBe(jx.swish);
    expect(jx.quickGelu).toBe(jx.geluSigmoid);
    expect(jx.geluNew).toBe(jx.geluTanh);
    expect(jx.activationFunction('leaky-relu')).toBe(jx.leakyRelu);
  });

  it('errors are the catalog errors', () => {
    const catalogError = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected an error');
    };
    for (const [name, params] of [
      ['no_such_activation', {}],
      ['golu', { alpha: -1 }],
      ['gem', { n: 1.5 }],
      ['egem', { epsilon: 0 }],
      ['relu', { slope: 1 }],
      ['softplus', { beta: Number.NaN }],
    ] as [string, Record<string, number>][]) {
      const expected = catalogError(() => activation(name, params));
      const viaGet = catalogError(() => jx.get(name, params));
      expect(viaGet.constructor).toBe(expected.constructor);
      expect(viaGet.message).toBe(expected.message);
    }
    const direct = catalogError(() => jx.golu(np.array(xs), { gamma: 0 }));
    expect(direct.message).toBe(catalogError(() => activation('golu', { gamma: 0 })).message);
  });

  it('arrays only for learnable parameters, and never through get()', () => {
    expect(() => jx.swish(np.array(xs), { beta: np.array(2) as unknown as number })).toThrow(/learnable/);
    expect(() => jx.get('golu', { alpha: np.array(2) as unknown as number })).toThrow(TypeError);
  });

  it('consumes x like every jax-js op; x.ref keeps it', () => {
    const x = np.array(xs);
    jx.golu(x.ref).dispose();
    expect(x.ref.dataSync().length).toBe(xs.length); // dataSync consumes too
    jx.golu(x).dispose();
    expect(() => x.dataSync()).toThrow(/freed/);
  });

  it('keeps float64 (Float16Array shim installed on Node 20), computes ints in float32', () => {
    expect(typeof (globalThis as { Float16Array?: unknown }).Float16Array).toBe('function');
    const y64 = jx.gelu(np.array(new Float64Array([-3, 0.5])));
    expect(y64.dtype).toBe(np.float64);
    const v = y64.dataSync();
    expect(Math.abs(v[0] - activation('gelu').value(-3))).toBeLessThan(1e-9);
    const yi = jx.relu(np.array([-2, 3], { dtype: np.int32 }));
    expect(yi.dtype).toBe(np.float32);
    expect(Array.from(yi.dataSync())).toEqual([0, 3]);
  });

  it('accepts plain numbers', () => {
    expect(jx.sigmoid(0).dataSync()[0]).toBe(0.5);
  });
});

/** Max relative error of got against want over xs (where want is a normal float32). */
function maxRelative(got: ArrayLike<number>, xs: Float32Array, want: (x: number) => number): number {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = want(xs[i]);
    if (Math.abs(w) >= FLT_MIN) worst = Math.max(worst, Math.abs(got[i] - w) / Math.abs(w));
  }
  return worst;
}

describe('where jax-js built-ins fall short, and what the adapter does instead', () => {
  const note = (what: string, builtin: number | string, ours: number | string) => {
    const show = (v: number | string) => (typeof v === 'number' ? v.toPrecision(3) : v);
    builtinNotes.push(`| ${what} | ${show(builtin)} | ${show(ours)} |`);
  };

  it('exp: max relative error on [-80, 80]', () => {
    const xs = new Float32Array(Array.from({ length: 16001 }, (_, i) => -80 + i / 100));
    const builtin = maxRelative(np.exp(np.array(xs)).dataSync(), xs, Math.exp);
    const ours = maxRelative(stable.exp(np.array(xs)).dataSync(), xs, Math.exp);
    note('exp, max rel. error on [-80, 80]', builtin, ours);
    expect(ours).toBeLessThan(3 * EPS32);
  });

  it('tanh: max relative error on [-1e-3, 1e-3]', () => {
    const xs = new Float32Array(Array.from({ length: 2001 }, (_, i) => (i - 1000) * 1e-6));
    const builtin = maxRelative(np.tanh(np.array(xs)).dataSync(), xs, Math.tanh);
    const ours = maxRelative(jx.tanh(np.array(xs)).dataSync(), xs, Math.tanh);
    note('tanh, max rel. error on [-1e-3, 1e-3]', builtin, ours);
    expect(ours).toBeLessThan(3 * EPS32);
  });

  it('GELU (exact): max relative error on [-10, 0)', () => {
    const xs = new Float32Array(Array.from({ length: 1000 }, (_, i) => -10 + i / 100));
    const reference = activation('gelu').value;
    const builtin = maxRelative(nn.gelu(np.array(xs), { approximate: false }).dataSync(), xs, reference);
    const ours = maxRelative(jx.gelu(np.array(xs)).dataSync(), xs, reference);
    note('GELU exact, max rel. error on [-10, 0)', builtin, ours);
    expect(ours).toBeLessThan(1e-5);
  });

  it('softplus at x = 100, and SiLU / naive GoLU gradients at x = -100', () => {
    // Two distinct values: jax-js evaluates constant (all-equal) arrays in JS float64, not on the device.
    const at = (f: (x: np.Array) => np.Array, x: number) =>
      f(np.array(new Float32Array([x, 1]))).dataSync()[0];
    const gradAt = (f: (x: np.Array) => np.Array, x: number) =>
      at((v) => grad((u: np.Array) => f(u).sum())(v), x);
    const naiveGolu = (x: np.Array) => x.ref.mul(np.exp(np.exp(x.neg()).neg()));
    note('softplus(100)', at(nn.softplus, 100), at(jx.softplus, 100));
    note("silu'(-100)", gradAt(nn.silu, -100), gradAt(jx.silu, -100));
    note("GoLU'(-100) (naive composition vs adapter)", gradAt(naiveGolu, -100), gradAt(jx.golu, -100));
    expect(at(jx.softplus, 100)).toBe(100);
    expect(Number.isFinite(gradAt(jx.silu, -100))).toBe(true);
    expect(gradAt(jx.golu, -100)).toBe(0);
  });
});
