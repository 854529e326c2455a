/**
 * The small MNIST MLP run that the in-process training tests start from: one hidden layer of width 16 on
 * 256 training and 64 evaluation images (at batch size 64, 4 steps per epoch).
 */
import type { ActivationChoice } from '../../src/lab/models/activation-spec.js';
import { type RunConfig, type RunOverrides, resolveRunConfig } from '../../src/lab/train/run.js';

/** The resolved configuration of that run with `activation`; `overrides` replace whole settings. */
export function mnistMlpConfig(activation: ActivationChoice, overrides: RunOverrides = {}): RunConfig {
  return resolveRunConfig('mnist-mlp', activation, {
    batchSize: 64,
    model: { depth: 1, width: 16 },
    data: { limitTrain: 256, limitEval: 64 },
    ...overrides,
  });
}
