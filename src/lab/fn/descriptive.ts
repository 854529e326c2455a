/**
 * Descriptive statistics for the lab's reports: seed summaries (mean, sample std, SEM), quantiles and
 * IQR, histograms, and a Gaussian kernel density estimate with Silverman's bandwidth.
 */

/**
 * The lab's one summary of a metric over seeds (compare's table and verdict, the report, its curves).
 * Non-finite values (NaN, +-Infinity: a seed without a usable value) are not averaged: they are left
 * out and counted in `nonFinite`, so one bad seed neither turns the mean into NaN nor hides.
 */
export interface SeedSummary {
  /** Finite values summarised. */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for one value. */
  std: number;
  /** Standard error of the mean, std / sqrt(n); NaN for a single value (no noise estimate). */
  sem: number;
  min: number;
  max: number;
  /** Values left out because they were NaN or infinite. */
  nonFinite: number;
}

/** Summary of values over seeds; non-finite values are left out (counted). Null when no finite value remains. */
export function seedSummary(values: readonly number[]): SeedSummary | null {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return null;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  // Identical values: exactly that mean and no spread (a rounded sum would leave std ~1e-17, which a
  // t-test would read as a real, tiny noise level).
  const mean = min === max ? min : xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 && min !== max ? Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return {
    n,
    mean,
    std,
    sem: n > 1 ? std / Math.sqrt(n) : Number.NaN,
    min,
    max,
    nonFinite: values.length - n,
  };
}

/** Mean and population variance in one pass (Welford), over any array-like of numbers. */
export function meanVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const delta = values[i] - mean;
    mean += delta / (i + 1);
    m2 += delta * (values[i] - mean);
  }
  return {
    mean: values.length > 0 ? mean : Number.NaN,
    variance: values.length > 0 ? m2 / values.length : Number.NaN,
  };
}

/** The q-quantile (0 <= q <= 1) of sorted values, linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Spread of a weight tensor: std, interquartile range, quartiles, extremes. */
export interface Spread {
  count: number;
  mean: number;
  std: number;
  q1: number;
  median: number;
  q3: number;
  iqr: number;
  min: number;
  max: number;
}

export function spread(values: ArrayLike<number>): Spread {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const { mean, variance } = meanVariance(sorted);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  return {
    count: sorted.length,
    mean,
    std: Math.sqrt(variance),
    q1,
    median: quantileSorted(sorted, 0.5),
    q3,
    iqr: q3 - q1,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** Equal-width histogram as densities (count / (n * width)), so histograms of different sizes compare. */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  range?: [number, number],
): { start: number; end: number; density: number }[] {
  let lo = range?.[0] ?? Number.POSITIVE_INFINITY;
  let hi = range?.[1] ?? Number.NEGATIVE_INFINITY;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) {
    hi = lo + 1e-12;
  }
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    total++;
  }
  return Array.from(counts, (c, b) => ({
    start: lo + b * width,
    end: lo + (b + 1) * width,
    density: total > 0 ? c / (total * width) : 0,
  }));
}

/**
 * Silverman's rule-of-thumb bandwidth, 0.9 min(sd, IQR/1.34) n^(-1/5) (Silverman 1986, eq. 3.31);
 * falls back to sd (or 1) when the IQR is 0.
 */
export function silvermanBandwidth(values: ArrayLike<number>): number {
  const s = spread(values);
  const robust = s.iqr > 0 ? Math.min(s.std, s.iqr / 1.34) : s.std;
  const scale = robust > 0 ? robust : s.std > 0 ? s.std : 1;
  return 0.9 * scale * s.count ** -0.2;
}

/**
 * Gaussian KDE on `points` evenly spaced x covering the data +- 3 bandwidths. Values are binned onto a
 * fine grid first (linear binning, 2048 bins), so the cost is O(n + bins * points), not O(n * points).
 */
export function gaussianKde(
  values: ArrayLike<number>,
  points = 200,
  bandwidth = silvermanBandwidth(values),
): { x: number[]; density: number[]; bandwidth: number } {
  const n = values.length;
  if (n === 0) return { x: [], density: [], bandwidth };
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  lo -= 3 * bandwidth;
  hi += 3 * bandwidth;
  const bins = 2048;
  const step = (hi - lo) / (bins - 1);
  const weights = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const t = (values[i] - lo) / step;
    const k = Math.min(bins - 2, Math.floor(t));
    const frac = t - k;
    weights[k] += 1 - frac;
    weights[k + 1] += frac;
  }
  const norm = 1 / (n * bandwidth * Math.sqrt(2 * Math.PI));
  const x: number[] = [];
  const density: number[] = [];
  const reach = Math.ceil((5 * bandwidth) / step);
  for (let p = 0; p < points; p++) {
    const xp = lo + ((hi - lo) * p) / (points - 1);
    const center = Math.round((xp - lo) / step);
    let sum = 0;
    for (let k = Math.max(0, center - reach); k <= Math.min(bins - 1, center + reach); k++) {
      if (weights[k] === 0) continue;
      const z = (xp - (lo + k * step)) / bandwidth;
      sum += weights[k] * Math.exp(-0.5 * z * z);
    }
    x.push(xp);
    density.push(sum * norm);
  }
  return { x, density, bandwidth };
}
