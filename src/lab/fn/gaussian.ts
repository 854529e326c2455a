/**
 * Moments of an activation's output and slope when its input is Gaussian, X ~ N(mu, sigma^2):
 * E[f(X)], Var[f(X)], E[f'(X)], E[f'(X)^2]. Each is one adaptive Gauss-Kronrod integral over the
 * whole real line (no truncation) in z = (x - mu) / sigma, split at the activation's kinks. The
 * variance is integrated as E[(f(X) - E f(X))^2] (two passes), not E[f^2] - E[f]^2, which cancels
 * badly when the mean is large.
 */
import { integrate, type QuadratureResult } from './quadrature.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** One estimated expectation with the quadrature's error estimate. */
export interface Estimate {
  value: number;
  /** Absolute error estimate of the quadrature. */
  error: number;
  converged: boolean;
}

export interface GaussianMoments {
  mu: number;
  sigma: number;
  /** E[f(X)] */
  mean: Estimate;
  /** Var[f(X)] */
  variance: Estimate;
  /** E[f'(X)] — the average gain of the activation. */
  meanSlope: Estimate;
  /** E[f'(X)^2] — the factor a layer's backward pass multiplies gradient variance by (He et al. 2015). */
  meanSquaredSlope: Estimate;
}

export interface GaussianMomentOptions {
  /** Points in x where f or f' has a kink or jump (the integration is split there). */
  breakpoints?: readonly number[];
  /** Relative error target (default 1e-12, so 8 significant digits hold with a wide margin). */
  relTol?: number;
  /** Absolute error target (default 1e-13), for moments that vanish by symmetry (tanh's mean). */
  absTol?: number;
}

/** f(x) for real x. */
type RealFunction = (x: number) => number;

/** N(mu, sigma^2) needs a finite mu and a finite sigma > 0. */
function checkNormal(mu: number, sigma: number): void {
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`gaussian moments: sigma must be finite and > 0, got ${sigma}`);
  }
  if (!Number.isFinite(mu)) throw new RangeError(`gaussian moments: mu must be finite, got ${mu}`);
}

/** E[h(X)] for X ~ N(mu, sigma^2). */
export function gaussianExpectation(
  h: RealFunction,
  mu: number,
  sigma: number,
  options: GaussianMomentOptions = {},
): QuadratureResult {
  checkNormal(mu, sigma);
  const integrand = (z: number) => {
    const weight = Math.exp(-0.5 * z * z) * INV_SQRT_2PI;
    // Far out in the tails the weight underflows to 0; skip h there so 0 * Inf never makes a NaN.
    if (weight === 0) return 0;
    return h(mu + sigma * z) * weight;
  };
  // Breakpoints beyond |z| = 38 lie where the weight is below 1e-300: drop them. Kept, they would make a
  // huge finite piece like [0, 3e5] whose first Kronrod rule sees only zeros and stops, missing the bulk.
  const breakpoints = [
    0,
    ...(options.breakpoints ?? []).map((x) => (x - mu) / sigma).filter((z) => Math.abs(z) < 38),
  ];
  return integrate(integrand, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, {
    breakpoints,
    relTol: options.relTol ?? 1e-12,
    absTol: options.absTol ?? 1e-13,
    maxIntervals: 4000,
  });
}

function estimate(r: QuadratureResult): Estimate {
  return { value: r.value, error: r.errorEstimate, converged: r.converged };
}

/** E[f(X)], Var[f(X)], E[f'(X)], E[f'(X)^2] for X ~ N(mu, sigma^2). */
export function gaussianMoments(
  f: RealFunction,
  df: RealFunction,
  mu = 0,
  sigma = 1,
  options: GaussianMomentOptions = {},
): GaussianMoments {
  const expectation = (h: RealFunction) => gaussianExpectation(h, mu, sigma, options);
  // h(x)^2 as d * d.
  const squared = (h: RealFunction) => (x: number) => {
    const d = h(x);
    return d * d;
  };
  const mean = expectation(f);
  const m = mean.value;
  const variance = expectation(squared((x) => f(x) - m));
  const meanSlope = expectation(df);
  const meanSquaredSlope = expectation(squared(df));
  return {
    mu,
    sigma,
    mean: estimate(mean),
    variance: estimate(variance),
    meanSlope: estimate(meanSlope),
    meanSquaredSlope: estimate(meanSquaredSlope),
  };
}
