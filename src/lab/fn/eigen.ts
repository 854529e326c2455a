/**
 * The GoLU repository's eigen-spectrum experiment (automl/GoLU, visualizations of the eigenvalue
 * analysis): for a Gaussian matrix X (size x size, entries N(m, s^2)) on a grid of (m, s), the
 * largest absolute eigenvalue of f(X) and of f'(X), f applied elementwise. The repository draws one
 * matrix per cell (torch seed 42, numpy.linalg.eigvals); here each cell averages `draws` matrices, and
 * every activation sees the same draws (common random numbers: differences between activations are not
 * sampling noise of X).
 *
 * Both f(X) and f'(X) are non-symmetric: the eigenvalue problem solved is the general real one
 * (./eigenvalues.ts: balancing, Householder-Hessenberg, Francis double-shift QR, float64). The values
 * come from the catalog's float64 functions and derivatives.
 *
 * Why the numbers look as they do: f(X) has i.i.d. entries with mean mu_f and variance sigma_f^2, so its
 * spectrum is a disk of radius ~ sqrt(n) sigma_f (circular law) plus, when mu_f != 0, one outlier near
 * n mu_f (the rank-one mean). The largest |eigenvalue| is ~ max(n |mu_f|, sqrt(n) sigma_f).
 */
import { activation } from '../../activation.js';
import { createRng, deriveSeed } from '../data/random.js';
import { spectralRadius } from './eigenvalues.js';

export interface EigenActivation {
  name: string;
  params?: Record<string, number>;
}

export interface EigenOptions {
  activations: readonly EigenActivation[];
  /** Matrix size n (n x n). GoLU repository: 1000. */
  size: number;
  /** Means m of the entries. GoLU repository: -2, -1, 0, 1, 2. */
  means: readonly number[];
  /** Standard deviations s of the entries. GoLU repository: 0.5, 1, 1.5, 2, 2.5. */
  stds: readonly number[];
  /** Matrices per (m, s) cell. */
  draws: number;
  seed: number;
  /** Called after each solved matrix (done, total). */
  onProgress?(done: number, total: number): void;
}

/** max |eigenvalue| over the draws of one cell. */
export interface RadiusSummary {
  mean: number;
  /** Sample standard deviation over draws (0 for one draw). */
  std: number;
  values: number[];
}

export interface EigenCell {
  activation: string;
  label: string;
  mean: number;
  std: number;
  /** Largest |eigenvalue| of f(X). */
  output: RadiusSummary;
  /** Largest |eigenvalue| of f'(X). */
  derivative: RadiusSummary;
}

export interface EigenResult {
  size: number;
  means: number[];
  stds: number[];
  draws: number;
  seed: number;
  cells: EigenCell[];
  /** Wall seconds of the whole experiment and per solved matrix. */
  seconds: number;
  secondsPerMatrix: number;
}

function summarize(values: number[]): RadiusSummary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), values };
}

function label(a: EigenActivation): string {
  const entries = Object.entries(a.params ?? {});
  return entries.length === 0 ? a.name : `${a.name}(${entries.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

/** Checks the options; every error names the option, its valid range and the value received. */
export function checkEigenOptions(o: EigenOptions): void {
  if (!(Number.isInteger(o.size) && o.size >= 2 && o.size <= 5000))
    throw new RangeError(`size must be an integer in [2, 5000], got ${o.size}`);
  if (!(Number.isInteger(o.draws) && o.draws >= 1))
    throw new RangeError(`draws must be a positive integer, got ${o.draws}`);
  if (o.activations.length === 0) throw new RangeError('at least one activation is needed, got none');
  if (o.means.length === 0 || o.means.some((m) => !Number.isFinite(m)))
    throw new RangeError(`means must be finite numbers, got [${o.means.join(', ')}]`);
  if (o.stds.length === 0 || o.stds.some((s) => !(s > 0 && Number.isFinite(s))))
    throw new RangeError(`stds must be finite numbers > 0, got [${o.stds.join(', ')}]`);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
}

/** Runs the experiment (synchronous, CPU-bound: ~n^3 flops per matrix). */
export function eigenExperiment(options: EigenOptions): EigenResult {
  checkEigenOptions(options);
  const t0 = performance.now();
  const { size: n, means, stds, draws } = options;
  const functions = options.activations.map((a) => activation(a.name, a.params ?? {}));
  const total = means.length * stds.length * draws * functions.length * 2;
  const radii = options.activations.map(() =>
    means.map(() => stds.map(() => ({ output: [] as number[], derivative: [] as number[] }))),
  );
  const x = new Float64Array(n * n);
  const y = new Float64Array(n * n);
  const dydx = new Float64Array(n * n);
  let done = 0;
  means.forEach((m, i) => {
    stds.forEach((s, j) => {
      for (let d = 0; d < draws; d++) {
        createRng(deriveSeed(options.seed, i, j, d)).fillNormal(x, m, s);
        functions.forEach((f, a) => {
          f.forwardWithDerivative(x, y, dydx);
          radii[a][i][j].output.push(spectralRadius({ n, data: y }));
          options.onProgress?.(++done, total);
          radii[a][i][j].derivative.push(spectralRadius({ n, data: dydx }));
          options.onProgress?.(++done, total);
        });
      }
    });
  });
  const cells: EigenCell[] = [];
  options.activations.forEach((a, k) => {
    means.forEach((m, i) => {
      stds.forEach((s, j) => {
        const r = radii[k][i][j];
        cells.push({
          activation: functions[k].name,
          label: label(a),
          mean: m,
          std: s,
          output: summarize(r.output),
          derivative: summarize(r.derivative),
        });
      });
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  return {
    size: n,
    means: [...means],
    stds: [...stds],
    draws,
    seed: options.seed,
    cells,
    seconds,
    secondsPerMatrix: seconds / total,
  };
}
