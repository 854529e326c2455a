/**
 * The symmetric Jacobi eigen solver and the Frechet distance: reconstruction and orthogonality,
 * known spectra, FID of a set against itself = 0, closed forms for commuting covariances, the order of
 * the two sets not mattering, a shifted set's distance = the squared shift, and label entropies.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/random.js';
import { symmetricEigen, symmetricFunction } from '../src/lab/fn/symmetric-eigen.js';
import {
  frechetDistance,
  gaussianStats,
  labelEntropies,
  traceSqrtProduct,
} from '../src/lab/metrics/frechet.js';

const rng = createRng(2024);

function randomSpd(n: number): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
      out[i * n + j] = s / n + (i === j ? 0.1 : 0);
    }
  return out;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      out[i * n + j] = s;
    }
  return out;
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

describe('symmetric eigen (Jacobi)', () => {
  it('reconstructs A = V diag V^T with orthonormal V; ascending values', () => {
    const n = 12;
    const a = randomSpd(n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    const back = symmetricFunction(a, n, (x) => x);
    expect(maxAbs(back.map((v, i) => v - a[i]))).toBeLessThan(1e-12);
    for (let p = 0; p < n; p++)
      for (let q = 0; q < n; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + p] * vectors[i * n + q];
        expect(Math.abs(dot - (p === q ? 1 : 0))).toBeLessThan(1e-12);
      }
  });

  it('finds known spectra: [[2, 1], [1, 2]] -> 1, 3; a diagonal matrix; a repeated eigenvalue', () => {
    const two = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values;
    expect(two[0]).toBeCloseTo(1, 14);
    expect(two[1]).toBeCloseTo(3, 14);
    const d = symmetricEigen(Float64Array.from([5, 0, 0, 0, -1, 0, 0, 0, 2]), 3);
    expect(Array.from(d.values)).toEqual([-1, 2, 5]);
    // 1 1 1 / 1 1 1 / 1 1 1: eigenvalues 0, 0, 3.
    const ones = symmetricEigen(new Float64Array(9).fill(1), 3).values;
    expect(Math.abs(ones[0])).toBeLessThan(1e-15);
    expect(Math.abs(ones[1])).toBeLessThan(1e-15);
    expect(ones[2]).toBeCloseTo(3, 14);
  });

  it('its square root squares back', () => {
    const n = 8;
    const a = randomSpd(n);
    const s = symmetricFunction(a, n, Math.sqrt);
    const back = matmul(s, s, n);
    expect(maxAbs(back.map((v, i) => v - a[i]))).toBeLessThan(1e-12);
  });

  it('names bad input', () => {
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(
      'symmetric eigen: expected an n x n matrix (n >= 1), got 3 entries for n = 2',
    );
    expect(() => symmetricEigen(Float64Array.from([1, Number.NaN, 0, 1]), 2)).toThrow(
      'symmetric eigen: entry (0, 1) is NaN',
    );
  });
});

describe('Frechet distance', () => {
  const features = (count: number, dim: number, shift = 0) =>
    Float64Array.from({ length: count * dim }, (_, i) => rng.normal() * (1 + (i % dim) / dim) + shift);

  it('of a set against itself is 0', () => {
    const f = features(300, 16);
    const s = gaussianStats(f, 300, 16);
    expect(frechetDistance(s, s)).toBeLessThan(1e-9);
    // Fewer samples than features (singular covariance) too.
    const few = gaussianStats(features(5, 16), 5, 16);
    expect(frechetDistance(few, few)).toBeLessThan(1e-9);
  });

  it('of a shifted set is the squared shift (covariances equal)', () => {
    const f = features(200, 10);
    const shifted = f.map((v) => v + 0.5);
    const d = frechetDistance(gaussianStats(f, 200, 10), gaussianStats(shifted, 200, 10));
    expect(d).toBeGreaterThan(0);
    expect(d).toBeCloseTo(10 * 0.25, 9);
  });

  it('equals the closed form for diagonal covariances: |dmu|^2 + sum (sqrt(a) - sqrt(b))^2', () => {
    const n = 4;
    const a = {
      dim: n,
      count: 10,
      mean: Float64Array.from([0, 1, 2, 3]),
      covariance: new Float64Array(n * n),
    };
    const b = {
      dim: n,
      count: 10,
      mean: Float64Array.from([1, 1, 0, 3]),
      covariance: new Float64Array(n * n),
    };
    const va = [1, 4, 0.25, 9];
    const vb = [4, 1, 1, 9];
    for (let i = 0; i < n; i++) {
      a.covariance[i * n + i] = va[i];
      b.covariance[i * n + i] = vb[i];
    }
    const expected = 1 + 4 + va.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(vb[i])) ** 2, 0);
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 12);
  });

  it('tr sqrt(C1 C2) is symmetric in C1, C2 and matches sqrt of the eigenvalues of C1 C2', () => {
    const n = 6;
    const c1 = randomSpd(n);
    const c2 = randomSpd(n);
    const t12 = traceSqrtProduct(c1, c2, n);
    expect(traceSqrtProduct(c2, c1, n)).toBeCloseTo(t12, 11);
    // Independently: C1 C2 has real positive eigenvalues (similar to an SPD matrix); tr sqrt = sum
    // sqrt(lambda). Power-free check: det and trace of the 2 x 2 case.
    const p = Float64Array.from([2, 1, 1, 3]);
    const q = Float64Array.from([1, 0.5, 0.5, 2]);
    const pq = matmul(p, q, 2);
    const tr = pq[0] + pq[3];
    const det = pq[0] * pq[3] - pq[1] * pq[2];
    const l1 = tr / 2 + Math.sqrt((tr * tr) / 4 - det);
    const l2 = tr / 2 - Math.sqrt((tr * tr) / 4 - det);
    expect(traceSqrtProduct(p, q, 2)).toBeCloseTo(Math.sqrt(l1) + Math.sqrt(l2), 13);
  });

  it('names bad input', () => {
    expect(() => gaussianStats(new Float64Array(4), 1, 4)).toThrow(
      'a Frechet distance needs at least 2 feature rows, got 1',
    );
    expect(() => gaussianStats(new Float64Array(5), 2, 3)).toThrow(
      'feature rows: expected 2 x 3 = 6 values, got 5',
    );
  });
});

describe('label entropies', () => {
  it('one-hot predictions over all ten classes: class entropy ln 10, sample entropy 0', () => {
    const p = new Float64Array(20 * 10);
    for (let r = 0; r < 20; r++) p[r * 10 + (r % 10)] = 1;
    const e = labelEntropies(p, 20, 10);
    expect(e.classEntropy).toBeCloseTo(Math.log(10), 14);
    expect(e.sampleEntropy).toBe(0);
  });

  it('uniform predictions: both ln K; one class only: both 0', () => {
    const u = labelEntropies(new Float64Array(3 * 4).fill(0.25), 3, 4);
    expect(u.classEntropy).toBeCloseTo(Math.log(4), 14);
    expect(u.sampleEntropy).toBeCloseTo(Math.log(4), 14);
    const one = new Float64Array(3 * 4);
    for (let r = 0; r < 3; r++) one[r * 4 + 2] = 1;
    expect(labelEntropies(one, 3, 4)).toEqual({ classEntropy: 0, sampleEntropy: 0 });
  });
});
