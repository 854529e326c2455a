/**
 * The Frechet distance between two Gaussians fitted to feature sets (Dowson & Landau 1982; as the FID
 * of Heusel et al. 2017, arXiv 1706.08500, on other features):
 *
 *   d^2 = |mu1 - mu2|^2 + tr(C1) + tr(C2) - 2 tr((C1 C2)^{1/2}).
 *
 * C1 C2 is not symmetric, so its square root is not taken directly (pytorch-fid calls scipy's sqrtm on
 * it and discards the imaginary rounding residue). Instead, with S = C1^{1/2} (symmetric PSD),
 * C1 C2 = S (S C2 S) S^{-1} is similar to M = S C2 S, which is symmetric PSD, so
 * tr((C1 C2)^{1/2}) = tr(M^{1/2}) = sum_i sqrt(max(lambda_i(M), 0)). Both S and M's eigenvalues come
 * from the symmetric Jacobi solver (../fn/symmetric-eigen.ts), negative rounding residues clipped to 0;
 * no inverse is formed, so singular covariances (fewer samples than features) are fine. The result is
 * clipped at 0 (rounding can leave -1e-13 for identical sets).
 *
 * Covariances are the unbiased sample covariances (n - 1), as numpy.cov in pytorch-fid.
 */
import { symmetricEigen, symmetricFunction } from '../fn/symmetric-eigen.js';

/** Mean and covariance of a feature set. */
export interface GaussianStats {
  dim: number;
  count: number;
  mean: Float64Array;
  /** Row-major dim x dim, unbiased (n - 1). */
  covariance: Float64Array;
}

/** Mean and unbiased covariance of `count` feature rows of width `dim` (row-major). */
export function gaussianStats(features: ArrayLike<number>, count: number, dim: number): GaussianStats {
  if (!(Number.isInteger(count) && count >= 2)) {
    throw new RangeError(`a Frechet distance needs at least 2 feature rows, got ${count}`);
  }
  if (features.length !== count * dim) {
    throw new RangeError(
      `feature rows: expected ${count} x ${dim} = ${count * dim} values, got ${features.length}`,
    );
  }
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let j = 0; j < dim; j++) mean[j] += features[r * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) centred[j] = features[r * dim + j] - mean[j];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      for (let j = i; j < dim; j++) covariance[i * dim + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = covariance[i * dim + j] / (count - 1);
      covariance[i * dim + j] = v;
      covariance[j * dim + i] = v;
    }
  }
  return { dim, count, mean, covariance };
}

/** The n x n product a b (row-major). */
function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

/** tr((C1 C2)^{1/2}) via the symmetric M = C1^{1/2} C2 C1^{1/2}. */
export function traceSqrtProduct(c1: Float64Array, c2: Float64Array, n: number): number {
  const s = symmetricFunction(c1, n, (lambda) => Math.sqrt(Math.max(lambda, 0)));
  const m = multiply(multiply(s, c2, n), s, n);
  const { values } = symmetricEigen(m, n);
  let trace = 0;
  for (const lambda of values) trace += Math.sqrt(Math.max(lambda, 0));
  return trace;
}

/** The squared Frechet distance between two Gaussians (>= 0). */
export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  if (a.dim !== b.dim)
    throw new RangeError(`Frechet distance: feature widths differ (${a.dim} and ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < n; i++) {
    meanTerm += (a.mean[i] - b.mean[i]) ** 2;
    traces += a.covariance[i * n + i] + b.covariance[i * n + i];
  }
  const d = meanTerm + traces - 2 * traceSqrtProduct(a.covariance, b.covariance, n);
  if (Number.isNaN(d)) return Number.NaN;
  return Math.max(0, d);
}

/**
 * Label statistics of a classifier's predictions on a sample set (probabilities, rows of `classes`):
 * - classEntropy: H(mean_i p_i), the entropy of the average predicted distribution in nats — how evenly
 *   the samples cover the classes (ln 10 = 2.303 for ten equally frequent classes; 0 = one class only).
 * - sampleEntropy: mean_i H(p_i), the average per-sample predictive entropy — how recognisable each
 *   sample is to the classifier (0 = every sample classified with certainty).
 * (Their difference is the log of the Inception Score of Salimans et al. 2016 on this classifier.)
 */
export function labelEntropies(
  probabilities: ArrayLike<number>,
  count: number,
  classes: number,
): {
  classEntropy: number;
  sampleEntropy: number;
} {
  if (!(count >= 1) || probabilities.length !== count * classes) {
    throw new RangeError(
      `label entropy: expected ${count} x ${classes} probabilities, got ${probabilities.length}`,
    );
  }
  const plogp = (p: number) => (p > 0 ? p * Math.log(p) : 0);
  const marginal = new Float64Array(classes);
  let sampleEntropy = 0;
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < classes; k++) {
      const p = probabilities[r * classes + k];
      marginal[k] += p / count;
      sampleEntropy -= plogp(p) / count;
    }
  }
  let classEntropy = 0;
  for (const p of marginal) classEntropy -= plogp(p);
  return { classEntropy, sampleEntropy };
}
