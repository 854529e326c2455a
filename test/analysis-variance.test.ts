import { describe, expect, it } from 'vitest';
import { loadEmbeddedDataset } from '../src/lab/data/embedded.js';
import { createRng } from '../src/lab/data/random.js';
import {
  gaussianKde,
  histogram,
  seedSummary,
  silvermanBandwidth,
  spread,
} from '../src/lab/fn/descriptive.js';
import { activationMoments } from '../src/lab/fn/stats.js';
import { latentVarianceExperiment } from '../src/lab/fn/variance.js';

describe('descriptive statistics', () => {
  it('seed summary, quartiles, histogram densities', () => {
    const s = seedSummary([1, 2, 3, 4]);
    expect(s).toMatchObject({ n: 4, mean: 2.5, min: 1, max: 4 });
    expect(s!.std).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(s!.sem).toBeCloseTo(Math.sqrt(5 / 3) / 2, 14);
    expect(seedSummary([7])!.sem).toBeNaN();
    const q = spread([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([q.q1, q.median, q.q3, q.iqr]).toEqual([3, 5, 7, 4]);
    const bins = histogram([0, 0.1, 0.2, 0.9, 1], 2);
    expect(bins.map((b) => b.density)).toEqual([1.2, 0.8]);
  });

  it('Gaussian KDE of a normal sample is close to the normal density and integrates to 1', () => {
    const rng = createRng(7);
    const sample = rng.fillNormal(new Float64Array(20_000));
    const h = silvermanBandwidth(sample);
    // Silverman: 0.9 * min(sd, IQR/1.34) * n^-1/5, with sd ~ 1 and IQR/1.34 ~ 1.
    expect(h).toBeGreaterThan(0.8 * 0.9 * 20_000 ** -0.2);
    expect(h).toBeLessThan(1.2 * 0.9 * 20_000 ** -0.2);
    const kde = gaussianKde(sample, 400);
    const dx = kde.x[1] - kde.x[0];
    expect(kde.density.reduce((a, b) => a + b, 0) * dx).toBeCloseTo(1, 2);
    const at0 = kde.density[kde.x.findIndex((x) => x >= 0)];
    expect(Math.abs(at0 - 1 / Math.sqrt(2 * Math.PI))).toBeLessThan(0.02);
  });
});

describe('latent-variance experiment', () => {
  const rng = createRng(3);
  const size = 32;
  const n = 40;
  const gaussianImages = rng.fillNormal(new Float64Array(n * size * size));

  it('BatchNorm makes every map mean 0 and variance v/(v + eps): identity activation (PReLU with slope 1)', () => {
    const r = latentVarianceExperiment({
      pixels: gaussianImages,
      n,
      height: size,
      width: size,
      activations: [{ name: 'prelu', params: { slope: 1 } }],
      seed: 1,
    });
    expect(r.mapHeight).toBe(size);
    for (const { stats } of r.perImage) {
      expect(Math.abs(stats[0].mean)).toBeLessThan(1e-12);
      expect(stats[0].variance).toBeGreaterThan(1 - 1e-3);
      expect(stats[0].variance).toBeLessThan(1);
    }
    const valid = latentVarianceExperiment({
      pixels: gaussianImages,
      n,
      height: size,
      width: size,
      activations: [{ name: 'relu' }],
      seed: 1,
      padding: 'valid',
    });
    expect([valid.mapHeight, valid.mapWidth]).toEqual([size - 2, size - 2]);
  });

  it('on Gaussian images the map variance matches the N(0, 1) quadrature value', () => {
    const names = ['golu', 'gelu', 'relu'];
    const r = latentVarianceExperiment({
      pixels: gaussianImages,
      n,
      height: size,
      width: size,
      activations: names.map((name) => ({ name })),
      seed: 2,
    });
    for (const s of r.summary) {
      const theory = activationMoments(s.activation).variance.value;
      expect(Math.abs(s.meanVariance - theory) / theory).toBeLessThan(0.03);
    }
  });

  it('is deterministic in the seed; a blank image gives a constant map', () => {
    const run = (seed: number, pixels = gaussianImages.subarray(0, 2 * size * size)) =>
      latentVarianceExperiment({
        pixels,
        n: 2,
        height: size,
        width: size,
        activations: [{ name: 'golu' }],
        seed,
      });
    expect(run(5).kernel).toEqual(run(5).kernel);
    expect(run(5).kernel).not.toEqual(run(6).kernel);
    const blank = run(5, new Float64Array(2 * size * size));
    expect(blank.constantMaps).toBe(2);
    expect(blank.summary[0].meanVariance).toBe(0);
    expect(() => run(5, new Float64Array(10))).toThrow(/pixels/);
  });

  it('runs on embedded MNIST test images', () => {
    const data = loadEmbeddedDataset('mnist', { limit: { train: 1, val: 1, test: 20 } });
    const r = latentVarianceExperiment({
      pixels: data.test.x,
      n: 20,
      height: 28,
      width: 28,
      activations: [{ name: 'golu' }, { name: 'gelu' }],
      seed: 0,
    });
    expect(r.perImage).toHaveLength(20);
    expect(r.pooled.get('golu')).toHaveLength(20 * 28 * 28);
    const shares = r.summary.reduce((a, s) => a + s.lowestShare, 0);
    expect(shares).toBeGreaterThanOrEqual(1);
    for (const s of r.summary) expect(s.meanVariance).toBeGreaterThan(0);
  });
});
