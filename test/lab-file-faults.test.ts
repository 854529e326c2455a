/**
 * File faults around checkpoints and resume, with real file systems and real processes: a disk that fills
 * up mid-run (a 2 MiB tmpfs, as root), a read-only runs folder, and a comparison whose run files are cut
 * short one kind each (checkpoint.bin, metrics.jsonl, run.json, summary.json, compare-plan.json) before
 * `report` and a rerun. In every case the message names the file and the cause, no half-written file is
 * left, and the rerun finishes with the results of an uninterrupted comparison.
 * (Atomic writes, torn lines and report marking are unit-tested in test/lab-runs.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readCheckpoint } from '../src/lab/runs/checkpoint.js';
import {
  pauseRunsAt,
  resumeProcesses,
  runCli,
  runCliToSuccess,
  startCli,
  tinyMlpArgs,
} from './fault-helpers.js';
import { mountTmpfs, tempDir } from './helpers/temp-dir.js';
import { metricsWithoutClock, summaryWithoutClock } from './run-files.js';

/** Real processes on a shared machine: generous limits (no test asserts a time). */
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });
const root = tempDir('file-faults');

const half = (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2));
const tempFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('a disk that fills up mid-run', () => {
  // depth 1, width 128: ~102k parameters, a 1.2 MB checkpoint (weights + two Adam moments). The first
  // fits in 2 MiB; replacing it needs room for a second copy, which is not there.
  const args = (runsDir: string, id: string) => [
    'train',
    ...tinyMlpArgs({ epochs: 1, width: 128 }),
    ...['--runs-dir', runsDir, '--run-id', id, '--quiet'],
  ];
  const disk = mountTmpfs(root, 'size=2m');

  it.skipIf(disk === null)(
    'names checkpoint.bin and "no space left", keeps the last checkpoint whole, resumes once there is room',
    async () => {
      const dir = join(disk!, 'run');
      const failed = await runCli(args(disk!, 'run'));
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        `gatelab: cannot write ${join(dir, 'checkpoint.bin')}: no space left on the device (ENOSPC)`,
      );
      expect(tempFiles(dir)).toEqual([]);
      // The checkpoint of step 2 is intact (its checksum verifies).
      expect(readCheckpoint(dir).step).toBe(2);
      expect(spawnSync('mount', ['-o', 'remount,size=16m', disk!]).status).toBe(0);
      const resumed = await runCli(['train', '--resume', dir, '--quiet']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const reference = await runCli(args(join(root, 'roomy'), 'ref'));
      expect(reference.code, reference.stderr).toBe(0);
      expect(metricsWithoutClock(dir)).toEqual(metricsWithoutClock(join(root, 'roomy', 'ref')));
      expect(summaryWithoutClock(dir)).toEqual(summaryWithoutClock(join(root, 'roomy', 'ref')));
    },
  );

  const readOnly = mountTmpfs(root, 'ro,size=64k');
  it.skipIf(readOnly === null)(
    'a read-only runs folder is named as read-only before any run starts',
    async () => {
      const r = await runCli([
        'compare',
        '--task',
        'mnist-mlp',
        '--activations',
        'relu',
        '--seeds',
        '1',
        '--runs-dir',
        join(readOnly!, 'runs'),
        '--id',
        'x',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot create the folder .*runs\/x: the file system is read-only \(EROFS\)/);
      expect(r.stderr).not.toMatch(/started/);
    },
  );
});

describe('a comparison whose run files are cut short', () => {
  const runsDir = join(root, 'cut');
  const compareArgs = (id: string) => [
    'compare',
    ...tinyMlpArgs(),
    ...['--activations', 'relu', '--seeds', '4', '--jobs', '4'],
    ...['--runs-dir', runsDir, '--id', id, '--no-report'],
  ];
  const runs = ['relu-s0', 'relu-s1', 'relu-s2', 'relu-s3'];
  beforeAll(async () => {
    await runCliToSuccess(compareArgs('ref'));
  });

  it('report marks the damaged folders; the rerun restarts or resumes each run and matches', async () => {
    const dir = join(runsDir, 'cut');
    const { child, done } = startCli(compareArgs('cut'));
    // Every run paused mid-way (3 of 16 steps) before the signal, so none can finish first.
    const paused = await pauseRunsAt(
      runs.map((run) => join(dir, run)),
      3,
      child,
    );
    expect(paused).not.toBeNull();
    child.kill('SIGTERM');
    // Give compare a moment to pass the stop on; the runs then see it at their next step boundary.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    resumeProcesses(paused!);
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(143);
    for (const run of runs) expect(existsSync(join(dir, run, 'checkpoint.bin'))).toBe(true);
    // One kind of file cut short in each run, and the comparison's own plan.
    half(join(dir, 'relu-s0', 'checkpoint.bin'));
    half(join(dir, 'relu-s1', 'metrics.jsonl'));
    half(join(dir, 'relu-s2', 'run.json'));
    half(join(dir, 'relu-s3', 'summary.json'));
    half(join(dir, 'compare-plan.json'));

    const report = await runCli(['report', dir, '--out', join(root, 'cut.html')]);
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(root, 'cut.html'), 'utf8');
    expect(html).toContain('Damaged run files');
    expect(html).toMatch(/relu-s3: damaged, left out/);

    const again = await runCli(compareArgs('cut'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/compare-plan\.json: not valid JSON.*rewritten from this command/);
    expect(again.stderr).toMatch(/relu seed 0 starts again: .*checkpoint\.bin: damaged checkpoint/);
    expect(again.stderr).toMatch(/relu seed 1 starts again: .*metrics\.jsonl holds \d+ bytes, fewer than/);
    expect(again.stderr).toMatch(/relu seed 2 starts again: .*run\.json: damaged configuration/);
    for (const run of runs) {
      expect(metricsWithoutClock(join(dir, run))).toEqual(metricsWithoutClock(join(runsDir, 'ref', run)));
      expect(summaryWithoutClock(join(dir, run))).toEqual(summaryWithoutClock(join(runsDir, 'ref', run)));
    }
  });
});
