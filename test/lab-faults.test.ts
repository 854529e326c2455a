/**
 * Fault tests with real processes and real signals: SIGKILL, SIGTERM and SIGINT sent to `train` and to
 * `compare` at steps drawn from a seeded generator (the same steps every time), then: no process of the
 * run is left, the same command resumes and finishes, and every metrics line, the final weights and the
 * table's numbers equal an uninterrupted run's. Wall-clock fields are left out of the comparison
 * (`msPerStep` of step lines and of the table, `timing`/`startedAt`/`finishedAt` of summaries).
 * Also: a child killed by a signal is reported by name, the same --id with another configuration is
 * refused, --rebuild, and exit statuses (--strict: test/lab-compare.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import {
  processesMentioning,
  runCli,
  runCliToSuccess,
  startCli,
  tinyMlpArgs,
  waitForNoProcesses,
  waitForSteps,
} from './fault-helpers.js';
import { tempDir } from './helpers/temp-dir.js';
import { metricsWithoutClock, summaryWithoutClock } from './run-files.js';

const linux = process.platform === 'linux';
if (!linux) console.log('fault tests skipped: they read processes from /proc (Linux only)');

/** Real processes on a shared machine: generous limits (no test asserts a time). */
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });
const root = tempDir('faults');

/** 256 / 32 = 8 steps per epoch, 16 steps; every step is logged; checkpoints every 2 steps. */
const tiny = [...tinyMlpArgs(), '--save-weights'];
const TOTAL_STEPS = 16;
const rng = createRng(20261201);
/** A step in [3, TOTAL_STEPS - 2] from the seeded generator (after the first checkpoint, before the end). */
const randomStep = () => 3 + rng.int(TOTAL_STEPS - 4);

function expectSameRunFiles(reference: string, other: string) {
  expect(metricsWithoutClock(other)).toEqual(metricsWithoutClock(reference));
  expect(readFileSync(join(other, 'weights.bin')).equals(readFileSync(join(reference, 'weights.bin')))).toBe(
    true,
  );
  expect(summaryWithoutClock(other)).toEqual(summaryWithoutClock(reference));
}

describe.skipIf(!linux)('train under signals', () => {
  const runsDir = join(root, 'train');
  let reference = '';
  beforeAll(async () => {
    const r = await runCli(['train', ...tiny, '--runs-dir', runsDir, '--run-id', 'ref', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    reference = join(runsDir, 'ref');
  });

  it.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)(
    '%s at a random step, then --resume: the same run',
    async (signal) => {
      const id = `part-${signal}`;
      const dir = join(runsDir, id);
      const step = randomStep();
      const { child, done } = startCli([
        'train',
        ...tiny,
        '--runs-dir',
        runsDir,
        '--run-id',
        id,
        '--progress',
        'lines',
      ]);
      expect(await waitForSteps(dir, step, child)).toBe(true);
      child.kill(signal);
      const stopped = await done;
      if (signal === 'SIGKILL') {
        expect(stopped.signal).toBe('SIGKILL');
        expect(existsSync(join(dir, 'summary.json'))).toBe(false);
      } else {
        // Stops at a step boundary with a checkpoint and an 'interrupted' summary; says how to resume.
        expect(stopped.code, stopped.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
        const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
        expect(summary.status).toBe('interrupted');
        expect(summary.interrupted.reason).toBe(signal);
        expect(summary.interrupted.step).toBeGreaterThanOrEqual(step);
        expect(stopped.stderr).toContain(`resume with: gatelab train --resume ${dir}`);
      }
      expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(true);
      const resumed = await runCli(['train', '--resume', dir, '--quiet']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expectSameRunFiles(reference, dir);
      expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(false);
    },
  );

  it('--resume refuses options that would change the run, and a finished run', async () => {
    const changed = await runCli(['train', '--resume', reference, '--lr', '0.1']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('cannot be combined with --lr');
    const done = await runCli(['train', '--resume', reference]);
    expect(done.code).toBe(1);
    expect(done.stderr).toContain(
      `${join(reference, 'checkpoint.bin')}: no checkpoint: the run has finished (completed), there is nothing to resume`,
    );
  });
});

describe.skipIf(!linux)('compare under signals', () => {
  const runsDir = join(root, 'compare');
  const compareArgs = (id: string) => [
    'compare',
    ...tiny,
    '--activations',
    'relu,golu',
    '--seeds',
    '1',
    '--jobs',
    '2',
    '--runs-dir',
    runsDir,
    '--id',
    id,
    '--no-report',
  ];
  const runs = ['relu-s0', 'golu-s0'];
  const reference = join(runsDir, 'ref');

  /** compare.json's groups and verdict without the wall-clock ms/step. */
  const results = (dir: string) => {
    const json = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
    return {
      groups: json.groups.map(({ msPerStep: _m, ...g }: Record<string, unknown>) => g),
      verdict: json.verdict,
    };
  };
  const expectSameComparison = (dir: string) => {
    for (const run of runs) expectSameRunFiles(join(reference, run), join(dir, run));
    expect(results(dir)).toEqual(results(reference));
  };

  beforeAll(async () => {
    await runCliToSuccess(compareArgs('ref'));
  });

  it('SIGKILL of compare at a random step: its children stop, the same command resumes it', async () => {
    const dir = join(runsDir, 'killed');
    const { child, done } = startCli(compareArgs('killed'));
    expect(await waitForSteps(join(dir, 'relu-s0'), randomStep(), child)).toBe(true);
    child.kill('SIGKILL');
    await done;
    // The children see the IPC channel close, checkpoint at the next step boundary and exit.
    expect(await waitForNoProcesses(dir, 60_000)).toEqual([]);
    const statuses = runs
      .filter((run) => existsSync(join(dir, run, 'summary.json')))
      .map((run) => JSON.parse(readFileSync(join(dir, run, 'summary.json'), 'utf8')).status);
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(['interrupted', 'completed']).toContain(status);
    const again = await runCli(compareArgs('killed'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming ${dir}`);
    expectSameComparison(dir);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to compare: checkpoints, 130/143, resume message, same results',
    async (signal) => {
      const id = `stopped-${signal}`;
      const dir = join(runsDir, id);
      const { child, done } = startCli(compareArgs(id));
      expect(await waitForSteps(join(dir, 'relu-s0'), randomStep(), child)).toBe(true);
      child.kill(signal);
      const stopped = await done;
      expect(stopped.code, stopped.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(stopped.stderr).toMatch(
        new RegExp(`interrupted \\(${signal}\\); resume with: gatelab compare .*--id ${id}`),
      );
      expect(processesMentioning(dir)).toEqual([]);
      const partial = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
      expect(partial.status).toBe('interrupted');
      expect(partial.interruptedBy).toBe(signal);
      const relu = JSON.parse(readFileSync(join(dir, 'relu-s0', 'summary.json'), 'utf8'));
      expect(['interrupted', 'completed']).toContain(relu.status);
      const again = await runCli(compareArgs(id));
      expect(again.code, again.stderr).toBe(0);
      expectSameComparison(dir);
    },
  );

  it('a child killed by SIGKILL is reported with the signal and its stderr; rerun resumes it', async () => {
    const dir = join(runsDir, 'child-killed');
    const { child, done } = startCli(compareArgs('child-killed'));
    expect(await waitForSteps(join(dir, 'golu-s0'), randomStep(), child)).toBe(true);
    // The run's process: the sweep engine's worker of its trial (`gatelab sweep run DIR --index I`).
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    const golu = plan.trials.find((t: { folder?: string }) => t.folder === 'golu-s0');
    const [pid] = processesMentioning(`${dir} --index ${golu.index} `);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const first = await done;
    expect(first.code).toBe(1);
    const outcome = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')).outcomes.find(
      (o: { label: string }) => o.label === 'golu',
    );
    expect(outcome.error).toMatch(/^killed by SIGKILL/);
    expect(first.stderr).toContain('golu seed 0: FAILED: killed by SIGKILL');
    const again = await runCli(compareArgs('child-killed'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('1 runs kept, 1 continue from checkpoints');
    expectSameComparison(dir);
  });

  it('the same --id with another configuration is refused, naming the difference', async () => {
    const args = compareArgs('ref').map((a) => (a === 'width=16' ? 'width=24' : a));
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('model.width: 16 there, 24 now');
    expect(results(reference).groups).toHaveLength(2);
  });

  it('--rebuild writes compare.json, the table and the report from the run folders alone', async () => {
    const copy = join(runsDir, 'rebuilt');
    cpSync(reference, copy, { recursive: true });
    const table = readFileSync(join(copy, 'table.txt'), 'utf8');
    for (const file of ['compare.json', 'table.txt']) rmSync(join(copy, file));
    const r = await runCli(['compare', '--rebuild', 'rebuilt', '--runs-dir', runsDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(results(copy)).toEqual(results(reference));
    const withoutSetup = (t: string) =>
      t
        .split('\n')
        .filter((l) => !/^\s+\d+ runs[ ,]|^\s+runs: /.test(l))
        .join('\n');
    expect(withoutSetup(readFileSync(join(copy, 'table.txt'), 'utf8'))).toBe(withoutSetup(table));
    expect(readFileSync(join(copy, 'table.txt'), 'utf8')).toContain('table rebuilt from the run folders');
    expect(existsSync(join(copy, 'report.html'))).toBe(true);
  });
});

// A real terminal: util-linux `script` runs the command on a pseudo-terminal; a 0x03 byte written to it is a
// Ctrl-C (the terminal sends SIGINT to the foreground process group), as a user's keyboard would.
const hasScript = linux && spawnSync('script', ['--version']).status === 0;
if (linux && !hasScript) console.log('terminal test skipped: util-linux `script` is not installed');

describe.skipIf(!hasScript)('Ctrl-C on a terminal', () => {
  it('stops at a step boundary, shows the cursor again, says how to resume, exits 130', async () => {
    const runsDir = join(root, 'tty');
    const dir = join(runsDir, 'run');
    const command = [
      process.execPath,
      '--import tsx src/cli/main.ts train',
      // 20 epochs: the run is still going when the Ctrl-C comes.
      ...tinyMlpArgs({ epochs: 20 }),
      '--save-weights',
      '--runs-dir',
      runsDir,
      '--run-id run',
    ].join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('latin1').on('data', (c: string) => {
      out += c;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(await waitForSteps(dir, randomStep(), child)).toBe(true);
    child.stdin!.write('\x03');
    const code = await closed;
    child.stdin!.end();
    expect(code).toBe(130);
    // cli-progress hid the cursor (ESC[?25l); it is shown again (ESC[?25h) after the last hide.
    expect(out.lastIndexOf('\x1b[?25h')).toBeGreaterThan(out.lastIndexOf('\x1b[?25l'));
    expect(out.lastIndexOf('\x1b[?25l')).toBeGreaterThanOrEqual(0);
    expect(out).toContain(`resume with: gatelab train --resume ${dir}`);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('interrupted');
    expect(summary.interrupted.reason).toBe('SIGINT');
    expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(true);
  });
});
