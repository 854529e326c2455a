/**
 * Batch normalisation (Ioffe & Szegedy 2015, arXiv 1502.03167) over every axis but the last (the
 * channel axis in NHWC, the feature axis for [N, F]).
 */
import { type JaxArray, lax, np } from '../runtime.js';

export type BatchNormParams = { gamma: JaxArray; beta: JaxArray };
/** Running statistics used in evaluation; updated in training, never trained by gradient. */
export type BatchNormState = { mean: JaxArray; var: JaxArray };

export function batchNormInit(channels: number): { params: BatchNormParams; state: BatchNormState } {
  return {
    params: { gamma: np.ones([channels]), beta: np.zeros([channels]) },
    state: { mean: np.zeros([channels]), var: np.ones([channels]) },
  };
}

export interface BatchNormOptions {
  /** Training mode normalises with batch statistics and updates the running ones. */
  train: boolean;
  /** Weight of the new batch statistic in the running average (PyTorch's 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Returns [y, new running state]. Training: batch mean and biased variance normalise; the running
 * variance takes the unbiased batch variance (PyTorch convention). Evaluation: running statistics
 * normalise and the state passes through. Consumes p, state and x.
 */
export function batchNorm(
  p: BatchNormParams,
  state: BatchNormState,
  x: JaxArray,
  options: BatchNormOptions,
): [JaxArray, BatchNormState] {
  const eps = options.eps ?? 1e-5;
  const channels = x.shape[x.ndim - 1];
  if (p.gamma.shape[0] !== channels) {
    throw new Error(`gatelab batchNorm: input has ${channels} channels, layer expects ${p.gamma.shape[0]}`);
  }
  if (!options.train) {
    const scale = np.reciprocal(np.sqrt(state.var.ref.add(eps))).mul(p.gamma);
    const y = x.sub(state.mean.ref).mul(scale).add(p.beta);
    return [y, state];
  }
  const axes = Array.from({ length: x.ndim - 1 }, (_, i) => i);
  const count = x.size / channels;
  const mean = x.ref.mean(axes);
  const centred = x.sub(mean.ref);
  const variance = np.square(centred.ref).mean(axes);
  const y = centred
    .mul(np.reciprocal(np.sqrt(variance.ref.add(eps))))
    .mul(p.gamma)
    .add(p.beta);
  const momentum = options.momentum ?? 0.1;
  const unbiased = lax.stopGradient(variance).mul(count > 1 ? count / (count - 1) : 1);
  const newState: BatchNormState = {
    mean: state.mean.mul(1 - momentum).add(lax.stopGradient(mean).mul(momentum)),
    var: state.var.mul(1 - momentum).add(unbiased.mul(momentum)),
  };
  return [y, newState];
}
