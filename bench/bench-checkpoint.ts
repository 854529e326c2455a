/**
 * `npx tsx bench/bench-checkpoint.ts [--task mnist-mlp] [--reps 10] [--dir DIR]`: what one checkpoint costs
 * for a task's default model — its size, and the median wall time of writing checkpoint.bin (host copy
 * excluded; temp file + fsync + rename) and of reading and verifying it back. Compare with the task's
 * ms/step to choose --checkpoint-every. Nothing here asserts a time; it prints what it measured.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adamw } from '../src/lab/optim/adamw.js';
import { type HostTensor, readCheckpoint, writeCheckpoint } from '../src/lab/runs/checkpoint.js';
import { type ArrayTree, initLabRuntime, type JaxArray, tree } from '../src/lab/runtime.js';
import { buildTaskModel, getTask, loadTaskData } from '../src/lab/tasks.js';
import { resolveRunConfig } from '../src/lab/train/config.js';
import { initModel } from '../src/lab/train/trainer.js';

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const taskName = value('task', 'mnist-mlp');
const reps = Number(value('reps', '10'));
const dir = value('dir', '') || mkdtempSync(join(tmpdir(), 'gatelab-bench-checkpoint-'));

function host(t: ArrayTree): HostTensor[] {
  return (tree.leaves(t as never) as JaxArray[]).map((leaf) => ({
    dtype: 'float32',
    shape: [...leaf.shape],
    data: Float32Array.from(leaf.ref.dataSync() as ArrayLike<number>),
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await initLabRuntime();
const config = resolveRunConfig(taskName, { name: 'relu' });
const task = getTask(taskName);
const data = loadTaskData(task, config.data);
const model = buildTaskModel(task, data, config.activation, config.model);
const { params, state } = initModel(model, 0);
const trees = { params: host(params), optState: host(adamw().init(params)), modelState: host(state) };
const snapshot = {
  step: 1,
  epoch: 0,
  batchInEpoch: 1,
  epochsDone: 0,
  totalSteps: 1,
  history: [],
  timing: { firstStepMs: 0, timedMs: 0, timedSteps: 0, evalMs: 0, trainMs: 0 },
  trees,
  metricsBytes: 0,
  extra: {},
  writtenAt: new Date().toISOString(),
};
const writes: number[] = [];
const reads: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  const file = writeCheckpoint(dir, snapshot);
  writes.push(performance.now() - t0);
  const t1 = performance.now();
  readCheckpoint(dir);
  reads.push(performance.now() - t1);
  if (i === reps - 1) {
    const bytes = statSync(file).size;
    process.stdout.write(
      `${taskName} (${model.description}): checkpoint ${(bytes / 1e6).toFixed(2)} MB (parameters, AdamW moments, model state)\n`,
    );
  }
}
process.stdout.write(
  `write (temp + fsync + rename): median ${median(writes).toFixed(1)} ms; read + verify: median ${median(reads).toFixed(1)} ms; ${reps} reps in ${dir}; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
);
if (value('dir', '') === '') rmSync(dir, { recursive: true, force: true });
