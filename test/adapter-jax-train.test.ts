/**
 * gatelab/jax in training: a small dense network (2-16-16-1) learns a smooth 2-D regression
 * target with every activation (Adam, fixed seed), and the learnable forms
 * (GoLU alpha/beta/gamma, PReLU slope per unit) receive gradients and move during training.
 */
import { defaultDevice, jit, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationNames } from '../src/activations/resolve.js';
import * as jx from '../src/adapters/jax/index.js';

const SAMPLES = 256;
const HIDDEN = 16;
const STEPS = 40;
const LEARNING_RATE = 0.02;

type Params = {
  w1: np.Array;
  b1: np.Array;
  w2: np.Array;
  b2: np.Array;
  w3: np.Array;
  b3: np.Array;
};

/** Inputs uniform in [-2, 2]^2 and the target sin(1.5 x0) cos(x1), both from a fixed key. */
function makeData(): { x: np.Array; y: np.Array } {
  const x = random.uniform(random.key(7), [SAMPLES, 2], { minval: -2, maxval: 2 });
  const [x0, x1] = np.split(x.ref, 2, 1);
  const y = np.sin(x0.mul(1.5)).mul(np.cos(x1));
  return { x, y };
}

/** LeCun-normal weights from a fixed key, zero biases: every activation starts from the same network. */
function initParams(): Params {
  const [k1, k2, k3] = random.split(random.key(11), 3);
  const normal = (key: np.Array, fanIn: number, fanOut: number) =>
    random.normal(key, [fanIn, fanOut]).mul(1 / Math.sqrt(fanIn));
  return {
    w1: normal(k1, 2, HIDDEN),
    b1: np.zeros([HIDDEN]),
    w2: normal(k2, HIDDEN, HIDDEN),
    b2: np.zeros([HIDDEN]),
    w3: normal(k3, HIDDEN, 1),
    b3: np.zeros([1]),
  };
}

/**
 * Full-batch Adam (beta1 0.9, beta2 0.999; written out here, @jax-js/optax is not on npm), one
 * jitted step per iteration. Returns the loss before the first and after the last step.
 */
function train<P extends Record<string, np.Array>>(
  loss: (p: P, x: np.Array, y: np.Array) => np.Array,
  initial: P,
): { first: number; last: number; params: P } {
  const { x, y } = makeData();
  type State = { params: P; m: P; v: P };
  const map = (f: (...a: np.Array[]) => np.Array, first: P, ...rest: P[]) =>
    tree.map(f, first as never, ...(rest as never[])) as P;
  const step = jit((state: State, scale: np.Array, xs: np.Array, ys: np.Array): [np.Array, State] => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(state.params) as never, xs, ys) as unknown as [
      np.Array,
      P,
    ];
    const m = map((a, g) => a.mul(0.9).add(g.mul(0.1)), state.m, tree.ref(grads));
    const v = map((a, g) => a.mul(0.999).add(np.square(g).mul(0.001)), state.v, grads);
    const params = map(
      (p, a, b) => p.sub(a.mul(scale.ref).div(np.sqrt(b).add(1e-8))),
      state.params,
      tree.ref(m),
      tree.ref(v),
    );
    scale.dispose();
    return [value, { params, m, v }];
  });
  let state: State = {
    params: initial,
    m: map((p) => np.zerosLike(p.ref), initial),
    v: map((p) => np.zerosLike(p.ref), initial),
  };
  let first = Number.NaN;
  for (let i = 1; i <= STEPS; i++) {
    const scale = (LEARNING_RATE * Math.sqrt(1 - 0.999 ** i)) / (1 - 0.9 ** i);
    const [value, next] = step(state as never, np.array(scale), x.ref, y.ref) as unknown as [np.Array, State];
    state = next;
    const current = value.dataSync()[0];
    expect(Number.isFinite(current)).toBe(true);
    if (i === 1) first = current;
  }
  const last = jit(loss)(tree.ref(state.params) as never, x, y).dataSync()[0];
  step.dispose();
  tree.dispose(state.m);
  tree.dispose(state.v);
  return { first, last, params: state.params };
}

function mse(prediction: np.Array, y: np.Array): np.Array {
  return np.square(prediction.sub(y)).mean();
}

beforeAll(async () => {
  await jx.initJax();
  defaultDevice('wasm');
});

describe('a dense network trains with every activation', () => {
  it.each(activationNames())('%s: loss falls over 40 Adam steps', (name) => {
    const act = jx.get(name);
    const loss = (p: Params, x: np.Array, y: np.Array) => {
      const h1 = act(np.matmul(x, p.w1).add(p.b1));
      const h2 = act(np.matmul(h1, p.w2).add(p.b2));
      return mse(np.matmul(h2, p.w3).add(p.b3), y);
    };
    const { first, last, params } = train(loss, initParams());
    tree.dispose(params);
    expect(last).toBeLessThan(0.75 * first);
  });
});

describe('learnable activation parameters train', () => {
  it('GoLU with per-unit alpha, beta, gamma: gradients flow, parameters move, loss falls', () => {
    type GoluParams = Params & { alpha: np.Array; beta: np.Array; gamma: np.Array };
    const loss = (p: GoluParams, x: np.Array, y: np.Array) => {
      const shared = { alpha: p.alpha.ref, beta: p.beta.ref, gamma: p.gamma.ref };
      const h1 = jx.golu(np.matmul(x, p.w1).add(p.b1), shared);
      const h2 = jx.golu(np.matmul(h1, p.w2).add(p.b2), { alpha: p.alpha, beta: p.beta, gamma: p.gamma });
      return mse(np.matmul(h2, p.w3).add(p.b3), y);
    };
    const initial: GoluParams = {
      ...initParams(),
      alpha: np.ones([HIDDEN]),
      beta: np.ones([HIDDEN]),
      gamma: np.ones([HIDDEN]),
    };
    const { first, last, params } = train(loss, initial);
    expect(last).toBeLessThan(0.75 * first);
    for (const key of ['alpha', 'beta', 'gamma'] as const) {
      const values = Array.from(params[key].ref.dataSync() as Float32Array);
      const moved = values.reduce((m, v) => Math.max(m, Math.abs(v - 1)), 0);
      expect(moved, key).toBeGreaterThan(1e-4);
      expect(
        values.every((v) => Number.isFinite(v) && v > 0),
        key,
      ).toBe(true);
    }
    tree.dispose(params);
  });

  it('PReLU with a learnable slope per unit', () => {
    type PreluParams = Params & { slope1: np.Array; slope2: np.Array };
    const loss = (p: PreluParams, x: np.Array, y: np.Array) => {
      const h1 = jx.prelu(np.matmul(x, p.w1).add(p.b1), { slope: p.slope1 });
      const h2 = jx.prelu(np.matmul(h1, p.w2).add(p.b2), { slope: p.slope2 });
      return mse(np.matmul(h2, p.w3).add(p.b3), y);
    };
    const initial: PreluParams = {
      ...initParams(),
      slope1: np.full([HIDDEN], 0.25),
      slope2: np.full([HIDDEN], 0.25),
    };
    const { first, last, params } = train(loss, initial);
    expect(last).toBeLessThan(0.75 * first);
    const slopes = Array.from(params.slope1.ref.dataSync() as Float32Array);
    expect(slopes.some((v) => Math.abs(v - 0.25) > 1e-4)).toBe(true);
    tree.dispose(params);
  });
});
