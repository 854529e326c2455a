/** Messages between the training panel and its worker. */
import type { MetricKind } from '../../lab/metrics/kinds.js';
import type { ActivationChoice } from '../../lab/models/activation-spec.js';
import type { RunSummary } from '../../lab/train/run.js';
import type { DeviceChoice, PresetName } from '../state.js';

export interface TrainSetup {
  preset: PresetName;
  activations: ActivationChoice[];
  seeds: number[];
  lr: number;
  optimizer: 'adamw' | 'sgd';
  steps: number;
  batchSize: number;
  device: DeviceChoice;
  /** Absolute URL of the data folder (data/ next to the page). */
  dataUrl: string;
  /** Folder name of the comparison in the downloaded zip. */
  compareId: string;
}

export type ToWorker =
  | { type: 'start'; setup: TrainSetup }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

/** The three files of a run folder as text, by their RUN_FILES key (src/lab/runs/run-folder.ts). */
export type RunFiles = Record<'config' | 'metrics' | 'summary', string>;

export interface RunInfo {
  index: number;
  runId: string;
  label: string;
  name: string;
  params: Record<string, number>;
  seed: number;
}

export type FromWorker =
  | {
      type: 'ready';
      device: string;
      started: string[];
      note: string;
      runs: RunInfo[];
      totalSteps: number;
      model: string;
      data: string;
      kind: MetricKind;
    }
  | {
      type: 'step';
      run: number;
      step: number;
      loss: number;
      msPerStep: number;
      stepsPerSecond: number;
      doneSteps: number;
    }
  | { type: 'eval'; run: number; step: number; split: 'val' | 'test'; loss: number; accuracy: number }
  | { type: 'run-done'; run: number; files: RunFiles; summary: RunSummary }
  | { type: 'state'; state: 'running' | 'paused' | 'stopping' }
  | { type: 'done'; wallSeconds: number; stopped: boolean }
  | { type: 'error'; message: string };
