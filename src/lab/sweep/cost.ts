/**
 * What a sweep will cost on this machine, from a short calibration run: for each distinct shape of trial
 * (task, model options, batch size, data options) the first such trial is trained for a few steps; the
 * measured time per step times each trial's step count, plus the run's fixed cost (data, model, compile,
 * the final evaluation), gives its trial-seconds. Per-epoch validation passes beyond the first are not
 * counted, and the activation's own cost is taken from the calibrated one (GoLU's step is ~1.1-1.4x ReLU's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTask, loadTaskData } from '../tasks.js';
import type { RunConfig } from '../train/config.js';
import { runExperiment } from '../train/run.js';
import type { SweepPlan } from './plan.js';

export interface ShapeCost {
  shape: string;
  task: string;
  trials: number;
  calibrated: boolean;
  msPerStep: number;
  fixedSeconds: number;
  steps: number;
  trialSeconds: number;
}

export interface SweepCost {
  calibrationSteps: number;
  shapes: ShapeCost[];
  /** Sum over trials. */
  trialSeconds: number;
}

function shapeOf(c: RunConfig): string {
  return JSON.stringify({ task: c.task, model: c.model, batchSize: c.batchSize, data: c.data });
}

function stepsOf(c: RunConfig, stepsPerEpoch: number): number {
  const all = c.epochs * stepsPerEpoch;
  return c.maxSteps === null ? all : Math.min(all, c.maxSteps);
}

/** Calibrates up to `maxShapes` trial shapes with `steps` training steps each. */
export async function estimateCost(
  plan: SweepPlan,
  options: { steps?: number; maxShapes?: number } = {},
): Promise<SweepCost> {
  const steps = options.steps ?? 8;
  const maxShapes = options.maxShapes ?? 4;
  const shapes = new Map<string, RunConfig[]>();
  for (const t of plan.trials) {
    const key = shapeOf(t.config);
    if (!shapes.has(key)) shapes.set(key, []);
    shapes.get(key)!.push(t.config);
  }
  const stepsPerEpoch = new Map<string, number>();
  const epochSteps = (c: RunConfig) => {
    const key = JSON.stringify({
      task: c.task,
      data: c.data,
      batchSize: c.batchSize,
      block: c.model.blockSize,
    });
    if (!stepsPerEpoch.has(key)) {
      const task = getTask(c.task);
      const blockSize = typeof c.model.blockSize === 'number' ? c.model.blockSize : undefined;
      const data = loadTaskData(task, { ...c.data, blockSize });
      stepsPerEpoch.set(key, data.stepsPerEpoch(c.batchSize));
    }
    return stepsPerEpoch.get(key)!;
  };
  const scratch = mkdtempSync(join(tmpdir(), 'gatelab-sweep-calibrate-'));
  const measured = new Map<string, { msPerStep: number; fixedSeconds: number }>();
  try {
    let n = 0;
    for (const [key, configs] of shapes) {
      if (n >= maxShapes) break;
      n++;
      const config = { ...configs[0], maxSteps: steps, epochs: 1 };
      const t0 = performance.now();
      const summary = await runExperiment(config, {
        runsDir: scratch,
        runId: `shape-${n}`,
        progress: 'none',
      });
      const total = (performance.now() - t0) / 1000;
      const ms = summary.timing.msPerStep;
      measured.set(key, {
        msPerStep: ms,
        fixedSeconds: Math.max(0, total - (summary.stepsDone * ms) / 1000),
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const out: ShapeCost[] = [];
  for (const [key, configs] of shapes) {
    const task = configs[0].task;
    let m = measured.get(key);
    const calibrated = m !== undefined;
    if (!m) {
      const same = [...measured.entries()].filter(([k]) => JSON.parse(k).task === task).map(([, v]) => v);
      const pool = same.length > 0 ? same : [...measured.values()];
      m = {
        msPerStep: pool.reduce((a, v) => a + v.msPerStep, 0) / pool.length,
        fixedSeconds: pool.reduce((a, v) => a + v.fixedSeconds, 0) / pool.length,
      };
    }
    const perTrial = configs.map((c) => m!.fixedSeconds + (stepsOf(c, epochSteps(c)) * m!.msPerStep) / 1000);
    out.push({
      shape: key,
      task,
      trials: configs.length,
      calibrated,
      msPerStep: m.msPerStep,
      fixedSeconds: m.fixedSeconds,
      steps: stepsOf(configs[0], epochSteps(configs[0])),
      trialSeconds: perTrial.reduce((a, b) => a + b, 0),
    });
  }
  return { calibrationSteps: steps, shapes: out, trialSeconds: out.reduce((a, s) => a + s.trialSeconds, 0) };
}
