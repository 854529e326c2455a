/**
 * Multi-threaded WebAssembly (`--threads N`): jax-js's worker pool over the node:worker_threads
 * stand-in gives the same results as one thread within float32 tolerance, in process and through the
 * CLI, and its workers never keep the process alive (the CLI child exits by itself). Whether it is
 * faster is for `npm run bench:train -- --threads N` on a machine with real cores.
 */
import '../src/lab/devices/install-wasm-threads.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { get } from '../src/adapters/jax/index.js';
import { startedWasmThreads } from '../src/lab/devices/wasm-threads.js';
import { initLabRuntime, jit, np, readArray, readNumber } from '../src/lab/runtime.js';
import { tempDir } from './helpers/temp-dir.js';

const cores = availableParallelism();
const multiCore = cores >= 2;
if (!multiCore) console.log(`thread tests skipped: this machine has ${cores} core (need 2 for 2 threads)`);

const runsDir = tempDir('threads');

/** Float32 results of the same kernels on more threads: split differently, rounded the same. */
const RELATIVE_TOLERANCE = 1e-5;

describe('wasm worker threads in process', () => {
  beforeAll(async () => {
    if (multiCore) await initLabRuntime({ device: 'wasm', threads: 2 });
  });

  it.skipIf(!multiCore)('a jitted layer on 2 threads equals the main-thread result', async () => {
    const n = 256;
    const data = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.37));
    const golu = get('golu', {}, { form: 'first-order' });
    const layer = jit((x: np.Array) => golu(np.matmul(x.ref, x).mul(0.05)));
    const sync = layer(np.array(data, { shape: [n, n] })).dataSync() as Float32Array;
    const pooled = await readArray(layer(np.array(data, { shape: [n, n] })));
    expect(startedWasmThreads()).toBe(2);
    let worst = 0;
    for (let i = 0; i < sync.length; i++)
      worst = Math.max(worst, Math.abs(pooled[i] - sync[i]) / (Math.abs(sync[i]) + 1e-6));
    expect(worst).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    expect(await readNumber(np.array(new Float32Array([3.5])).mul(2))).toBe(7);
    layer.dispose();
  });

  it.skipIf(!multiCore)('a running runtime refuses another thread count, naming both', async () => {
    await expect(initLabRuntime({ device: 'wasm', threads: 1 })).rejects.toThrow(
      'the lab already runs on wasm, 2 threads; it cannot switch to device wasm with 1 threads in the same process',
    );
  });
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    encoding: 'utf8',
    timeout: 300_000,
  });

describe('--threads through the CLI', () => {
  const tiny = ['--task', 'mnist-mlp', '--device', 'wasm', '--max-steps', '4', '--limit-train', '256'];
  tiny.push('--limit-eval', '64', '--eval-batch-size', '64', '--batch-size', '64', '--runs-dir', runsDir);

  it.skipIf(!multiCore)(
    'train --threads 2 matches --threads 1, records the thread count, and the process exits by itself',
    () => {
      const losses: number[] = [];
      for (const threads of [1, 2]) {
        const out = cli([
          'train',
          ...tiny,
          '--threads',
          String(threads),
          '--run-id',
          `t${threads}`,
          '--json',
        ]);
        // A worker that kept the process alive would run into the timeout (status null).
        expect(out.status, out.stderr).toBe(0);
        const summary = JSON.parse(readFileSync(join(runsDir, `t${threads}`, 'summary.json'), 'utf8'));
        expect(summary.runtime).toMatchObject({ device: 'wasm', threads });
        losses.push(summary.test.loss);
      }
      expect(Math.abs(losses[1] - losses[0])).toBeLessThanOrEqual(RELATIVE_TOLERANCE * Math.abs(losses[0]));
    },
    600_000,
  );

  it('--threads beyond the cores is an error naming the limit', () => {
    const out = cli(['train', ...tiny, '--threads', String(cores + 1)]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      `gatelab: threads must be at most ${cores} (this machine's cores), got ${cores + 1}`,
    );
  });
});
