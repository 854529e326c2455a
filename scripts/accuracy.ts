/**
 * `npm run accuracy`: error in ulps of every activation's forward and derivative, in float64 and
 * float32, against the independent decimal.js oracle (scripts/oracle/).
 *
 *   npm run accuracy                               CI default (2 worker threads; ~2.2 CPU-minutes)
 *   npm run accuracy -- --only golu,gelu           a subset
 *   npm run accuracy -- --exhaustive               all 2^32 float32 inputs (prints elapsed and ETA)
 *   npm run accuracy -- --path fast                the kernels' fast path (src/kernels/accuracy-path.ts)
 *   npm run accuracy -- --path-module my-path.ts   any AccuracyPath module (see scripts/oracle/paths.ts)
 *   npm run accuracy -- --json accuracy.json       also write the table as JSON
 *   npm run accuracy -- --strict                   exit 1 if a target is missed (or a path's own tolerance)
 *
 * What is measured, and why it is sound:
 *  - float64: >= 20,000 inputs per activation, log-uniform over +-[1e-300, 1e3], plus special values
 *    and the activation's kinks and derivative roots, each against the oracle at 60 digits
 *    (correctly rounded reference, error in ulps of the true value). Target <= 4 ulp.
 *  - float32: a stratified sample of the 2^32 bit patterns (one at a random seeded offset in every
 *    block of 4096, so 2^20 inputs covering every binade, NaN patterns included) plus specials and
 *    the float32 neighbours of every kink and root, against the float64 catalog value d (the
 *    oracle is ~1000x too slow for 2^20 x 22 x 2 points). If d has error K ulp64, then
 *    |c - t| / ulp32 and |c - d| / ulp32 differ by at most K * 2^-29 ulp32 (ulp64 = 2^-29 ulp32
 *    in float32's normal range, less below it), so "e ulp32 against d" means "<= e + K * 2^-29 ulp32
 *    against the truth". K is measured, not assumed: the float64 catalog is checked against the
 *    oracle on a subsample of the float32 inputs (every 512th, reaching |x| = 3.4e38) and on all
 *    the specials, kinks and root neighbours (where relative errors peak), and the report prints
 *    the resulting bound per row. The float32 results on the subsample are also compared with the
 *    oracle directly. Target <= 1 ulp.
 *  - A path may state its own tolerance (`withinTolerance`, see scripts/oracle/paths.ts); its rows
 *    then pass or fail on that rule, with the ulp figures still printed.
 *  - --exhaustive sweeps all 2^32 float32 inputs the same way (the oracle subsample keeps its size).
 */

import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { Command } from 'commander';
import { activationNames, getSpec, resolveParams } from '../src/index.js';
import { ORACLE_DIGITS } from './oracle/decimal.js';
import { mergeStats, type Stats, statsKey, TARGET_ULP, violations } from './oracle/measure.js';
import { loadPath, type PathSpec, parsePathSpec } from './oracle/paths.js';
import { PARAM_SPAN, parameterSamples } from './oracle/sampling.js';
import { runTask, type Task, taskSize } from './oracle/tasks.js';

interface Options {
  only?: string;
  exhaustive?: boolean;
  json?: string;
  path: string;
  pathModule?: string;
  strict?: boolean;
  f64Points: string;
  f32Stride: string;
  oracleSample: string;
  seed: string;
  workers: string;
  digits: string;
  params?: string;
  paramSamples: string;
  paramPoints: string;
  subnormalPoints: string;
}

const program = new Command()
  .name('accuracy')
  .description(
    'Error in ulps of every activation (forward and derivative, float64 and float32) against the oracle',
  )
  .option('--only <names>', 'comma-separated activations (default: all)')
  .option('--exhaustive', 'sweep all 2^32 float32 bit patterns instead of the stratified sample')
  .option('--json <file>', 'also write the results as JSON')
  .option('--path <path>', 'implementation to measure: exact | fast', 'exact')
  .option('--path-module <file>', 'a module exporting createAccuracyPath() (overrides --path)')
  .option('--strict', 'exit with status 1 if any target is missed or any NaN/Inf violation occurs')
  .option('--f64-points <n>', 'log-uniform float64 points per activation', '20000')
  .option('--f32-stride <n>', 'float32 stratum size (power of two; 1 = exhaustive)', '4096')
  .option('--oracle-sample <n>', 'float32 inputs per activation also checked against the oracle', '2048')
  .option('--seed <n>', 'seed of every random choice', '20250213')
  .option('--workers <n>', 'worker threads (1 = run in this thread)', '2')
  .option('--digits <n>', 'oracle working precision in significant digits', String(ORACLE_DIGITS))
  .option(
    '--param-samples <n>',
    `float64 only: also measure n parameter sets per activation, spread over each parameter's range (unbounded ranges: log-uniform over [1/${PARAM_SPAN}, ${PARAM_SPAN}]); 0 = defaults only`,
    '0',
  )
  .option('--param-points <n>', 'log-uniform float64 points per sampled parameter set', '2000')
  .option(
    '--subnormal-points <n>',
    "float64: points in each stretch of inputs where f(x) or f'(x) is subnormal (0 = none)",
    '200',
  )
  .option(
    '--params <json>',
    'parameters for the selected activations, e.g. \'{"alpha":1.5}\' (default: defaults)',
  );

function positiveInt(label: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`accuracy: ${label} must be a whole number >= ${min}, got '${text}'`);
  return n;
}

function selectNames(only: string | undefined): string[] {
  if (!only) return activationNames();
  return only.split(',').map((raw) => getSpec(raw.trim()).name);
}

/** `--params` as an object, checked against every selected activation (a bad one names itself). */
function parseParams(text: string | undefined, names: string[]): Record<string, number> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`accuracy: --params must be a JSON object like '{"alpha":1.5}', got ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`accuracy: --params must be a JSON object, got ${text}`);
  }
  const params = parsed as Record<string, number>;
  for (const name of names) resolveParams(getSpec(name), params);
  return params;
}

/** The task list: float64 jobs first (oracle-heavy, slowest), then the float32 ranges. */
function buildTasks(names: string[], o: Options): Task[] {
  const seed = Number(o.seed) >>> 0;
  const digits = positiveInt('--digits', o.digits);
  const count = positiveInt('--f64-points', o.f64Points);
  const stride = o.exhaustive ? 1 : positiveInt('--f32-stride', o.f32Stride);
  if ((stride & (stride - 1)) !== 0)
    throw new Error(`accuracy: --f32-stride must be a power of two, got ${stride}`);
  const oracleSample = positiveInt('--oracle-sample', o.oracleSample);
  const total = 2 ** 32 / stride;
  const oracleEvery = Math.max(1, Math.floor(total / oracleSample));
  const params = parseParams(o.params, names);
  const parts = 4;
  const rangeTasks = o.exhaustive ? 256 : 4;
  const tasks: Task[] = [];
  const subnormalPoints = positiveInt('--subnormal-points', o.subnormalPoints, 0);
  const paramSamples = positiveInt('--param-samples', o.paramSamples, 0);
  const paramPoints = positiveInt('--param-points', o.paramPoints);
  for (const name of names) {
    for (let part = 0; part < parts; part++) {
      tasks.push({ type: 'float64', name, params, seed, count, part, parts, digits, subnormalPoints });
    }
    // Sampled parameter sets (the first sample is the defaults, measured above).
    if (paramSamples > 0 && o.params !== undefined)
      throw new Error('accuracy: use either --params or --param-samples, not both');
    for (const sampled of parameterSamples(name, paramSamples, seed).slice(1)) {
      tasks.push({
        type: 'float64',
        name,
        params: sampled,
        seed,
        count: paramPoints,
        part: 0,
        parts: 1,
        digits,
        subnormalPoints,
      });
    }
  }
  for (const name of names) {
    const span = 2 ** 32 / rangeTasks;
    for (let r = 0; r < rangeTasks; r++) {
      tasks.push({
        type: 'float32',
        name,
        params,
        seed,
        start: r * span,
        end: (r + 1) * span,
        stride,
        withExtras: r === 0,
        oracleEvery,
        digits,
      });
    }
  }
  return tasks;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h > 0 ? `${h}h` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}m${String(sec).padStart(2, '0')}s`;
}

/** Runs every task on `workers` threads (or in this thread), reporting progress on stderr. */
async function runAll(tasks: Task[], path: PathSpec, workers: number): Promise<Stats[]> {
  const totalWork = tasks.reduce((a, t) => a + taskSize(t), 0);
  const started = Date.now();
  let doneWork = 0;
  let doneTasks = 0;
  let lastPrint = 0;
  const results: Stats[] = [];
  const progress = (final = false) => {
    const now = Date.now();
    if (!final && now - lastPrint < 2000) return;
    lastPrint = now;
    const elapsed = now - started;
    const eta = doneWork > 0 ? (elapsed * (totalWork - doneWork)) / doneWork : Number.NaN;
    process.stderr.write(
      `[accuracy] ${doneTasks}/${tasks.length} tasks, ${formatDuration(elapsed)} elapsed` +
        `${final ? '' : `, ETA ${Number.isFinite(eta) ? formatDuration(eta) : '?'}`}\n`,
    );
  };
  const finish = (task: Task, rows: Stats[]) => {
    results.push(...rows);
    doneWork += taskSize(task);
    doneTasks++;
    progress();
  };

  if (workers <= 1) {
    const loaded = await loadPath(path);
    for (const task of tasks) finish(task, await runTask(task, loaded));
    progress(true);
    return results;
  }

  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerUrl = new URL('./oracle/worker.ts', import.meta.url).href;
  // Workers cannot start from a .ts file by themselves: register tsx's loader first.
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`;
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: Math.min(workers, tasks.length) }, () => {
      const worker = new Worker(bootstrap, { eval: true, workerData: { path } });
      return new Promise<void>((resolve, reject) => {
        let current: Task | undefined;
        const next = () => {
          current = queue.shift();
          if (current === undefined) {
            worker.terminate().then(() => resolve(), reject);
            return;
          }
          worker.postMessage({ id: 0, task: current });
        };
        worker.on('message', (m: { rows?: Stats[]; error?: string }) => {
          if (m.error !== undefined || current === undefined) {
            worker.terminate();
            reject(new Error(`accuracy: worker failed on ${current?.type} ${current?.name}: ${m.error}`));
            return;
          }
          finish(current, m.rows ?? []);
          next();
        });
        worker.on('error', reject);
        next();
      });
    }),
  );
  progress(true);
  return results;
}

/** Merges rows with the same key, in a stable order. */
function mergeRows(rows: Stats[], names: string[]): Stats[] {
  const byKey = new Map<string, Stats>();
  for (const r of rows) {
    const key = statsKey(r);
    const prev = byKey.get(key);
    byKey.set(key, prev ? mergeStats(prev, r) : r);
  }
  const order = (r: Stats) => names.indexOf(r.name) * 2 + (r.kind === 'forward' ? 0 : 1);
  return [...byKey.values()].sort((a, b) => order(a) - order(b));
}

function fmtUlp(u: number): string {
  if (!Number.isFinite(u)) return String(u);
  if (u < 10) return u.toFixed(3);
  if (u < 1e6) return u.toFixed(1);
  return u.toExponential(2);
}

/** "alpha=0.3, beta=2" ('' without parameters); Infinity stays readable. */
function fmtParams(params: Readonly<Record<string, number>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${fmtX(v)}`)
    .join(', ');
}

function fmtX(x: number): string {
  if (Number.isNaN(x)) return '-';
  const s = String(x);
  return s.length <= 22 ? s : x.toPrecision(17);
}

/**
 * A row passes with no NaN/Inf violation and, when the path states its own tolerance
 * (`withinTolerance`, e.g. the fast kernels' documented rule), no point outside it; otherwise
 * with every error within the harness target (float64 <= 4 ulp, float32 <= 1 ulp).
 */
function rowVerdict(s: Stats): boolean {
  if (violations(s) > 0) return false;
  if (s.toleranceMisses !== null) return s.toleranceMisses === 0;
  return s.maxUlp <= TARGET_ULP[s.format];
}

function printTable(title: string, rows: Stats[], extra?: (s: Stats) => string): void {
  console.log(`\n${title}`);
  const header = [
    'activation'.padEnd(13),
    'kind'.padEnd(10),
    'points'.padStart(8),
    'max ulp'.padStart(10),
    'at x'.padEnd(23),
    '>1ulp'.padStart(6),
    '>tgt'.padStart(6),
    'NaN/Inf'.padStart(7),
    'tol'.padStart(5),
    ' verdict',
  ].join(' ');
  console.log(header + (extra ? '  note' : ''));
  console.log('-'.repeat(header.length + (extra ? 24 : 0)));
  for (const s of rows) {
    const line = [
      s.name.padEnd(13),
      s.kind.padEnd(10),
      String(s.points).padStart(8),
      fmtUlp(s.maxUlp).padStart(10),
      fmtX(s.worstX).padEnd(23),
      String(s.over1).padStart(6),
      String(s.overTarget).padStart(6),
      String(violations(s)).padStart(7),
      (s.toleranceMisses === null ? '-' : String(s.toleranceMisses)).padStart(5),
      rowVerdict(s) ? ' ok' : ' MISS',
    ].join(' ');
    console.log(line + (extra ? `  ${extra(s)}` : ''));
  }
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<Options>();
  const names = selectNames(o.only);
  const pathSpec = parsePathSpec(o.path, o.pathModule);
  const workers = positiveInt('--workers', o.workers);
  const path = await loadPath(pathSpec); // fail fast (and for the description) before starting workers
  const tasks = buildTasks(names, o);
  const stride = o.exhaustive ? 1 : Number(o.f32Stride);
  console.log(
    `gatelab accuracy — path: ${path.name} (${path.description})${o.params ? `; params ${o.params}` : ''}`,
  );
  console.log(
    `oracle: decimal.js at ${o.digits} digits (scripts/oracle); float64: ${o.f64Points} log-uniform points in ` +
      `+-[1e-300, 1e3] + specials + kinks/roots + ${o.subnormalPoints} points per subnormal stretch of f and f' per activation` +
      `${Number(o.paramSamples) > 0 ? `, and ${o.paramSamples} sampled parameter sets x ${o.paramPoints} points` : ''}; float32: ${
        o.exhaustive
          ? 'all 2^32 bit patterns'
          : `stratified sample, 1 in ${stride} bit patterns (${2 ** 32 / stride} points)`
      } + specials, seed ${o.seed}; ${workers} worker thread(s)`,
  );
  const started = Date.now();
  const rows = mergeRows(await runAll(tasks, pathSpec, workers), names);
  const elapsed = Date.now() - started;

  const f64 = rows.filter((r) => r.sample === 'float64');
  const f32 = rows.filter((r) => r.sample === 'float32');
  const f32Oracle = rows.filter((r) => r.sample === 'float32-subsample' && r.subject === 'path');
  const catalogChecks = rows.filter((r) => r.subject === 'catalog');

  const sampledParams = Number(o.paramSamples) > 0;
  printTable(
    `float64 vs oracle (target <= ${TARGET_ULP.float64} ulp${sampledParams ? `; ${o.paramSamples} sampled parameter sets + defaults` : ''})`,
    f64,
    sampledParams
      ? (s) =>
          s.worstParams && Object.keys(s.worstParams).length > 0 ? `at ${fmtParams(s.worstParams)}` : ''
      : undefined,
  );
  // The float64 catalog's worst error K (in ulp64) over float32 inputs bounds how far the float32
  // figures (measured against the catalog) can be from the truth: by K * 2^-29 ulp32. K is
  // measured on the oracle subsample plus every special value and critical point with its float32
  // neighbours (the float32 inputs nearest a root of f', where relative errors peak).
  const catalogError = (name: string, kind: string) =>
    Math.max(0, ...catalogChecks.filter((r) => r.name === name && r.kind === kind).map((r) => r.maxUlp));
  printTable(
    `float32 vs float64 catalog, ${o.exhaustive ? 'all 2^32 inputs' : 'stratified sample'} (target <= ${TARGET_ULP.float32} ulp)`,
    f32,
    (s) => {
      const k = catalogError(s.name, s.kind);
      return `catalog err <= ${fmtUlp(k)} ulp64 => vs truth <= ${fmtUlp(s.maxUlp + k * 2 ** -29)} ulp32`;
    },
  );
  printTable(
    `float32 vs oracle directly, on the oracle subsample (target <= ${TARGET_ULP.float32} ulp)`,
    f32Oracle,
  );
  printTable(
    `float64 catalog vs oracle on the float32 oracle subsample (|x| up to 3.4e38; target <= ${TARGET_ULP.float64} ulp)`,
    catalogChecks,
  );

  const misses = rows.filter((r) => !rowVerdict(r));
  console.log(`\n${misses.length === 0 ? 'All targets met.' : `${misses.length} row(s) miss their target:`}`);
  for (const m of misses) {
    console.log(
      `  ${m.name} ${m.format} ${m.kind} (${m.subject} vs ${m.reference}, ${m.sample} inputs): max ${fmtUlp(m.maxUlp)} ulp` +
        ` at x = ${fmtX(m.worstX)}${m.worstParams && Object.keys(m.worstParams).length > 0 ? ` with ${fmtParams(m.worstParams)}` : ''} (got ${m.worstComputed}, correctly rounded ${m.worstExpected});` +
        ` ${m.overTarget} point(s) over target, ${violations(m)} NaN/Inf violation(s)` +
        `${m.toleranceMisses ? `, ${m.toleranceMisses} outside the path's tolerance` : ''}`,
    );
  }
  if (!o.exhaustive) {
    // The sweep part of the float32 tasks scales with the number of inputs; the oracle part does
    // not (the subsample has the same size in both modes). Thread time, divided by the threads.
    const sweepMs = f32.reduce((a, r) => a + r.sweepMs, 0);
    const estimate = (sweepMs * stride) / Math.min(workers, tasks.length);
    console.log(
      `float32 sweep: ${(sweepMs / 1000).toFixed(1)} thread-seconds for ${names.length} activation(s) at 1 in ${stride};` +
        ` --exhaustive would take about ${formatDuration(estimate)} on ${workers} thread(s) at this machine's current load`,
    );
  }
  console.log(`elapsed ${formatDuration(elapsed)}`);

  if (o.json) {
    const report = {
      generatedBy: 'scripts/accuracy.ts',
      date: new Date().toISOString(),
      path: path.name,
      options: { ...o, names },
      elapsedMs: elapsed,
      targets: TARGET_ULP,
      rows,
    };
    writeFileSync(
      o.json,
      `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`,
    );
    console.log(`wrote ${o.json}`);
  }
  if (o.strict && misses.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
