/**
 * The general real eigenvalue solver against matrices with known spectra (diagonal, triangular,
 * rotation blocks with complex pairs, companion matrices, all hidden behind orthogonal similarities),
 * trace invariants on the experiment's own sparse and defective matrices, the circular law and the
 * rank-one outlier, and the eigen experiment and command end to end on small sizes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { registerEigen } from '../src/cli/eigen.js';
import { createRng, deriveSeed } from '../src/lab/data/random.js';
import { eigenExperiment } from '../src/lab/fn/eigen.js';
import { eigenvalues, spectralRadius } from '../src/lab/fn/eigenvalues.js';
import { words } from './helpers/cli.js';
import { runCommand } from './helpers/command.js';
import { tempDir } from './helpers/temp-dir.js';

type Complex = [number, number];

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  return c;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

/** A random orthogonal matrix: product of 3 Householder reflections of random vectors. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  let q: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < 3; r++) {
    const v = rng.fillNormal(new Float64Array(n));
    const norm2 = v.reduce((s, x) => s + x * x, 0);
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / norm2;
    q = matmul(q, h, n);
  }
  return q;
}

/** Q A Q^T: same spectrum, no visible structure. */
function hide(a: Float64Array, n: number, seed: number): Float64Array {
  const q = randomOrthogonal(n, seed);
  return matmul(matmul(q, a, n), transpose(q, n), n);
}

/** Sorted by real part, then imaginary part. */
function sorted(values: Complex[]): Complex[] {
  return [...values].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

function computed(n: number, data: Float64Array): Complex[] {
  const e = eigenvalues({ n, data });
  return sorted(Array.from(e.re, (re, i) => [re, e.im[i]] as Complex));
}

function expectSpectrum(actual: Complex[], expected: Complex[], tolerance: number): void {
  const want = sorted(expected);
  expect(actual.length).toBe(want.length);
  // Match greedily (sorting by real part can interleave conjugates differently).
  const left = [...actual];
  for (const [re, im] of want) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      if (Math.hypot(left[i][0] - re, left[i][1] - im) < Math.hypot(left[best][0] - re, left[best][1] - im))
        best = i;
    }
    const [gotRe, gotIm] = left.splice(best, 1)[0];
    expect(Math.hypot(gotRe - re, gotIm - im)).toBeLessThanOrEqual(tolerance);
  }
}

describe('general real eigenvalue solver', () => {
  it('diagonal: exact eigenvalues, also behind an orthogonal similarity', () => {
    const d = [3, -1.5, 0, 2e-3, 7, -7.25, 1, 1];
    const n = d.length;
    const a = new Float64Array(n * n);
    d.forEach((v, i) => {
      a[i * n + i] = v;
    });
    expectSpectrum(
      computed(n, a),
      d.map((v) => [v, 0]),
      0,
    );
    expectSpectrum(
      computed(n, hide(a, n, 1)),
      d.map((v) => [v, 0]),
      1e-13 * 8,
    );
  });

  it('upper triangular: the diagonal, exactly or to rounding', () => {
    const n = 12;
    const rng = createRng(5);
    const a = new Float64Array(n * n);
    const diag: Complex[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) a[i * n + j] = rng.normal();
      diag.push([a[i * n + i], 0]);
    }
    expectSpectrum(computed(n, a), diag, 1e-12);
    expectSpectrum(computed(n, hide(a, n, 2)), diag, 1e-10);
  });

  it('rotation blocks: complex conjugate pairs a +- bi', () => {
    const blocks: [number, number][] = [
      [0.5, 2],
      [-1, 0.25],
      [3, 4],
      [0, 1],
    ];
    const n = 2 * blocks.length + 1;
    const a = new Float64Array(n * n);
    const expected: Complex[] = [];
    blocks.forEach(([re, im], k) => {
      const i = 2 * k;
      a[i * n + i] = re;
      a[i * n + i + 1] = -im;
      a[(i + 1) * n + i] = im;
      a[(i + 1) * n + i + 1] = re;
      expected.push([re, im], [re, -im]);
    });
    a[(n - 1) * n + n - 1] = -2;
    expected.push([-2, 0]);
    const hidden = hide(a, n, 3);
    expectSpectrum(computed(n, hidden), expected, 1e-12);
    // The spectral radius is |3 + 4i| = 5, from a complex pair (power iteration would oscillate).
    expect(spectralRadius({ n, data: hidden })).toBeCloseTo(5, 12);
  });

  it('companion matrices: the roots of the polynomial', () => {
    // (x - 1)(x + 2)(x - 0.5)(x - 3)(x^2 - 2x + 5): roots 1, -2, 0.5, 3, 1 +- 2i.
    const roots: Complex[] = [
      [1, 0],
      [-2, 0],
      [0.5, 0],
      [3, 0],
      [1, 2],
      [1, -2],
    ];
    // Expand prod (x - r) with real coefficients (pairs multiplied out).
    let coeffs = [1]; // highest degree first
    const mulBy = (factor: number[]) => {
      const out = new Array(coeffs.length + factor.length - 1).fill(0);
      coeffs.forEach((c, i) => {
        factor.forEach((f, j) => {
          out[i + j] += c * f;
        });
      });
      coeffs = out;
    };
    for (const r of [1, -2, 0.5, 3]) mulBy([1, -r]);
    mulBy([1, -2, 5]);
    const n = coeffs.length - 1;
    const a = new Float64Array(n * n);
    for (let j = 0; j < n; j++) a[j] = -coeffs[j + 1];
    for (let i = 1; i < n; i++) a[i * n + i - 1] = 1;
    expectSpectrum(computed(n, a), roots, 1e-10);
  });

  it("keeps the trace invariants on the experiment matrices (sparse relu(X), 0/1 relu'(X), dense golu(X))", () => {
    const n = 80;
    const x = createRng(9).fillNormal(new Float64Array(n * n), -1, 0.5);
    const relu = activation('relu').forwardWithDerivative(x);
    const golu = activation('golu').forward(x);
    for (const data of [relu.y, relu.dydx, golu]) {
      const e = eigenvalues({ n, data });
      const a2 = matmul(data, data, n);
      let trace = 0;
      let trace2 = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        trace += data[i * n + i];
        trace2 += a2[i * n + i];
      }
      for (const v of data) scale += v * v;
      let sum = 0;
      let sumIm = 0;
      let sum2 = 0;
      e.re.forEach((re, i) => {
        sum += re;
        sumIm += e.im[i];
        sum2 += re * re - e.im[i] * e.im[i];
      });
      expect(Math.abs(sum - trace)).toBeLessThan(1e-10 * (1 + Math.sqrt(scale)));
      expect(Math.abs(sumIm)).toBeLessThan(1e-10 * (1 + Math.sqrt(scale)));
      expect(Math.abs(sum2 - trace2)).toBeLessThan(1e-8 * (1 + scale));
    }
  });

  it('circular law and the rank-one outlier of a matrix with non-zero mean', () => {
    const n = 200;
    const centred = createRng(11).fillNormal(new Float64Array(n * n), 0, 1 / Math.sqrt(n));
    const radius = spectralRadius({ n, data: centred });
    expect(radius).toBeGreaterThan(0.85);
    expect(radius).toBeLessThan(1.15);
    // Entries N(1, 1): one eigenvalue near n * 1, far outside the disk of radius sqrt(n).
    const shifted = createRng(12).fillNormal(new Float64Array(n * n), 1, 1);
    expect(spectralRadius({ n, data: shifted }) / n).toBeGreaterThan(0.95);
    expect(spectralRadius({ n, data: shifted }) / n).toBeLessThan(1.05);
  });

  it('rejects bad matrices with the cause and the value', () => {
    expect(() => eigenvalues({ n: 2, data: new Float64Array(3) })).toThrow(
      /n\*n = 4 entries for n = 2, got 3/,
    );
    expect(() => eigenvalues({ n: 2, data: Float64Array.from([1, Number.NaN, 0, 1]) })).toThrow(
      /entry \(0, 1\) must be finite, got NaN/,
    );
  });
});

describe('eigen experiment', () => {
  it('averages draws, shares them across activations, and matches the outlier n E[f(X)]', () => {
    const n = 120;
    const result = eigenExperiment({
      activations: [{ name: 'relu' }, { name: 'golu' }],
      size: n,
      means: [2],
      stds: [0.5],
      draws: 2,
      seed: 1,
    });
    expect(result.cells).toHaveLength(2);
    const relu = result.cells[0];
    expect(relu.output.values).toHaveLength(2);
    expect(relu.output.mean).toBeCloseTo((relu.output.values[0] + relu.output.values[1]) / 2, 12);
    // Entries N(2, 0.25) are positive with probability ~1 - 3e-5: relu(X) ~ X, outlier ~ 2n;
    // relu'(X) is (almost) all ones: outlier ~ n.
    expect(relu.output.mean / (2 * n)).toBeGreaterThan(0.97);
    expect(relu.output.mean / (2 * n)).toBeLessThan(1.03);
    expect(relu.derivative.mean / n).toBeGreaterThan(0.99);
    // The same draws: recompute one by hand.
    const x = createRng(deriveSeed(1, 0, 0, 0)).fillNormal(new Float64Array(n * n), 2, 0.5);
    const golu = activation('golu').forward(x);
    expect(result.cells[1].output.values[0]).toBe(spectralRadius({ n, data: golu }));
  });

  it('rejects bad options naming the option, its range and the value', () => {
    const base = { activations: [{ name: 'relu' }], size: 10, means: [0], stds: [1], draws: 1, seed: 0 };
    expect(() => eigenExperiment({ ...base, size: 1 })).toThrow(
      /size must be an integer in \[2, 5000\], got 1/,
    );
    expect(() => eigenExperiment({ ...base, stds: [0] })).toThrow(
      /stds must be finite numbers > 0, got \[0\]/,
    );
    expect(() => eigenExperiment({ ...base, draws: 0 })).toThrow(/draws must be a positive integer, got 0/);
  });
});

describe('gatelab eigen', () => {
  const dir = tempDir('eigen');

  it('prints both tables, writes JSON and the heatmap SVG', async () => {
    const json = join(dir, 'eigen.json');
    const svg = join(dir, 'eigen.svg');
    const out = await runCommand(registerEigen, [
      ...words('eigen golu gelu --size 30 --means -1,1 --stds 1,2 --draws 2 --quiet'),
      ...['--json', json, '--svg', svg],
    ]);
    expect(out).toMatch(/max \|eigenvalue\| of f\(X\):/);
    expect(out).toMatch(/max \|eigenvalue\| of f'\(X\):/);
    expect(out.split('\n').filter((l) => /^golu\s+-?1\s/.test(l))).toHaveLength(4);
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    expect(parsed.cells).toHaveLength(8);
    expect(parsed.cells[0].output.values).toHaveLength(2);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('golu');
    expect(text).toContain('gelu');
  });

  it('writes its files atomically: a failed write names the file and leaves no part of it', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const json = join(blocked, 'eigen.json');
    await expect(
      runCommand(registerEigen, [...words('eigen relu --size 4 --means 0 --stds 1 --quiet'), '--json', json]),
    ).rejects.toThrow(`cannot write ${json}: a part of the path is a file, not a folder (ENOTDIR)`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
