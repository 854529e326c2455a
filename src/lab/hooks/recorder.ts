/**
 * Trainer hooks that record diagnostics (diagnostics.json) and save the final weights (weights.json +
 * weights.bin) into the run folder. `gatelab train --diagnostics [every] --save-weights` uses them.
 */
import { join } from 'node:path';
import {
  DEAD_GRADIENT_THRESHOLD,
  type DiagnosticsFile,
  type DiagnosticsSnapshot,
  diagnoseProbe,
  summarizeWeights,
} from '../analysis/diagnostics.js';
import { saveWeights } from '../analysis/weights.js';
import type { TrainingData } from '../data/training-data.js';
import type { ActivationChoice } from '../models/activation-spec.js';
import type { Model } from '../models/types.js';
import { DEFAULT_DIAGNOSTICS_EVERY } from '../options/schema.js';
import { jsonSafe, writeJsonFile } from '../runs/files.js';
import { RUN_FILES } from '../runs/run-folder.js';
import { createProbe } from '../train/probe.js';
import { batchArrays, type TrainHooks } from '../train/trainer.js';

export interface RecorderOptions {
  /** Record diagnostics every this many steps (0 = off). */
  diagnosticsEvery: number;
  /** Save the final weights for `gatelab landscape`. */
  saveWeights: boolean;
}

/** What the run provides once its model, data and folder exist. */
export interface RunContext {
  model: Model;
  data: TrainingData;
  config: { activation: ActivationChoice; seed: number };
  dir: string;
}

/** Builds the hooks for one run. */
export function recorderHooks(options: RecorderOptions, run: RunContext): TrainHooks {
  const snapshots: DiagnosticsSnapshot[] = [];
  const every = options.diagnosticsEvery;
  const probe = every > 0 ? createProbe(run.model) : null;
  const hooks: TrainHooks = {
    // Snapshots so far travel in the checkpoint, so a resumed run's diagnostics.json is complete.
    saveState: () => jsonSafe({ snapshots }),
    restoreState(state) {
      const saved = (state as { snapshots?: DiagnosticsSnapshot[] } | null)?.snapshots;
      if (Array.isArray(saved)) snapshots.push(...saved);
    },
    onFinish({ params, modelState }) {
      probe?.dispose();
      if (every > 0) {
        const file: DiagnosticsFile = {
          version: 1,
          activation: run.config.activation,
          every,
          deadThreshold: DEAD_GRADIENT_THRESHOLD,
          snapshots,
          weights: summarizeWeights(params),
        };
        writeJsonFile(join(run.dir, RUN_FILES.diagnostics), file, true);
      }
      if (options.saveWeights) saveWeights(run.dir, params, modelState);
    },
  };
  if (probe !== null) {
    hooks.diagnosticsEvery = every;
    hooks.onDiagnostics = ({ step, epoch, params, modelState, batch }) => {
      const [x, y] = batchArrays(run.data, batch);
      const result = probe.run(params, modelState, x, y);
      snapshots.push({ step, epoch, ...diagnoseProbe(result, run.config.activation) });
    };
  }
  return hooks;
}

export { DEFAULT_DIAGNOSTICS_EVERY };

/**
 * Recorder options from the CLI flags `--diagnostics [every]` (true or a string) and `--save-weights`;
 * null when neither is set. A bad interval throws an error naming the flag.
 */
export function recorderOptionsFromFlags(
  diagnostics: string | boolean | undefined,
  saveWeightsFlag: boolean | undefined,
): RecorderOptions | null {
  let every = 0;
  if (diagnostics === true) every = DEFAULT_DIAGNOSTICS_EVERY;
  else if (typeof diagnostics === 'string') {
    every = Number(diagnostics);
    if (!(Number.isInteger(every) && every >= 1)) {
      throw new Error(`--diagnostics takes a whole number of steps >= 1, got '${diagnostics}'`);
    }
  }
  if (every === 0 && !saveWeightsFlag) return null;
  return { diagnosticsEvery: every, saveWeights: saveWeightsFlag === true };
}
