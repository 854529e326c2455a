/**
 * Sweeps end to end with real trials (a tiny MLP, 32 steps each): the local pool and its merge, a
 * `sweep run` SIGKILLed at seeded random points (with its trial process, or alone) rerun to identical
 * results, two workers on the same trial, retries of a failing
 * trial, and a real single-node Slurm (scripts/slurm-local.sh): `sweep submit --slurm` (job array +
 * afterany merge job) gives results bit-identical to `sweep run`; a trial whose array task is cancelled
 * mid-run is the only one a resubmission runs again.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHtml } from 'parse5';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { processesMentioning, stepsWritten } from './fault-helpers.js';
import { MAIN_TS, runCliSync } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir('sweep-exec');

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => runCliSync(args, 400_000, env);

const sweepFile = join(root, 'tiny.yaml');
writeFileSync(
  sweepFile,
  `# 3 activations x 2 seeds, 2 epochs of 16 steps on 1024 digits
name: tiny
task: mnist-mlp
fixed: { epochs: 2, batch-size: 64, model.depth: 1, model.width: 32, limit-train: 1024, limit-eval: 256 }
grid:
  activation: [relu, gelu, "golu:gamma=2"]
seeds: 2
`,
);
const TRIALS = 6;
const STEPS_PER_TRIAL = 32;

const results = (dir: string) => readFileSync(join(dir, 'merged', 'results.json'), 'utf8');
const resultFiles = (dir: string) =>
  readdirSync(join(dir, 'trials')).filter((id) => existsSync(join(dir, 'trials', id, 'result.json')));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 300_000,
  everyMs = 250,
): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const reference = join(root, 'reference');
let referenceResults = '';

describe('sweep run on the local pool', () => {
  beforeAll(() => {
    const run = cli(['sweep', 'run', sweepFile, '--out', reference, '--jobs', '2']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`sweep tiny: ${TRIALS} trials finished, 0 failed`);
    expect(run.stderr).toMatch(/sweep tiny: 0 done, 0 running, 0 failed, 6 pending/);
    expect(run.stderr).toMatch(/sweep tiny: 6 done, 0 running, 0 failed, 0 pending, ETA/);
    const merge = cli(['sweep', 'merge', reference]);
    expect(merge.status, merge.stderr).toBe(0);
    referenceResults = results(reference);
  }, 600_000);

  it('runs every trial once, merges cells, best settings, a figure and the report', () => {
    const merged = JSON.parse(referenceResults);
    expect(merged.finished).toBe(TRIALS);
    expect(merged.cells.map((c: { axes: { activation: string } }) => c.axes.activation)).toEqual([
      'relu',
      'gelu',
      'golu(gamma=2)',
    ]);
    for (const cell of merged.cells) {
      expect(cell.completed).toBe(2);
      expect(cell.value.n).toBe(2);
      expect(cell.value.mean).toBeGreaterThan(0.3); // learned something in 32 steps
      expect(cell.value.sem).toBeCloseTo(cell.value.std / Math.SQRT2, 12);
    }
    const table = readFileSync(join(reference, 'merged', 'table.txt'), 'utf8');
    expect(table).toContain('sweep tiny: 6 of 6 trials finished');
    expect(table).toMatch(/golu\(gamma=2\)\s+\d+\.\d\d ± \d+\.\d\d\s+\d+\.\d\d\s+2\/2\s+0\s+0/);
    const svg = readFileSync(join(reference, 'merged', 'bars.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('golu(gamma=2)');
    const html = readFileSync(join(reference, 'merged', 'report.html'), 'utf8');
    expect(parseHtml(html).childNodes.length).toBeGreaterThan(0);
    expect(html).toContain('6 of 6 trials finished');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const status = JSON.parse(cli(['sweep', 'status', reference, '--json']).stdout);
    expect(status.counts).toEqual({ done: 6, running: 0, failed: 0, interrupted: 0, pending: 0 });
    // A rerun finds nothing to do.
    const again = cli(['sweep', 'run', reference]);
    expect(again.stdout).toContain('6 trials finished, 0 failed');
  });

  it('merge is deterministic', () => {
    const files = ['results.json', 'table.txt', 'bars.svg', 'report.html'];
    const before = files.map((f) => readFileSync(join(reference, 'merged', f), 'utf8'));
    expect(cli(['sweep', 'merge', reference]).status).toBe(0);
    expect(files.map((f) => readFileSync(join(reference, 'merged', f), 'utf8'))).toEqual(before);
  });

  // SIGKILL at a point drawn from a seeded generator (the same points every time): after k finished
  // trials, at step s of the next. 'group': the runner and its trial process at once (a killed job, a
  // reboot); 'runner': the pool alone (its trial processes see the IPC channel close, checkpoint and stop).
  const rng = createRng(20261202);
  it.each(['group', 'runner'] as const)(
    'a sweep run SIGKILLed (%s) at a random point merges partially, and its rerun gives identical results',
    async (what) => {
      const finishedBefore = rng.int(TRIALS - 1);
      const atStep = 1 + rng.int(20);
      const dir = join(root, `killed-${what}`);
      const runner = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN_TS, 'sweep', 'run', sweepFile, '--out', dir, '--jobs', '1'],
        { detached: true, stdio: 'ignore' },
      );
      const inFlight = () =>
        readdirSync(join(dir, 'trials')).find(
          (id) =>
            !existsSync(join(dir, 'trials', id, 'result.json')) &&
            stepsWritten(join(dir, 'trials', id, 'run')) >= atStep,
        );
      await waitFor(
        `${finishedBefore} finished trials and step ${atStep} of the next`,
        () =>
          existsSync(join(dir, 'trials')) &&
          resultFiles(dir).length >= finishedBefore &&
          inFlight() !== undefined,
        300_000,
        5,
      );
      // The trial is paused (SIGSTOP) while its runner dies: a tiny trial takes its last steps in well
      // under the time a loaded machine needs to poll, so without the pause it could finish (a finished
      // trial is published, not interrupted) before the kill, and the test would not test the kill.
      const trialProcesses = processesMentioning(`${dir} --index `);
      expect(trialProcesses, 'the trial process of a --jobs 1 sweep').toHaveLength(1);
      for (const pid of trialProcesses) process.kill(pid, 'SIGSTOP');
      const pausedTrial = inFlight();
      expect(pausedTrial, 'the trial paused before its last step').toBeDefined();
      expect(stepsWritten(join(dir, 'trials', pausedTrial!, 'run'))).toBeLessThan(STEPS_PER_TRIAL);
      if (what === 'group') process.kill(-runner.pid!, 'SIGKILL');
      else runner.kill('SIGKILL');
      await new Promise((done) => runner.on('close', done));
      for (const pid of trialProcesses) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // killed with its group
        }
      }
      // No process of the sweep is left (the orphaned trial stops at its next step boundary).
      await waitFor('the trial processes to end', () => processesMentioning(dir).length === 0, 120_000);
      const finished = resultFiles(dir).length;
      expect(finished).toBeGreaterThanOrEqual(finishedBefore);
      expect(finished).toBeLessThan(TRIALS);
      const status = JSON.parse(cli(['sweep', 'status', dir, '--json']).stdout);
      expect(status.counts.interrupted).toBeGreaterThanOrEqual(1);
      expect(status.counts.running).toBe(0); // the dead worker's lock is not a live holder
      const partial = cli(['sweep', 'merge', dir]);
      expect(partial.status).toBe(0);
      const merged = JSON.parse(results(dir));
      expect(merged.finished).toBe(finished);
      expect(merged.rows.filter((r: { status: string }) => r.status === 'missing').length).toBe(
        TRIALS - finished,
      );
      expect(readFileSync(join(dir, 'merged', 'table.txt'), 'utf8')).toContain(
        `${finished} of 6 trials finished`,
      );

      const rerun = cli(['sweep', 'run', dir, '--jobs', '2']);
      expect(rerun.status, rerun.stderr).toBe(0);
      expect(cli(['sweep', 'merge', dir]).status).toBe(0);
      expect(results(dir)).toBe(referenceResults);
    },
    600_000,
  );

  it('two workers started on the same trial: one runs it, the other leaves it, the result is intact', async () => {
    const dir = join(root, 'twins');
    const start = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [
          '--import',
          'tsx',
          MAIN_TS,
          'sweep',
          'run',
          sweepFile,
          '--out',
          dir,
          '--index',
          '4',
        ]);
        let stderr = '';
        child.stderr.on('data', (c) => {
          stderr += c;
        });
        child.on('close', (code) => done({ code, stderr }));
      });
    const [a, b] = await Promise.all([start(), start()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const messages = [a.stderr, b.stderr].join('\n');
    expect(messages).toMatch(/trial 4 \([0-9a-f]{16}\) completed/);
    // The second worker either found it locked or (if it came after) finished.
    expect(messages).toMatch(
      /being run by another worker \(pid \d+ on .+\)|is already finished \(completed\)/,
    );
    const id = resultFiles(dir)[0];
    const mine = JSON.parse(readFileSync(join(dir, 'trials', id, 'result.json'), 'utf8'));
    const theirs = JSON.parse(readFileSync(join(reference, 'trials', id, 'result.json'), 'utf8'));
    expect(mine.summary.test).toEqual(theirs.summary.test);
    expect(mine.summary.history).toEqual(theirs.summary.history);
    expect(readdirSync(join(dir, 'trials', id)).sort()).toEqual(['result.json', 'run', 'run.json']);
    // The trial is exactly the run `gatelab train --config run.json` makes.
    const train = cli([
      'train',
      '--config',
      join(dir, 'trials', id, 'run.json'),
      '--runs-dir',
      join(root, 'train'),
      '--json',
    ]);
    expect(train.status, train.stderr).toBe(0);
    const summary = JSON.parse(train.stdout);
    expect(summary.test).toEqual(mine.summary.test);
    expect(summary.history).toEqual(mine.summary.history);
  }, 300_000);

  it('a failing trial is retried --retries times, recorded, and reported by status', () => {
    const file = join(root, 'failing.yaml');
    writeFileSync(
      file,
      `name: failing\ntask: mnist-mlp\nfixed: { data: ${join(root, 'no-such-data')}, max-steps: 2 }\n`,
    );
    const dir = join(root, 'failing');
    const run = cli(['sweep', 'run', file, '--out', dir, '--retries', '1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/trial 0 \([0-9a-f]{16}\) failed \(attempt 1\): .*no-such-data.*; retrying/);
    expect(run.stderr).toMatch(/trial 0 \([0-9a-f]{16}\) failed after 2 attempt\(s\)/);
    const status = cli(['sweep', 'status', dir]);
    expect(status.stdout).toMatch(/1 trials: 0 done, 0 running, 1 failed/);
    expect(status.stdout).toMatch(/failed after 2 attempt\(s\): .*no-such-data/);
  }, 300_000);
});

function slurmAvailable(): { ok: boolean; reason: string } {
  for (const tool of ['sbatch', 'squeue', 'scancel', 'slurmctld', 'slurmd', 'munged']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
    if (!found)
      return { ok: false, reason: `'${tool}' is not installed (apt-get install -y slurm-wlm munge)` };
  }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the local Slurm cluster needs root' };
  return { ok: true, reason: '' };
}

const slurm = slurmAvailable();
if (!slurm.ok) console.log(`Slurm tests skipped: ${slurm.reason}`);

describe.skipIf(!slurm.ok)('sweep submit --slurm on a real single-node Slurm', () => {
  const env = { ...process.env };
  beforeAll(() => {
    const up = spawnSync('scripts/slurm-local.sh', ['up'], { encoding: 'utf8' });
    expect(up.status, up.stderr).toBe(0);
    env.SLURM_CONF = up.stdout.match(/export SLURM_CONF=(\S+)/)![1];
  });

  const squeueEmpty = (jobs: string[]) =>
    execFileSync('squeue', ['-h', '-j', jobs.join(','), '-o', '%i'], { encoding: 'utf8', env }).trim() === '';
  const submit = (args: string[]) => {
    const out = cli(['sweep', 'submit', ...args, '--slurm'], env);
    expect(out.status, out.stderr).toBe(0);
    const arrayJob = out.stdout.match(/array job: (\d+)/)![1];
    const mergeJob = out.stdout.match(/merge job: (\d+)/)![1];
    return { arrayJob, mergeJob, stdout: out.stdout };
  };

  it('the job array and its afterany merge job give results bit-identical to sweep run', async () => {
    const dir = join(root, 'slurm');
    const dry = cli(['sweep', 'submit', sweepFile, '--slurm', '--out', dir, '--dry-run'], env);
    expect(dry.stdout).toContain('#SBATCH --array=0-5');
    expect(existsSync(dir)).toBe(false); // a dry run writes nothing
    const { arrayJob, mergeJob, stdout } = submit([sweepFile, '--out', dir]);
    expect(stdout).toContain('submitted 6 of 6 trials');
    await waitFor('the array and the merge job', () => squeueEmpty([arrayJob, mergeJob]));
    expect(results(dir)).toBe(referenceResults);
    const logs = readdirSync(join(dir, 'logs'));
    for (let i = 0; i < TRIALS; i++) expect(logs).toContain(`trial-${i}-job-${arrayJob}.out`);
    expect(logs).toContain(`merge-job-${mergeJob}.out`);
  }, 600_000);

  it('a trial whose array task is cancelled mid-run is the only one a resubmission runs again', async () => {
    const dir = join(root, 'slurm-cancel');
    const { arrayJob, mergeJob } = submit([sweepFile, '--out', dir, '--max-parallel', '1']);
    const victim = 2;
    const plan = () => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    await waitFor('trial 2 to train', () => {
      const id = plan().trials[victim].id;
      return existsSync(join(dir, 'trials', id, 'run', 'metrics.jsonl'));
    });
    execFileSync('scancel', [`${arrayJob}_${victim}`], { env });
    await waitFor('the array and the merge job', () => squeueEmpty([arrayJob, mergeJob]));
    const status = JSON.parse(cli(['sweep', 'status', dir, '--json'], env).stdout);
    const unfinished = status.trials.filter((t: { state: string }) => t.state !== 'done');
    expect(unfinished.map((t: { index: number }) => t.index)).toEqual([victim]);
    expect(unfinished[0].state).toBe('interrupted');
    expect(JSON.parse(results(dir)).finished).toBe(5); // the merge job merged what had finished
    const mtimes = () =>
      plan()
        .trials.filter((t: { index: number }) => t.index !== victim)
        .map((t: { id: string }) => statSync(join(dir, 'trials', t.id, 'result.json')).mtimeMs);
    const before = mtimes();

    const again = submit([dir]);
    expect(again.stdout).toContain('submitted 1 of 6 trials');
    expect(readFileSync(join(dir, 'slurm', 'array.sbatch'), 'utf8')).toContain(`#SBATCH --array=${victim}\n`);
    await waitFor('the resubmitted array and merge job', () => squeueEmpty([again.arrayJob, again.mergeJob]));
    expect(mtimes()).toEqual(before); // the other trials did not run again
    expect(results(dir)).toBe(referenceResults);
  }, 600_000);
});
