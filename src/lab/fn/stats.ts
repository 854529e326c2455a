/**
 * `activationStats`: the numbers behind the GoLU paper's variance argument, for any catalog entry —
 * value and slope at 0, the global minimum, the gate as a distribution, and the moments of f(X) and
 * f'(X) under a Gaussian input.
 */
import { activation } from '../../activation.js';
import type { Params } from '../../activations/spec.js';
import { type GateStats, gateStats } from './gate.js';
import { type GaussianMoments, gaussianMoments } from './gaussian.js';
import { type GlobalMinimum, globalMinimum } from './minimize.js';

export interface ActivationStats {
  name: string;
  params: Params;
  /** f(0) */
  valueAtZero: number;
  /** f'(0), with the catalog's kink convention (relu'(0) = 0). */
  slopeAtZero: number;
  minimum: GlobalMinimum;
  gate: GateStats;
  moments: GaussianMoments;
}

export interface ActivationStatsOptions {
  /** Mean of the Gaussian input (default 0). */
  mu?: number;
  /** Standard deviation of the Gaussian input (default 1). */
  sigma?: number;
}

/** Moments of f(X), f'(X) for X ~ N(mu, sigma^2) of a named activation. */
export function activationMoments(
  name: string,
  params: Readonly<Record<string, number>> = {},
  mu = 0,
  sigma = 1,
): GaussianMoments {
  const act = activation(name, params);
  return gaussianMoments(act.value, act.derivative, mu, sigma, {
    // Where f or f' jumps or kinks (relu's 0, relu6's 0 and 6, softplus's threshold / beta).
    breakpoints: act.spec.breakpoints(act.params),
  });
}

/** Every statistic of one activation (by canonical name or alias, with parameters). */
export function activationStats(
  name: string,
  params: Readonly<Record<string, number>> = {},
  options: ActivationStatsOptions = {},
): ActivationStats {
  const act = activation(name, params);
  return {
    name: act.name,
    params: act.params,
    valueAtZero: act.value(0),
    slopeAtZero: act.derivative(0),
    minimum: globalMinimum(act.value),
    gate: gateStats(act.value, act.derivative),
    moments: activationMoments(act.name, act.params, options.mu ?? 0, options.sigma ?? 1),
  };
}
