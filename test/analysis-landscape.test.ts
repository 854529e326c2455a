import { jvp } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  computeLandscape,
  type HostTree,
  hostSpace,
  lossSurface,
  powerIteration,
  randomDirection,
} from '../src/lab/analysis/landscape.js';
import { restoreTree, saveWeights } from '../src/lab/analysis/weights.js';
import { createRng } from '../src/lab/data/random.js';
import { mlp } from '../src/lab/models/mlp.js';
import { readWeights } from '../src/lab/runs/weights.js';
import { type ArrayTree, grad, initLabRuntime, type JaxArray, np, tree } from '../src/lab/runtime.js';
import { tempDir } from './helpers/temp-dir.js';

/** A symmetric 4x4 matrix Q diag(eigenvalues) Q^T with a fixed rotation Q. */
function symmetric(eigenvalues: number[]): number[][] {
  const n = eigenvalues.length;
  // Householder reflection Q = I - 2 u u^T / |u|^2 is orthogonal and symmetric.
  const u = [1, -2, 0.5, 3];
  const uu = u.reduce((a, x) => a + x * x, 0);
  const q = u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / uu));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      eigenvalues.reduce((a, lambda, k) => a + q[i][k] * lambda * q[j][k], 0),
    ),
  );
}

describe('power iteration', () => {
  it('finds the top eigenvalue of a symmetric matrix and reports convergence', async () => {
    const a = symmetric([7, 2, -1, 0.5]);
    const apply = (v: HostTree) => [
      Float32Array.from(a.map((row) => row.reduce((s, x, j) => s + x * v[0][j], 0))),
    ];
    const r = await powerIteration(apply, [Float32Array.from([1, 1, 1, 1])], hostSpace, {
      tolerance: 1e-7,
      maxIterations: 200,
    });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue - 7)).toBeLessThan(1e-4);
    expect(r.history.length).toBe(r.iterations);
    const capped = await powerIteration(apply, [Float32Array.from([1, 1, 1, 1])], hostSpace, {
      tolerance: 1e-12,
      maxIterations: 3,
    });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(3);
    await expect(powerIteration(apply, [new Float32Array(4)], hostSpace)).rejects.toThrow(/zero/);
  });
});

describe('Hessian-vector products with jax-js (forward over reverse)', () => {
  beforeAll(() => initLabRuntime());

  it('power iteration on jvp(grad f) of a quadratic 1/2 w^T A w finds its top eigenvalue', async () => {
    const eigenvalues = [6, 3, 1, -2];
    const a = symmetric(eigenvalues);
    const quadratic = (w: JaxArray) => {
      const outer = w.ref.reshape([4, 1]).mul(w.reshape([1, 4]));
      return outer.mul(np.array(a)).sum().mul(0.5);
    };
    const gradient = (grad as unknown as (f: unknown) => (w: JaxArray) => JaxArray)(quadratic);
    const hvp = (v: HostTree): HostTree => {
      const [g, hv] = jvp(
        gradient as never,
        [np.array([0.3, -1, 2, 0.7])] as never,
        [np.array(v[0])] as never,
      ) as unknown as [JaxArray, JaxArray];
      g.dispose();
      return [Float32Array.from(hv.dataSync() as ArrayLike<number>)];
    };
    // H = A exactly, whatever the point: H e_1 is A's first column.
    const column = hvp([Float32Array.from([1, 0, 0, 0])])[0];
    for (let i = 0; i < 4; i++) expect(column[i]).toBeCloseTo(a[i][0], 5);
    const r = await powerIteration(hvp, [Float32Array.from([1, 0.5, -0.25, 2])], hostSpace, {
      tolerance: 1e-6,
      maxIterations: 200,
    });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue - 6)).toBeLessThan(1e-3);
  });

  it('directions: unit norm, or filter-wise scaled to the weights (biases zero)', () => {
    const weights = [Float32Array.from({ length: 12 }, (_, i) => (i % 3) + 1), Float32Array.from([1, 2, 3])];
    const shapes = [[4, 3], [3]];
    const unit = randomDirection(weights, shapes, 'unit', 1);
    expect(Math.sqrt(hostSpace.dot(unit, unit))).toBeCloseTo(1, 6);
    const filter = randomDirection(weights, shapes, 'filter', 1);
    for (let f = 0; f < 3; f++) {
      let dn = 0;
      let wn = 0;
      for (let i = f; i < 12; i += 3) {
        dn += filter[0][i] ** 2;
        wn += weights[0][i] ** 2;
      }
      expect(Math.sqrt(dn)).toBeCloseTo(Math.sqrt(wn), 4);
    }
    expect([...filter[1]]).toEqual([0, 0, 0]);
    expect(randomDirection(weights, shapes, 'unit', 1)).toEqual(unit);
  });

  describe('a small MLP', () => {
    const dir = tempDir('landscape');
    const model = mlp({
      inputShape: [6],
      numClasses: 3,
      activation: { name: 'golu', form: 'exact' },
      depth: 1,
      width: 8,
    });
    const rng = createRng(4);
    const inputs = rng.fillNormal(new Float32Array(32 * 6));
    const labels = Int32Array.from({ length: 32 }, (_, i) => (inputs[i * 6] > 0 ? 1 : i % 3));
    const batch = (k: number): [JaxArray, JaxArray] => [
      np.array(inputs.subarray(0, k * 6), { shape: [k, 6] }),
      np.array(labels.subarray(0, k), { dtype: np.int32 }),
    ];

    it('saves and restores weights exactly', () => {
      const init = model.init(() => rng.next());
      const manifest = saveWeights(dir, init.params, init.state);
      expect(manifest.params.map((p) => p.name)).toContain('blocks.0.linear.w');
      const saved = readWeights(dir);
      const again = model.init(() => 0.5);
      const restored = restoreTree(again.params, saved.params, saved.manifest.params);
      const original = (tree.leaves(init.params as never) as JaxArray[]).map((l) => [
        ...(l.ref.dataSync() as Float32Array),
      ]);
      const back = (tree.leaves(restored as never) as JaxArray[]).map((l) => [
        ...(l.dataSync() as Float32Array),
      ]);
      expect(back).toEqual(original);
      const wrong = mlp({
        inputShape: [6],
        numClasses: 3,
        activation: { name: 'golu' },
        depth: 1,
        width: 9,
      }).init(() => 0.5);
      expect(() => restoreTree(wrong.params, saved.params, saved.manifest.params)).toThrow(/shape/);
    });

    it('slices pass through the trained loss at 0; the Hessian estimate bounds random Rayleigh quotients', async () => {
      const init = model.init(() => rng.next());
      const weights = (tree.leaves(init.params as never) as JaxArray[]).map((l) =>
        Float32Array.from(l.ref.dataSync() as Float32Array),
      );
      const file = await computeLandscape(model, init.params, init.state, weights, batch, {
        linePoints: 5,
        gridPoints: 3,
        examples: 32,
        hessianExamples: 32,
        power: { tolerance: 1e-3, maxIterations: 60 },
      });
      expect(file.line.alphas).toEqual([-1, -0.5, 0, 0.5, 1]);
      expect(file.line.losses[2]).toBeCloseTo(file.centerLoss, 5);
      expect(file.grid!.losses).toHaveLength(9);
      expect(file.grid!.losses[4]).toBeCloseTo(file.centerLoss, 5);
      const hessian = file.hessian!;
      expect(hessian.converged).toBe(true);
      // The largest eigenvalue bounds v^T H v for unit v (when it is the largest in magnitude and positive).
      const [x, y] = batch(32);
      const surface = lossSurface(model, init.params as ArrayTree, init.state, x, y);
      const shapes = (tree.leaves(init.params as never) as JaxArray[]).map((l) => [...l.shape]);
      for (const seed of [11, 12, 13]) {
        const v = randomDirection(weights, shapes, 'unit', seed);
        const quotient = hostSpace.dot(v, await surface.hvp(weights, v));
        expect(quotient).toBeLessThanOrEqual(hessian.eigenvalue * (1 + 1e-3) + 1e-6);
      }
      surface.dispose();
    });
  });
});
