/**
 * Training diagnostics: what the GoLU paper looks at inside a network while it trains.
 *
 * - Per layer (every `<layer>.preact` / `<layer>.act` pair a model taps): mean and variance of the
 *   pre-activation and of the activation output; the fraction of dead units (units whose gate passes
 *   no gradient, |f'(pre-activation)| < threshold, for every example of the batch: ReLU's dead units,
 *   generalised) and of saturated entries; the norm of the loss gradient with respect to the
 *   activation output (gradient flow).
 * - Per parameter tensor: the norm of the loss gradient.
 * - At the end: a histogram and the spread (std, IQR) of every weight matrix / kernel — the paper's
 *   "more distributed weight pattern".
 *
 * The raw numbers come from the engine's probe (src/lab/train/probe.ts: one extra compiled
 * forward/backward on a training batch every N steps, outside the training step); the statistics are
 * computed here on the host in float64.
 */
import { activation } from '../../activation.js';
import { histogram, meanVariance, type Spread, spread } from '../fn/descriptive.js';
import type { ActivationChoice } from '../models/activation-spec.js';
import type { ArrayTree } from '../runtime.js';
import { namedLeaves, type ProbeResult } from '../train/probe.js';

/** |f'| below this means no gradient passes through the gate. */
export const DEAD_GRADIENT_THRESHOLD = 1e-3;

export interface LayerDiagnostics {
  layer: string;
  /** Units = size of the last axis (features or channels). */
  units: number;
  preMean: number;
  preVariance: number;
  actMean: number;
  actVariance: number;
  /** Share of units with |f'(pre-activation)| < threshold for every example and position. */
  deadUnits: number;
  /** Share of all entries with |f'(pre-activation)| < threshold. */
  saturated: number;
  /** L2 norm of dLoss/d(activation output) over the batch. */
  actGradNorm: number;
}

export interface DiagnosticsSnapshot {
  step: number;
  epoch: number;
  loss: number;
  layers: LayerDiagnostics[];
  /** L2 norm of dLoss/dparam for every parameter tensor, by path (e.g. blocks.0.linear.w). */
  gradNorms: { name: string; norm: number }[];
  totalGradNorm: number;
}

export interface WeightSummary {
  name: string;
  shape: number[];
  spread: Spread;
  histogram: { start: number; end: number; density: number }[];
}

/** diagnostics.json in a run folder. */
export interface DiagnosticsFile {
  version: 1;
  activation: ActivationChoice;
  every: number;
  deadThreshold: number;
  snapshots: DiagnosticsSnapshot[];
  /** Final weights (matrices and kernels; biases and norm scales are left out). */
  weights: WeightSummary[];
}

function l2(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

/**
 * Statistics of one probe (src/lab/train/probe.ts: tapped activations, their gradients and the
 * parameter gradients of one batch) for an activation choice.
 */
export function diagnoseProbe(
  result: ProbeResult,
  choice: ActivationChoice,
  threshold = DEAD_GRADIENT_THRESHOLD,
): Omit<DiagnosticsSnapshot, 'step' | 'epoch'> {
  const derivative = activation(choice.name, choice.params ?? {}).derivative;
  const byName = new Map(result.layers.map((l) => [l.name, l]));
  const layers: LayerDiagnostics[] = [];
  for (const pre of result.layers) {
    if (!pre.name.endsWith('.preact')) continue;
    const layer = pre.name.slice(0, -'.preact'.length);
    const act = byName.get(`${layer}.act`);
    const units = pre.shape[pre.shape.length - 1];
    const preStats = meanVariance(pre.value);
    // A unit is dead on this batch if its gate passes no gradient at any example or position.
    const alive = new Uint8Array(units);
    let saturatedCount = 0;
    for (let i = 0; i < pre.value.length; i++) {
      if (Math.abs(derivative(pre.value[i])) < threshold) saturatedCount++;
      else alive[i % units] = 1;
    }
    const actStats = act ? meanVariance(act.value) : { mean: Number.NaN, variance: Number.NaN };
    layers.push({
      layer,
      units,
      preMean: preStats.mean,
      preVariance: preStats.variance,
      actMean: actStats.mean,
      actVariance: actStats.variance,
      deadUnits: alive.reduce((a, v) => a + (v === 0 ? 1 : 0), 0) / units,
      saturated: saturatedCount / pre.value.length,
      actGradNorm: act ? l2(act.grad) : Number.NaN,
    });
  }
  const gradNorms = result.params.map((p) => ({ name: p.path, norm: l2(p.grad) }));
  const totalGradNorm = Math.sqrt(gradNorms.reduce((a, g) => a + g.norm * g.norm, 0));
  return { loss: result.loss, layers, gradNorms, totalGradNorm };
}

/** Histogram and spread of every weight matrix or kernel (ndim >= 2) of a parameter tree. Not consumed. */
export function summarizeWeights(params: ArrayTree, bins = 60): WeightSummary[] {
  return namedLeaves(params)
    .filter(({ leaf }) => leaf.ndim >= 2)
    .map(({ path, leaf }) => {
      const values = leaf.ref.dataSync() as Float32Array;
      const s = spread(values);
      return {
        name: path,
        shape: [...leaf.shape],
        spread: s,
        histogram: histogram(values, bins, [s.min, s.max]),
      };
    });
}
