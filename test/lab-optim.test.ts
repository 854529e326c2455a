/** Optimizers against hand-computed steps; schedules; clipping. */
import { beforeAll, describe, expect, it } from 'vitest';
import { adamw } from '../src/lab/optim/adamw.js';
import { clipByGlobalNorm, globalNorm } from '../src/lab/optim/clip.js';
import { makeSchedule, parseSchedule } from '../src/lab/optim/schedule.js';
import { sgd } from '../src/lab/optim/sgd.js';
import type { Optimizer } from '../src/lab/optim/types.js';
import { type ArrayTree, initLabRuntime, type JaxArray, jit, np } from '../src/lab/runtime.js';

beforeAll(async () => {
  await initLabRuntime();
});

/** A matrix (decayed) and a bias (not decayed). */
const w0 = [
  [0.5, -1],
  [2, 0.25],
];
const b0 = [0.1, -0.3];
const gradsPerStep = [
  {
    w: [
      [0.2, -0.4],
      [1, 0.5],
    ],
    b: [0.3, -0.1],
  },
  {
    w: [
      [-0.1, 0.3],
      [0.6, -0.2],
    ],
    b: [-0.2, 0.4],
  },
];

/** Runs two steps of `opt` (optionally through jit) and returns the final parameters. */
function runSteps(opt: Optimizer, lrs: number[], compiled: boolean): { w: number[][]; b: number[] } {
  let params: ArrayTree = { w: np.array(w0), b: np.array(b0) };
  let state = opt.init(params);
  const update = (p: ArrayTree, g: ArrayTree, s: ArrayTree, sc: Record<string, JaxArray>) => {
    const [np2, ns] = opt.update(p, g, s, sc);
    return { params: np2, state: ns };
  };
  const step = compiled ? jit(update as any) : update;
  lrs.forEach((lr, i) => {
    const g = { w: np.array(gradsPerStep[i].w), b: np.array(gradsPerStep[i].b) };
    const scalars = Object.fromEntries(
      Object.entries(opt.scalars(i + 1, lr)).map(([k, v]) => [k, np.array(v)]),
    );
    const out = (step as any)(params, g, state, scalars) as { params: ArrayTree; state: ArrayTree };
    params = out.params;
    state = out.state;
  });
  const p = params as { w: JaxArray; b: JaxArray };
  return { w: p.w.js(), b: p.b.js() };
}

/** Hand-written reference: elementwise over flat lists, `decay` says which leaves get weight decay. */
function reference(
  rule: (p: number, g: number, s: Record<string, number>, t: number, lr: number, decay: boolean) => number,
  lrs: number[],
) {
  const flat = (w: number[][], b: number[]) => [...w.flat(), ...b];
  let p = flat(w0, b0);
  const states = p.map(() => ({}) as Record<string, number>);
  lrs.forEach((lr, i) => {
    const g = flat(gradsPerStep[i].w, gradsPerStep[i].b);
    p = p.map((v, j) => rule(v, g[j], states[j], i + 1, lr, j < 4));
  });
  return { w: [p.slice(0, 2), p.slice(2, 4)], b: p.slice(4) };
}

function expectClose(got: { w: number[][]; b: number[] }, want: { w: number[][]; b: number[] }) {
  got.w.flat().forEach((v, i) => {
    expect(v).toBeCloseTo(want.w.flat()[i], 5);
  });
  got.b.forEach((v, i) => {
    expect(v).toBeCloseTo(want.b[i], 5);
  });
}

describe('SGD', () => {
  const lrs = [0.1, 0.05];
  for (const compiled of [false, true]) {
    const how = compiled ? 'under jit' : 'eagerly';
    it(`plain SGD ${how}: p - lr g`, () => {
      expectClose(
        runSteps(sgd(), lrs, compiled),
        reference((p, g, _s, _t, lr) => p - lr * g, lrs),
      );
    });
    it(`momentum 0.9 with weight decay 0.01 on matrices only ${how}`, () => {
      const want = reference((p, g0, s, _t, lr, decay) => {
        const g = decay ? g0 + 0.01 * p : g0;
        s.v = 0.9 * (s.v ?? 0) + g;
        return p - lr * s.v;
      }, lrs);
      expectClose(runSteps(sgd({ momentum: 0.9, weightDecay: 0.01 }), lrs, compiled), want);
    });
    it(`Nesterov momentum ${how}: p - lr (g + mu v)`, () => {
      const want = reference((p, g, s, _t, lr) => {
        s.v = 0.8 * (s.v ?? 0) + g;
        return p - lr * (g + 0.8 * s.v);
      }, lrs);
      expectClose(runSteps(sgd({ momentum: 0.8, nesterov: true }), lrs, compiled), want);
    });
  }
  it('rejects bad settings', () => {
    expect(() => sgd({ momentum: 1 })).toThrow(/momentum/);
    expect(() => sgd({ nesterov: true })).toThrow(/Nesterov/);
    expect(() => sgd({ weightDecay: -1 })).toThrow(/weight decay/);
  });
});

describe('AdamW', () => {
  const lrs = [0.01, 0.02];
  for (const compiled of [false, true]) {
    it(`matches torch.optim.AdamW's rule ${compiled ? 'under jit' : 'eagerly'}`, () => {
      const [b1, b2, eps, wd] = [0.9, 0.99, 1e-8, 0.1];
      const want = reference((p0, g, s, t, lr, decay) => {
        const p = decay ? p0 - lr * wd * p0 : p0;
        s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
        s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
        const mHat = s.m / (1 - b1 ** t);
        const vHat = s.v / (1 - b2 ** t);
        return p - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }, lrs);
      expectClose(runSteps(adamw({ beta1: b1, beta2: b2, eps, weightDecay: wd }), lrs, compiled), want);
    });
  }
  it('first step moves every coordinate by about lr (sign of the gradient)', () => {
    const got = runSteps(adamw({ weightDecay: 0 }), [0.01], false);
    const g = gradsPerStep[0];
    got.b.forEach((v, i) => {
      expect(v).toBeCloseTo(b0[i] - 0.01 * Math.sign(g.b[i]), 6);
    });
  });
});

describe('gradient clipping', () => {
  it('scales to the max norm when above it and leaves smaller gradients alone', () => {
    const grads = { a: np.array([3, 0]), b: np.array([[0, 4]]) };
    expect(globalNorm({ a: grads.a.ref, b: grads.b.ref }).item()).toBeCloseTo(5, 6);
    const [clipped, norm] = clipByGlobalNorm(grads, 1);
    expect(norm.item()).toBeCloseTo(5, 6);
    const c = clipped as { a: JaxArray; b: JaxArray };
    expect(c.a.js()[0]).toBeCloseTo(0.6, 5);
    expect(c.b.js()[0][1]).toBeCloseTo(0.8, 5);
    const [kept] = clipByGlobalNorm({ a: np.array([0.3, 0.4]) }, 1);
    expect((kept as { a: JaxArray }).a.js()[1]).toBeCloseTo(0.4, 5);
    expect(() => clipByGlobalNorm({ a: np.array([1]) }, 0)).toThrow(/max norm/);
  });
});

describe('learning-rate schedules', () => {
  it('constant, step and cosine with warmup', () => {
    expect(makeSchedule({ kind: 'constant' }, 0.1, 100)(57)).toBe(0.1);
    const step = makeSchedule({ kind: 'step', every: 10, gamma: 0.5 }, 1, 100);
    expect([step(0), step(9), step(10), step(25)]).toEqual([1, 1, 0.5, 0.25]);
    const cos = makeSchedule({ kind: 'cosine', warmup: 10, minRatio: 0.1 }, 1, 110);
    expect(cos(0)).toBeCloseTo(0.1, 12);
    expect(cos(9)).toBeCloseTo(1, 12);
    expect(cos(10)).toBeCloseTo(1, 12);
    expect(cos(60)).toBeCloseTo(0.55, 12);
    expect(cos(110)).toBeCloseTo(0.1, 12);
  });
  it('parses the CLI syntax and rejects nonsense', () => {
    expect(parseSchedule('cosine:50:0.1')).toEqual({ kind: 'cosine', warmup: 50, minRatio: 0.1 });
    expect(parseSchedule('step:1000:0.1')).toEqual({ kind: 'step', every: 1000, gamma: 0.1 });
    expect(parseSchedule('constant')).toEqual({ kind: 'constant' });
    expect(() => parseSchedule('linear')).toThrow(/valid: constant/);
    expect(() => parseSchedule('step:10')).toThrow(/step:EVERY/);
    expect(() => makeSchedule({ kind: 'constant' }, 0, 10)).toThrow(/learning rate/);
  });
});
