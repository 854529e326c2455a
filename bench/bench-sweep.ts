/**
 * The sweep engine's own cost, measured (not a timed test):
 *
 * 1. per-trial overhead: from the trial process's start to its first training step, and from its last
 *    step to result.json written (both recorded by the worker in result.json's `engine` field);
 * 2. throughput of the local pool with --jobs 1 and --jobs 2 on the same sweep (trials per minute).
 *
 *   npx tsx bench/bench-sweep.ts [--trials 6] [--steps 32] [--json out.json]
 *
 * It prints the load average before and after, since the numbers move with other work on the machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const trials = Number(arg('trials', '6'));
const steps = Number(arg('steps', '32'));
const jsonOut = process.argv.includes('--json') ? arg('json', '') : '';
if (!(Number.isInteger(trials) && trials >= 2))
  throw new Error(`--trials must be an integer >= 2, got ${trials}`);
if (!(Number.isInteger(steps) && steps >= 2))
  throw new Error(`--steps must be an integer >= 2, got ${steps}`);

const root = mkdtempSync(join(tmpdir(), 'gatelab-bench-sweep-'));
const file = join(root, 'bench.yaml');
// The tiny MLP of the tests: the engine's overhead, not training, should dominate.
writeFileSync(
  file,
  `name: bench
task: mnist-mlp
fixed: { epochs: 1, batch-size: 64, max-steps: ${steps}, model.depth: 1, model.width: 32, limit-train: ${64 * steps}, limit-eval: 256 }
grid:
  activation: [relu, golu]
seeds: ${Math.ceil(trials / 2)}
`,
);
const mainTs = resolve('src/cli/main.ts');
const cli = (args: string[]) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', mainTs, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gatelab ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
};

interface Engine {
  processToFirstStepMs: number;
  firstStepMs: number;
  lastStepToResultMs: number;
}

function engineTimes(dir: string): Engine[] {
  return readdirSync(join(dir, 'trials')).map((id) => {
    const r = JSON.parse(readFileSync(join(dir, 'trials', id, 'result.json'), 'utf8'));
    return { ...r.engine, firstStepMs: r.summary.timing.firstStepMs } as Engine;
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load0 = loadavg();
try {
  const walls: Record<number, number> = {};
  let engine: Engine[] = [];
  for (const jobs of [1, 2]) {
    const out = join(root, `jobs-${jobs}`);
    walls[jobs] = cli(['sweep', 'run', file, '--out', out, '--jobs', String(jobs)]);
    if (jobs === 1) engine = engineTimes(out); // one trial at a time: overhead without contention
  }
  const n = Math.ceil(trials / 2) * 2;
  const load1 = loadavg();
  const result = {
    trials: n,
    stepsPerTrial: steps,
    processToFirstStepMs: mean(engine.map((e) => e.processToFirstStepMs)),
    firstStepMs: mean(engine.map((e) => e.firstStepMs)),
    lastStepToResultMs: mean(engine.map((e) => e.lastStepToResultMs)),
    wallSeconds: walls,
    trialsPerMinute: { 1: (60 * n) / walls[1], 2: (60 * n) / walls[2] },
    speedup: walls[1] / walls[2],
    loadBefore: load0.map((x) => Number(x.toFixed(2))),
    loadAfter: load1.map((x) => Number(x.toFixed(2))),
  };
  const f = (x: number) => x.toFixed(0);
  process.stdout.write(
    [
      `sweep engine, ${n} trials of ${steps} steps (mnist-mlp, depth 1, width 32); load average ${result.loadBefore.join(' ')} before, ${result.loadAfter.join(' ')} after`,
      `  per trial (--jobs 1): process start -> first step ${f(result.processToFirstStepMs)} ms (of which the first, compiling step ${f(result.firstStepMs)} ms); last step -> result.json written ${f(result.lastStepToResultMs)} ms`,
      `  --jobs 1: ${walls[1].toFixed(1)} s wall, ${result.trialsPerMinute[1].toFixed(1)} trials/min`,
      `  --jobs 2: ${walls[2].toFixed(1)} s wall, ${result.trialsPerMinute[2].toFixed(1)} trials/min (${result.speedup.toFixed(2)}x --jobs 1)`,
      '',
    ].join('\n'),
  );
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
