/**
 * The run-folder module: atomic writes that name the file and the real cause on a full or read-only
 * file system (real tmpfs mounts where this process may mount them), torn metrics lines, damaged run
 * folders in reports, and a comparison whose table survives a failed write.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompare } from '../src/lab/compare/runner.js';
import { writeRunsReport } from '../src/lab/report/write.js';
import {
  appendJsonLine,
  FileWriteError,
  makeFolder,
  readJsonLines,
  toJsonText,
  toNumber,
  writeJsonFile,
} from '../src/lab/runs/files.js';
import { loadRun, loadRuns } from '../src/lab/runs/read.js';
import { RunDirectory } from '../src/lab/runs/run-folder.js';
import { readWeights, writeWeights } from '../src/lab/runs/weights.js';
import { mountTmpfs, tempDir } from './helpers/temp-dir.js';

const root = tempDir('runs');

const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (!hasStrace) console.log('skipping the fsync-order check: strace is not installed');

const full = mountTmpfs(root, 'size=64k');
const readOnly = mountTmpfs(root, 'ro,size=64k');

describe('atomic writes and their errors', () => {
  it.skipIf(full === null)(
    'a full disk: the error names the file and "no space left", no half file remains',
    () => {
      const file = join(full!, 'big.json');
      const big = { values: Array.from({ length: 40_000 }, (_, i) => i) };
      expect(() => writeJsonFile(file, big)).toThrow(
        new RegExp(`cannot write ${file}: no space left on the device \\(ENOSPC\\)`),
      );
      expect(readdirSync(full!)).toEqual([]);
      // An earlier good version of the file survives a failed rewrite.
      writeJsonFile(file, { ok: true });
      expect(() => writeJsonFile(file, big)).toThrow(FileWriteError);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ok: true });
      expect(readdirSync(full!)).toEqual(['big.json']);
      rmSync(file);
    },
  );

  it.skipIf(full === null)(
    '--save-weights on a full disk: weights.bin is named, no truncated weights.bin and no manifest remain',
    () => {
      const dir = mkdtempSync(join(full!, 'w-'));
      const values = new Float32Array(40_000).fill(0.5); // 160 kB on a 64 kB file system
      expect(() => writeWeights(dir, [{ name: 'w', shape: [200, 200], values }], [])).toThrow(
        `cannot write ${join(dir, 'weights.bin')}: no space left on the device (ENOSPC)`,
      );
      expect(readdirSync(dir)).toEqual([]);
      // A smaller save fits and reads back whole.
      writeWeights(dir, [{ name: 'w', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }], []);
      expect(Array.from(readWeights(dir).params[0])).toEqual([1, 2, 3, 4]);
      rmSync(dir, { recursive: true });
    },
  );

  it.skipIf(readOnly === null)('a read-only mount is reported as read-only, not as a missing folder', () => {
    expect(() => makeFolder(join(readOnly!, 'runs', 'x'))).toThrow(
      /cannot create the folder .*runs\/x: the file system is read-only \(EROFS\)/,
    );
    expect(() => writeJsonFile(join(readOnly!, 'a.json'), {})).toThrow(
      /a\.json: the file system is read-only/,
    );
    expect(() => new RunDirectory(join(readOnly!, 'runs'), 'r')).toThrow(/read-only \(EROFS\)/);
  });

  it.skipIf(!hasStrace)(
    'flushes the file, renames it, then flushes the folder (strace of a real write)',
    () => {
      const dir = mkdtempSync(join(root, 'sync-'));
      const file = join(dir, 'a.json');
      const script = `import { writeJsonFile } from './src/lab/runs/files.ts'; writeJsonFile(${JSON.stringify(file)}, { ok: 1 });`;
      const traced = spawnSync(
        'strace',
        [
          '-f',
          '-e',
          'trace=openat,fsync,rename,renameat,renameat2',
          process.execPath,
          '--import',
          'tsx',
          '-e',
          script,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(traced.status, traced.stderr).toBe(0);
      const lines = traced.stderr.split('\n');
      const renamed = lines.findIndex((l) => /rename/.test(l) && l.includes(`"${file}"`) && /= 0$/.test(l));
      expect(renamed, 'the rename onto a.json').toBeGreaterThan(0);
      const tempFd = lines
        .slice(0, renamed)
        .map((l) => /openat\(.*"[^"]*\.a\.json\.[^"]*\.tmp".* = (\d+)$/.exec(l)?.[1])
        .find((fd) => fd !== undefined);
      expect(lines.slice(0, renamed).some((l) => l.includes(`fsync(${tempFd})`))).toBe(true);
      const after = lines.slice(renamed);
      const folderFd = after
        .map((l) => new RegExp(`openat\\(.*"${dir}".* = (\\d+)$`).exec(l)?.[1])
        .find(Boolean);
      expect(folderFd, 'the folder opened after the rename').toBeDefined();
      expect(after.some((l) => l.includes(`fsync(${folderFd})`))).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ok: 1 });
    },
  );

  it('a path through a file: the write error names the file and the cause, not the cleanup', () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, '');
    const file = join(blocker, 'x.json');
    expect(() => writeJsonFile(file, {})).toThrow(
      `cannot write ${file}: a part of the path is a file, not a folder (ENOTDIR)`,
    );
  });

  it('names permission errors and keeps unknown causes', () => {
    expect(
      new FileWriteError('/x/y.json', Object.assign(new Error('EACCES: ...'), { code: 'EACCES' })).message,
    ).toBe('cannot write /x/y.json: permission denied (EACCES)');
    expect(new FileWriteError('/x/y.json', new Error('odd')).message).toBe('cannot write /x/y.json: odd');
  });

  it('one JSON encoding of non-finite numbers, read back by toNumber', () => {
    const text = toJsonText({ a: Number.NaN, b: [Number.POSITIVE_INFINITY, -Infinity, 1.5] });
    expect(text).toBe('{"a":"NaN","b":["Infinity","-Infinity",1.5]}');
    const back = JSON.parse(text);
    expect([back.a, ...back.b].map(toNumber)).toEqual([Number.NaN, Infinity, -Infinity, 1.5]);
  });
});

describe('metrics.jsonl', () => {
  it('appends whole lines; a torn last line is skipped and reported, others are damage', () => {
    const file = join(root, 'metrics.jsonl');
    appendJsonLine(file, { kind: 'step', step: 1, loss: Number.NaN });
    appendJsonLine(file, { kind: 'step', step: 2, loss: 0.5 });
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"kind":"step","st`);
    const { records, tornLine } = readJsonLines(file);
    expect(records.map((r) => r.step)).toEqual([1, 2]);
    expect(records[0].loss).toBe('NaN');
    expect(tornLine).toBe(`${file}: the last line (3) is incomplete and was skipped`);
    writeFileSync(file, '{"kind":"step"}\n{"kind"\n{"kind":"step"}\n');
    expect(() => readJsonLines(file)).toThrow(/metrics\.jsonl: line 2 is not valid JSON/);
  });
});

/** A finished run folder written through the run-folder module. */
function fakeRun(dir: string, activation: string, accuracy: number): string {
  const run = new RunDirectory(dir, `${activation}-s0`);
  run.writeConfig({
    task: 'mnist-mlp',
    activation: { name: activation },
    seed: 0,
    lr: 0.01,
    epochs: 1,
    batchSize: 8,
  });
  run.appendMetric({ kind: 'step', step: 1, epoch: 1, loss: 1, lr: 0.01 });
  run.appendMetric({ kind: 'eval', step: 1, epoch: 1, split: 'test', loss: 0.5, accuracy });
  run.writeSummary({
    status: 'completed',
    activation: { name: activation, params: {}, label: activation },
    test: { loss: 0.5, accuracy, count: 10 },
    val: { loss: 0.5, accuracy, count: 10 },
    timing: { msPerStep: 3 },
  });
  return run.dir;
}

describe('damaged run folders', () => {
  it('report marks a damaged run folder and renders the rest', async () => {
    const dir = join(root, 'damaged');
    const good = fakeRun(dir, 'relu', 0.8);
    const bad = fakeRun(dir, 'golu', 0.9);
    writeFileSync(join(bad, 'summary.json'), '{"status": "comp');
    writeFileSync(
      join(good, 'metrics.jsonl'),
      `${readFileSync(join(good, 'metrics.jsonl'), 'utf8')}{"kind":`,
    );
    const { runs, damaged } = loadRuns([good, bad]);
    expect(runs.map((r) => r.id)).toEqual(['relu-s0']);
    expect(runs[0].warnings[0]).toMatch(/metrics\.jsonl: the last line \(3\) is incomplete/);
    expect(damaged).toHaveLength(1);
    expect(damaged[0].problem).toMatch(/golu-s0\/summary\.json: not valid JSON/);
    expect(() => loadRun(bad)).toThrow(/summary\.json: not valid JSON/);
    const { file, damaged: left } = await writeRunsReport([dir], join(root, 'damaged.html'));
    expect(left).toHaveLength(1);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Damaged run files');
    expect(html).toMatch(/golu-s0: damaged, left out/);
    expect(html).toContain('relu-s0');
  });
});

describe.skipIf(full === null)('a comparison on a disk that fills up', () => {
  it('still returns and prints the table; the write error names compare.json and the cause', async () => {
    // A stand-in for the pool's `gatelab sweep run DIR --index I`: the real worker (lock, result.json)
    // with a runner that writes a finished summary instead of training; after the second run's result
    // is published it fills the disk, so compare.json is what no longer fits.
    const src = (path: string) => JSON.stringify(resolve('src', path));
    const child = join(root, 'fake-sweep-worker.mts');
    writeFileSync(
      child,
      `import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SweepFolder } from ${src('lab/sweep/folder.js')};
import { runTrial } from ${src('lab/sweep/worker.js')};
const args = process.argv.slice(2);
const folder = new SweepFolder(args[2]);
const trial = folder.trialAt(folder.readPlan(), Number(args[args.indexOf('--index') + 1]));
const outcome = await runTrial(folder, trial, {
  runner: {
    async run(config, runsDir, runId) {
      const runDir = join(runsDir, runId);
      mkdirSync(runDir, { recursive: true });
      const label = config.activation.name;
      const summary = {
        status: 'completed', activation: { name: label, params: {}, label }, seed: config.seed, diverged: null,
        model: 'fake', data: 'fake', paramCount: 1, stepsDone: 1,
        test: { loss: 0.5, accuracy: 0.5 + config.seed / 100, count: 10 }, val: null,
        timing: { msPerStep: 1, totalSeconds: 0.1, stepsPerSecond: 1, firstStepMs: 1 } };
      writeFileSync(join(runDir, 'summary.json'), JSON.stringify(summary));
      return summary;
    },
    async resume() { throw new Error('nothing to resume'); },
  },
});
if (outcome.kind === 'done' && trial.config.seed === 1)
  try { writeFileSync(join(folder.runDir(trial), 'filler'), Buffer.alloc(1 << 20)); } catch {}
process.exitCode = outcome.kind === 'done' ? 0 : 1;
`,
    );
    const runsDir = join(full!, 'runs');
    mkdirSync(runsDir);
    const result = await runCompare({
      task: 'mnist-mlp',
      kind: 'classification',
      activations: [{ name: 'relu' }],
      seeds: [0, 1],
      jobs: 1,
      overrides: { epochs: 1 },
      runsDir,
      id: 'full-disk',
      launcher: [process.execPath, '--import', 'tsx', child],
      details: [],
      progress: 'none',
    });
    expect(result.outcomes.every((o) => o.summary !== null)).toBe(true);
    expect(result.table).toMatch(/relu\s+50\.50 ± 0\.71/);
    expect(result.writeError).toMatch(
      /cannot write .*full-disk\/compare\.json: no space left on the device \(ENOSPC\)/,
    );
    expect(existsSync(join(runsDir, 'full-disk', 'compare.json'))).toBe(false);
    // The run folders, compare-plan.json, and the sweep engine's plan.json and trials/ (lock, result.json).
    expect(readdirSync(join(runsDir, 'full-disk')).sort()).toEqual([
      'compare-plan.json',
      'plan.json',
      'relu-s0',
      'relu-s1',
      'trials',
    ]);
  });
});
