/**
 * gatelab/tfjs on TensorFlow.js 4.22 in Node: the cpu backend and the wasm backend (exact and fast kernels).
 * Kernels vs the float64 catalog, gradients, NaN/extreme inputs, registration, errors.
 * Training, serialization and replaceActivations are in adapter-tfjs-models.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activation } from '../src/activation.js';
import { registry } from '../src/activations/index.js';
import {
  activationId,
  applyActivation,
  describeActivationId,
  forwardKernelName,
  golu,
  goluWithTensors,
  layers,
  registerActivations,
  wasmKernelPath,
} from '../src/adapters/tfjs/index.js';
import { compareFloat32, EXTREME_INPUTS, paramSetsFor, TEST_INPUTS } from './adapter-tfjs-fixtures.js';

// tfjs greets Node users with a banner on first use of the cpu backend; PROD mutes tfjs's console output.
tf.env().set('PROD', true);
registerActivations(tf);

const f32 = (values: readonly number[]) => tf.tensor1d(values as number[], 'float32');

/** Index and values of the first element where two arrays differ bit for bit (NaN equals NaN). */
function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `index ${i}: got ${actual[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

/**
 * cpu and wasm 'exact' evaluate the catalog per element and round once: bit-for-bit equal to it.
 * wasm 'fast' (the default) runs the SIMD kernels zero-copy on the tfjs heap: within FLOAT32_TOLERANCE.
 */
const CONFIGS = [
  { label: 'cpu', backend: 'cpu', wasmKernels: 'fast', path: undefined, exact: true },
  { label: 'wasm (exact kernels)', backend: 'wasm', wasmKernels: 'exact', path: 'exact', exact: true },
  {
    label: 'wasm (fast SIMD kernels, zero-copy)',
    backend: 'wasm',
    wasmKernels: 'fast',
    path: 'fast',
    exact: false,
  },
] as const;

describe.each(CONFIGS)('gatelab/tfjs kernels on $label', ({ backend, wasmKernels, path, exact }) => {
  beforeAll(async () => {
    registerActivations(tf, { wasmKernels });
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
    if (path !== undefined) expect(wasmKernelPath(tf.backend())).toBe(path);
  });
  afterAll(() => {
    registerActivations(tf);
  });

  /** Bit-for-bit for exact paths; FLOAT32_TOLERANCE for the SIMD kernels. */
  const check = (got: ArrayLike<number>, expected: number[]) => {
    if (exact) expect(firstMismatch(got, expected)).toBeUndefined();
    else expect(compareFloat32(got, expected, TEST_INPUTS).message).toBeUndefined();
  };

  for (const spec of registry) {
    for (const params of paramSetsFor(spec.name)) {
      const label = `${spec.name}(${JSON.stringify(params)})`;

      it(`${label}: forward equals the catalog ${exact ? 'rounded once to float32' : 'within float32 tolerance'}`, () => {
        const reference = activation(spec.name, params);
        const expected = TEST_INPUTS.map((x) => Math.fround(reference.value(x)));
        const y = applyActivation(spec.name, f32(TEST_INPUTS), params);
        expect(y.dtype).toBe('float32');
        check(y.dataSync(), expected);
      });

      it(`${label}: gradient equals dy * f'(x) of the catalog`, () => {
        const reference = activation(spec.name, params);
        // dy = w (not ones) so the backward kernel's multiplication by the upstream gradient is checked too.
        const w = TEST_INPUTS.map((_, i) => Math.fround(0.5 + ((i * 37) % 11) / 8));
        const expected = TEST_INPUTS.map((x, i) => Math.fround(w[i] * reference.derivative(x)));
        const weights = f32(w);
        const grad = tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(applyActivation(spec.name, x, params), weights)),
        );
        check(grad(f32(TEST_INPUTS)).dataSync(), expected);
      });
    }

    it(`${spec.name}: finite values and gradients at ${EXTREME_INPUTS.join(', ')}; NaN propagates`, () => {
      const x = f32(EXTREME_INPUTS);
      const y = applyActivation(spec.name, x).dataSync();
      const g = tf
        .grad((t: tf.Tensor) => applyActivation(spec.name, t))(x)
        .dataSync();
      for (let i = 0; i < EXTREME_INPUTS.length; i++) {
        expect(Number.isFinite(y[i]), `f(${EXTREME_INPUTS[i]}) = ${y[i]}`).toBe(true);
        expect(Number.isFinite(g[i]), `f'(${EXTREME_INPUTS[i]}) = ${g[i]}`).toBe(true);
      }
      const nan = f32([Number.NaN]);
      expect(applyActivation(spec.name, nan).dataSync()[0]).toBeNaN();
      expect(
        tf
          .grad((t: tf.Tensor) => applyActivation(spec.name, t))(nan)
          .dataSync()[0],
      ).toBeNaN();
    });
  }

  it('handles empty and multi-dimensional tensors larger than one SIMD block', () => {
    expect(golu(tf.tensor1d([], 'float32')).shape).toEqual([0]);
    const values = Array.from({ length: 3 * 5 * 7 * 11 }, (_, i) => Math.fround(Math.sin(i) * 6));
    const x = tf.tensor4d(values, [3, 5, 7, 11]);
    const reference = activation('golu');
    const expected = values.map((v) => Math.fround(reference.value(v)));
    const y = golu(x);
    expect(y.shape).toEqual([3, 5, 7, 11]);
    if (exact) expect(firstMismatch(y.dataSync(), expected)).toBeUndefined();
    else expect(compareFloat32(y.dataSync(), expected, values).message).toBeUndefined();
  });

  it('casts non-float inputs and keeps the shape', () => {
    const x = tf.tensor2d([[-2, 0, 3]], [1, 3], 'int32');
    const y = golu(x);
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([1, 3]);
    const reference = activation('golu');
    const expected = (values: number[]) => values.map((v) => Math.fround(reference.value(v)));
    if (exact) {
      expect(Array.from(y.dataSync())).toEqual(expected([-2, 0, 3]));
      expect(Array.from(golu([1, 2]).dataSync())).toEqual(expected([1, 2]));
    } else {
      expect(compareFloat32(y.dataSync(), expected([-2, 0, 3]), [-2, 0, 3]).message).toBeUndefined();
      expect(compareFloat32(golu([1, 2]).dataSync(), expected([1, 2]), [1, 2]).message).toBeUndefined();
    }
  });

  it('leaks no tensors: the op keeps only its output, gradients only theirs', () => {
    const start = tf.memory().numTensors;
    const ints = tf.tensor1d([-1, 0, 2], 'int32');
    const y = golu(ints, { alpha: 2 });
    expect(tf.memory().numTensors).toBe(start + 2);
    tf.tidy(() => {
      tf.grad((t: tf.Tensor) => applyActivation('segem', t, { n: 2 }))(f32([-1, 0.5, 3]));
    });
    expect(tf.memory().numTensors).toBe(start + 2);
    tf.dispose([ints, y]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('learnable GoLU: gradients in x, alpha, beta, gamma match the analytic derivatives', () => {
    const xs = [-100, -3, -1, -0.5, 0, 0.5, 1, 3, 1e4].map(Math.fround);
    const [a, b, g] = [1.3, 0.7, 1.6].map(Math.fround);
    const x = f32(xs);
    const grads = tf.grads((xt: tf.Tensor, at: tf.Tensor, bt: tf.Tensor, gt: tf.Tensor) =>
      tf.sum(goluWithTensors(xt, at, bt, gt)),
    )([x, f32([a]), f32([b]), f32([g])]);
    const [dx, da, db, dg] = grads.map((t) => Array.from(t.dataSync()));
    const reference = activation('golu', { alpha: a, beta: b, gamma: g });
    // float64 analytic partials: with e = exp(-gamma x), gate = exp(-beta e):
    // d/dalpha = x gate, d/dbeta = -alpha x e gate, d/dgamma = alpha beta x^2 e gate.
    let sumA = 0;
    let sumB = 0;
    let sumG = 0;
    for (const v of xs) {
      const e = Math.exp(-g * v);
      const gate = Math.exp(-b * e);
      const eGate = Number.isFinite(e) ? e * gate : 0;
      sumA += v * gate;
      sumB += -a * v * eGate;
      sumG += a * b * v * v * eGate;
    }
    for (let i = 0; i < xs.length; i++) {
      expect(dx[i]).toBeCloseTo(reference.derivative(xs[i]), 5);
    }
    expect(Math.abs(da[0] - sumA) / Math.abs(sumA)).toBeLessThan(1e-5);
    expect(Math.abs(db[0] - sumB) / Math.abs(sumB)).toBeLessThan(1e-5);
    expect(Math.abs(dg[0] - sumG) / Math.abs(sumG)).toBeLessThan(1e-5);
    for (const t of [dx, da, db, dg]) for (const v of t) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('gatelab/tfjs registration and errors', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    warn = vi.spyOn(console, 'warn');
  });
  afterAll(() => warn.mockRestore());

  it('registerActivations is idempotent and registers kernels for cpu, wasm, webgl and webgpu', () => {
    tf.env().set('PROD', false);
    try {
      const again = registerActivations(tf);
      expect(warn).not.toHaveBeenCalled();
      expect(again.kernels).toContain('GatelabGolu');
      expect(again.kernels).toContain('GatelabGoluGrad');
      expect(again.kernels).toHaveLength(registry.length * 2);
      for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
        for (const kernel of again.kernels)
          expect(tf.getKernel(kernel, backend), `${kernel}/${backend}`).toBeDefined();
      }
      for (const spec of registry) expect(tf.getGradient(forwardKernelName(spec))).toBeDefined();
      expect(again.layerClasses).toEqual(['GatelabActivation', 'GatelabLearnableGolu', 'GatelabPReLU']);
    } finally {
      tf.env().set('PROD', true);
    }
  });

  it('a tfjs-core namespace (no tf.layers) gets kernels, gradients and ops', () => {
    const core = { ...tf, layers: undefined } as unknown as typeof tf;
    try {
      const registration = registerActivations(core);
      expect(registration.kernels).toHaveLength(registry.length * 2);
      expect(registration.activationIds).toEqual([]);
      expect(registration.layerClasses).toEqual([]);
      expect(golu(f32([1])).dataSync()[0]).toBe(Math.fround(activation('golu').value(1)));
    } finally {
      registerActivations(tf);
    }
    expect(() => registerActivations({} as typeof tf)).toThrow(/expects the TensorFlow.js namespace/);
  });

  it('rejects unknown activations and out-of-range parameters with clear messages', () => {
    expect(() => applyActivation('gluu', f32([1]))).toThrow(/unknown activation 'gluu'.*golu/);
    expect(() => golu(f32([1]), { alpha: -1 })).toThrow(/golu parameter 'alpha'/);
    expect(() => applyActivation('gem', f32([1]), { n: 1.5 })).toThrow(/gem parameter 'n'.*integer/);
    expect(() => applyActivation('golu', f32([1]), { delta: 1 })).toThrow(/no parameter 'delta'/);
    expect(() => layers.activation({ activation: 'nope' })).toThrow(/unknown activation 'nope'/);
    expect(() => layers.learnableGolu({ alpha: 0 })).toThrow(/'alpha' must be a positive finite number/);
    expect(() => activationId('segem', { lambda: 2 })).toThrow(/segem parameter 'lambda'/);
  });

  it("activation classes extend tfjs-layers' Activation, so an instance works as a layer activation", () => {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap.golu;
    const Golu = entry[0] as unknown as new () => { apply(x: tf.Tensor): tf.Tensor };
    const layer = tf.layers.dense({
      units: 1,
      inputShape: [1],
      activation: new Golu() as never,
      useBias: false,
    });
    const model = tf.sequential({ layers: [layer] });
    model.setWeights([tf.tensor2d([[1]])]);
    const y = (model.predict(tf.tensor2d([[-1]])) as tf.Tensor).dataSync()[0];
    expect(y).toBe(Math.fround(activation('golu').value(-1)));
    expect(layer.getConfig().activation).toBe('golu');
  });

  it('activation identifiers are stable under tfjs snake_case/camelCase conversion', () => {
    expect(activationId('golu')).toBe('golu');
    expect(activationId('gelu')).toBe('gatelabGelu');
    expect(activationId('gelu_tanh')).toBe('geluTanh');
    const id = activationId('egem', { n: 2, epsilon: 1e-7 });
    expect(id).toBe('egem(n=2,epsilon=1e-7)');
    expect(describeActivationId(id)?.params).toEqual({ n: 2, epsilon: 1e-7 });
    const snake = 'leaky_relu(slope=0.2)';
    expect(describeActivationId(snake)?.spec.name).toBe('leaky_relu');
    expect(describeActivationId('relu')).toBeUndefined();
    expect(describeActivationId('gatelabRelu')?.spec.name).toBe('relu');
  });
});
