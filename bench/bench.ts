/**
 * `npm run bench`: throughput of every activation's forward and backward pass on float32 arrays,
 * against a memory copy of the same array (the bandwidth limit) and against the peers.
 *
 *   npm run bench                                   all activations, 64K/1M/16M elements (long: ~30 min)
 *   npm run bench -- --quick                        64K and 1M, shorter timing
 *   npm run bench -- --only golu,relu --sizes 1M    a subset
 *   npm run bench -- --impls fast,pool,naive        some implementations only
 *   npm run bench -- --json bench.json              also write every number as JSON
 *
 * Implementations (columns): naive (hand-written JS loop of the textbook formula), exact
 * (`activation(name).forward(x, y)`), fast (`{ fast: true }`, one thread: typed arrays streamed
 * through the kernel memory), zero-copy (the same kernels run in place on arrays that live in a
 * caller-owned WebAssembly.Memory, as the tfjs wasm adapter does: `instantiateKernels`), pool
 * (`forwardAsync`: the worker pool on ordinary arrays), pool-shared (the pool on
 * SharedArrayBuffer arrays, no copies), tfjs-cpu, tfjs-wasm, jax-jit, jax-nn (see bench/peers.ts).
 * Each cell is the median of repeated runs after one warm-up run, in Melem/s; "x copy" is that rate
 * divided by the rate of `y.set(x)` on the same size (1.0 = as fast as copying the array).
 * Inputs: x ~ N(0, 2^2), dy ~ N(0, 1), seeded. Timing is wall-clock on a shared machine: the
 * report prints the load average before and after. Cells marked "~" were measured on a prefix of the
 * array because one full run would exceed --budget seconds (see measureCell).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Command } from 'commander';
import { activation, activationNames, getSpec } from '../src/index.js';
import { initKernels, kernelBackend } from '../src/kernels/fast.js';
import { closeDefaultPool, defaultPool, KernelPool, sharedFloatArray } from '../src/kernels/pool.js';
import { instantiateKernels, type KernelInstance } from '../src/kernels/wasm.js';
import { naiveLoops } from './naive.js';
import { jaxPeer, type Peer, TFJS_KIND, tfjsPeer } from './peers.js';

const ALL_IMPLS = [
  'naive',
  'exact',
  'fast',
  'zero-copy',
  'pool',
  'pool-shared',
  'tfjs-cpu',
  'tfjs-wasm',
  'jax-jit',
  'jax-nn',
];

interface Options {
  sizes: string;
  only?: string;
  impls: string;
  modes: string;
  json?: string;
  quick?: boolean;
  minTime: string;
  budget: string;
}

const program = new Command()
  .name('bench')
  .description('Throughput of forward/backward for every activation vs a memory copy and the peers')
  .option('--sizes <list>', 'array sizes (K = 1024, M = 1024^2)', '64K,1M,16M')
  .option('--only <names>', 'comma-separated activations (default: all)')
  .option('--impls <list>', `implementations: ${ALL_IMPLS.join(',')}`, ALL_IMPLS.join(','))
  .option('--modes <list>', 'forward,backward', 'forward,backward')
  .option('--json <file>', 'also write the results as JSON')
  .option('--quick', 'sizes 64K,1M (unless --sizes is given) and a shorter timing budget')
  .option('--min-time <seconds>', 'timing budget per cell', '0.4')
  .option('--budget <seconds>', 'longest single run before a cell is measured on a prefix', '1.5');

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KkMm]?)$/.exec(text.trim());
  if (!m) throw new Error(`bench: bad size '${text}' (use e.g. 65536, 64K, 1M)`);
  const unit = m[2].toUpperCase() === 'K' ? 1024 : m[2].toUpperCase() === 'M' ? 1024 * 1024 : 1;
  return Math.round(Number(m[1]) * unit);
}

function sizeLabel(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}M`;
  if (n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

/** Seeded N(0, sigma^2) samples (Box-Muller on mulberry32). */
function normal(n: number, sigma: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform())) * sigma;
    const th = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

const BUSY_LOOP = 'let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i) * 1.0000001; return s;';

/**
 * How much a second thread can add on this machine right now: a scalar busy loop run on this
 * thread alone, then on this thread and a worker at once. 2.0 means two free cores; on a loaded or
 * hyperthreaded machine it can be ~1.0, and then no pool can be faster than one thread.
 */
async function parallelCapacity(): Promise<number> {
  const busy = new Function('n', BUSY_LOOP) as (n: number) => number;
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads'); const busy = new Function('n', ${JSON.stringify(BUSY_LOOP)});
     parentPort.on('message', (n) => { busy(n); parentPort.postMessage(0); });`,
    { eval: true },
  );
  const n = 5e7;
  busy(n / 10);
  await new Promise((done) => {
    worker.once('message', done);
    worker.postMessage(n / 10);
  });
  const t0 = performance.now();
  busy(n);
  const alone = performance.now() - t0;
  const t1 = performance.now();
  const other = new Promise((done) => worker.once('message', done));
  worker.postMessage(n);
  busy(n);
  await other;
  const both = performance.now() - t1;
  await worker.terminate();
  return (2 * alone) / both;
}

interface Timing {
  melemPerSecond: number;
  runs: number;
}

/** Median rate of `run` after one warm-up, repeating until `minTime` seconds or `maxRuns` runs. */
async function measure(run: () => unknown, elements: number, minTime: number, maxRuns = 50): Promise<Timing> {
  await run();
  const times: number[] = [];
  let total = 0;
  while ((times.length < 3 || total < minTime * 1000) && times.length < maxRuns) {
    const t0 = performance.now();
    await run();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
    if (dt > 2000 && times.length >= 2) break; // very slow cells: two runs are enough
  }
  times.sort((p, q) => p - q);
  const median = times[Math.floor(times.length / 2)];
  return { melemPerSecond: elements / median / 1000, runs: times.length };
}

interface Row {
  activation: string;
  mode: 'forward' | 'backward';
  size: number;
  copyMelemPerSecond: number;
  results: Record<string, number | null>;
  /** Cells measured on a prefix of the array (elements), because a full run would take too long. */
  measuredOn: Record<string, number>;
}

interface Arrays {
  x: Float32Array;
  dy: Float32Array;
  y: Float32Array;
  xs?: Float32Array;
  dys?: Float32Array;
  ys?: Float32Array;
  sharedPool: KernelPool;
  /** Kernels on a memory holding x at byte 0, dy after it, y after dy (for 'zero-copy'). */
  onMemory?: KernelInstance;
}

/** A function making a runner over the first n elements, or null when the implementation has nothing here. */
type RunOn = (n: number) => { run: () => unknown; dispose?: () => void };

function runnerFor(
  impl: string,
  mode: 'forward' | 'backward',
  name: string,
  act: ReturnType<typeof activation>,
  naive: ReturnType<typeof naiveLoops>,
  peers: Peer[],
  a: Arrays,
): RunOn | null {
  const fwd = mode === 'forward';
  const views = (n: number) => ({ x: a.x.subarray(0, n), dy: a.dy.subarray(0, n), y: a.y.subarray(0, n) });
  switch (impl) {
    case 'naive':
      return (n) => {
        const v = views(n);
        return { run: fwd ? () => naive.forward(v.x, v.y) : () => naive.backward(v.x, v.dy, v.y) };
      };
    case 'exact':
      return (n) => {
        const v = views(n);
        return { run: fwd ? () => act.forward(v.x, v.y) : () => act.backward(v.x, v.dy, v.y) };
      };
    case 'fast':
      return (n) => {
        const v = views(n);
        return {
          run: fwd
            ? () => act.forward(v.x, v.y, { fast: true })
            : () => act.backward(v.x, v.dy, v.y, { fast: true }),
        };
      };
    case 'zero-copy': {
      const k = a.onMemory;
      if (!k) return null;
      const kernels = k.bind(act.name, act.params);
      const bytes = a.x.length * 4;
      return (n) => ({
        run: fwd
          ? () => kernels.forward('f32', 0, 2 * bytes, n)
          : () => kernels.backward('f32', 0, bytes, 2 * bytes, n),
      });
    }
    case 'pool':
      return (n) => {
        const v = views(n);
        return { run: fwd ? () => act.forwardAsync(v.x, v.y) : () => act.backwardAsync(v.x, v.dy, v.y) };
      };
    case 'pool-shared': {
      const { xs, dys, ys, sharedPool } = a;
      if (!xs || !dys || !ys) return null;
      return (n) => {
        const x = xs.subarray(0, n);
        const dy = dys.subarray(0, n);
        const y = ys.subarray(0, n);
        return {
          run: fwd ? () => sharedPool.forward(name, {}, x, y) : () => sharedPool.backward(name, {}, x, dy, y),
        };
      };
    }
    default: {
      const peer = peers.find((p) => p.id === impl);
      if (!peer?.has(name)) return null;
      return (n) => {
        const runner = peer.make(name, a.x.subarray(0, n), a.dy.subarray(0, n));
        if (!runner) throw new Error(`bench: ${impl} has no ${name}`);
        return {
          run: fwd ? () => runner.forward() : () => runner.backward(),
          dispose: () => runner.dispose(),
        };
      };
    }
  }
}

/**
 * Measures one cell. Implementations slower than `budgetSeconds` per run at this size are measured
 * on a prefix that takes about that long (at least 64K elements): they are compute-bound (< 100
 * Melem/s, far below memory bandwidth), so the rate carries over; the table marks such cells "~".
 */
async function measureCell(
  runOn: RunOn,
  size: number,
  minTime: number,
  budgetSeconds: number,
): Promise<{ melemPerSecond: number; elements: number }> {
  const probeSize = Math.min(size, 65536);
  let elements = size;
  if (size > probeSize) {
    const probe = runOn(probeSize);
    const rate = (await measure(probe.run, probeSize, 0.02, 3)).melemPerSecond;
    probe.dispose?.();
    const seconds = size / (rate * 1e6);
    if (seconds > budgetSeconds && rate < 100) {
      elements = Math.min(
        size,
        Math.max(probeSize, Math.round((rate * 1e6 * budgetSeconds) / 65536) * 65536),
      );
    }
  }
  const cell = runOn(elements);
  const slow = elements >= 4 * 1024 * 1024;
  const timing = await measure(cell.run, elements, minTime, slow ? 3 : 50);
  cell.dispose?.();
  return { melemPerSecond: timing.melemPerSecond, elements };
}

/** The targets of issue 3, checked against the rows that were measured (float32, 1M / 16M). */
function targetReport(rows: Row[]): string[] {
  const M1 = 1024 * 1024;
  const M16 = 16 * M1;
  const get = (name: string, mode: string, size: number) =>
    rows.find((r) => r.activation === name && r.mode === mode && r.size === size);
  const lines: string[] = ['targets (issue 3):'];
  const check = (label: string, value: number | null | undefined, goal: number, unit: string) => {
    if (value === null || value === undefined) return;
    const ok = value >= goal ? 'met' : 'MISSED';
    lines.push(`  ${label}: ${value.toFixed(2)}${unit} (goal >= ${goal}${unit}) ${ok}`);
  };
  const golu = get('golu', 'forward', M1);
  if (golu) {
    const fast = golu.results.fast;
    check('GoLU forward 1M, fast path, one thread', fast, 200, ' Melem/s');
    const ratio = (peer: string) =>
      fast && golu.results[peer] ? fast / (golu.results[peer] as number) : null;
    check('GoLU forward 1M, fast / naive loop', ratio('naive'), 5, 'x');
    check('GoLU forward 1M, fast / jax-js jit composite', ratio('jax-jit'), 3, 'x');
    check('GoLU forward 1M, fast / tfjs cpu composite', ratio('tfjs-cpu'), 5, 'x');
    check('GoLU forward 1M, fast / tfjs wasm composite', ratio('tfjs-wasm'), 5, 'x');
  }
  const golu16 = get('golu', 'forward', M16);
  if (golu16?.results.fast) {
    const f = golu16.results.fast;
    check(
      'GoLU forward 16M, pool / one thread',
      golu16.results.pool ? golu16.results.pool / f : null,
      1.7,
      'x',
    );
    check(
      'GoLU forward 16M, pool on shared arrays / one thread',
      golu16.results['pool-shared'] ? golu16.results['pool-shared'] / f : null,
      1.7,
      'x',
    );
  }
  for (const name of ['relu', 'leaky_relu', 'prelu', 'relu6']) {
    const row = get(name, 'forward', M1);
    if (!row) continue;
    const slowdown = (impl: string) =>
      row.results[impl] ? row.copyMelemPerSecond / (row.results[impl] as number) : null;
    const fast = slowdown('fast');
    const zero = slowdown('zero-copy');
    // "within 1.5x of a memory copy": time / copy time <= 1.5, printed as copy-speed fraction >= 1/1.5.
    if (fast !== null) check(`${name} forward 1M, fast, speed relative to copy`, 1 / fast, 0.67, '');
    if (zero !== null) check(`${name} forward 1M, zero-copy, speed relative to copy`, 1 / zero, 0.67, '');
  }
  return lines;
}

function fmt(v: number | null | undefined, width: number): string {
  if (v === null || v === undefined) return '-'.padStart(width);
  return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).padStart(width);
}

async function main(): Promise<void> {
  const opts = program.parse().opts<Options>();
  const quick = opts.quick === true;
  const sizeText = quick && !process.argv.some((a) => a.startsWith('--sizes')) ? '64K,1M' : opts.sizes;
  const sizes = sizeText.split(',').map(parseSize);
  const names = opts.only ? opts.only.split(',').map((n) => getSpec(n.trim()).name) : activationNames();
  const impls = opts.impls.split(',').map((s) => s.trim());
  for (const impl of impls)
    if (!ALL_IMPLS.includes(impl)) throw new Error(`bench: unknown implementation '${impl}'`);
  const modes = opts.modes.split(',').map((s) => s.trim()) as ('forward' | 'backward')[];
  const minTime = quick ? Math.min(0.15, Number(opts.minTime)) : Number(opts.minTime);
  const budgetSeconds = quick ? Math.min(0.5, Number(opts.budget)) : Number(opts.budget);

  const backend = await initKernels();
  const loadBefore = loadavg();
  const peers: Peer[] = [];
  for (const id of impls) {
    if (id === 'tfjs-cpu') peers.push(await tfjsPeer('cpu'));
    if (id === 'tfjs-wasm') peers.push(await tfjsPeer('wasm'));
    if (id === 'jax-jit') peers.push(await jaxPeer('jit'));
    if (id === 'jax-nn') peers.push(await jaxPeer('nn'));
  }
  const sharedPool = new KernelPool();
  const capacity = await parallelCapacity();
  console.log(
    `bench: ${names.length} activations x ${modes.join('/')} x sizes ${sizes.map(sizeLabel).join(',')}; fast backend ${backend}; ` +
      `${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, ` +
      `parallel capacity ${capacity.toFixed(2)}x (2 threads of a busy loop vs 1)`,
  );

  const rows: Row[] = [];
  const errors: string[] = [];
  const header = ['activation', 'mode', 'size', 'copy', ...impls.flatMap((i) => [i, 'xcopy'])];
  const widths = [13, 9, 5, 7, ...impls.flatMap((i) => [Math.max(8, i.length), 6])];
  console.log(header.map((h, i) => (i < 3 ? h.padEnd(widths[i]) : h.padStart(widths[i]))).join(' '));

  for (const size of sizes) {
    const x = normal(size, 2, 1);
    const dy = normal(size, 1, 2);
    const y = new Float32Array(size);
    const copy = await measure(() => y.set(x), size, minTime);
    const xs = impls.includes('pool-shared') ? sharedFloatArray(Float32Array, size) : undefined;
    const dys = impls.includes('pool-shared') ? sharedFloatArray(Float32Array, size) : undefined;
    const ys = impls.includes('pool-shared') ? sharedFloatArray(Float32Array, size) : undefined;
    xs?.set(x);
    dys?.set(dy);
    let onMemory: KernelInstance | undefined;
    if (impls.includes('zero-copy')) {
      const memory = new WebAssembly.Memory({ initial: Math.ceil((3 * size * 4) / 65536) });
      new Float32Array(memory.buffer, 0, size).set(x);
      new Float32Array(memory.buffer, size * 4, size).set(dy);
      onMemory = instantiateKernels(memory);
    }
    for (const name of names) {
      const act = activation(name);
      const naive = naiveLoops(name);
      for (const mode of modes) {
        const results: Record<string, number | null> = {};
        const measuredOn: Record<string, number> = {};
        for (const impl of impls) {
          const runOn = runnerFor(impl, mode, name, act, naive, peers, {
            x,
            dy,
            y,
            xs,
            dys,
            ys,
            sharedPool,
            onMemory,
          });
          if (runOn === null) {
            results[impl] = null;
            continue;
          }
          try {
            const cell = await measureCell(runOn, size, minTime, budgetSeconds);
            results[impl] = cell.melemPerSecond;
            if (cell.elements < size) measuredOn[impl] = cell.elements;
          } catch (error) {
            // A peer that cannot run this cell (e.g. a missing gradient) gets no number, not a crash.
            results[impl] = null;
            errors.push(
              `${impl} ${name} ${mode} ${sizeLabel(size)}: ${(error as Error).message.split('\n')[0]}`,
            );
          }
        }
        const row: Row = {
          activation: name,
          mode,
          size,
          copyMelemPerSecond: copy.melemPerSecond,
          results,
          measuredOn,
        };
        rows.push(row);
        const cells = [
          name.padEnd(widths[0]),
          mode.padEnd(widths[1]),
          sizeLabel(size).padEnd(widths[2]),
          fmt(copy.melemPerSecond, widths[3]),
          ...impls.flatMap((impl, k) => {
            const v = results[impl];
            const mark = measuredOn[impl] !== undefined ? '~' : '';
            return [
              `${mark}${fmt(v, widths[4 + 2 * k] - mark.length).trimStart()}`.padStart(widths[4 + 2 * k]),
              fmt(v === null ? null : v / copy.melemPerSecond, widths[5 + 2 * k]),
            ];
          }),
        ];
        console.log(cells.join(' '));
      }
    }
  }
  const targets = targetReport(rows);
  for (const line of targets) console.log(line);
  const loadAfter = loadavg();
  for (const e of errors) console.log(`not measured: ${e}`);
  console.log(
    `load average after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}; pool workers: ${defaultPool().workerCount} + calling thread`,
  );
  if (opts.json) {
    const report = {
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
      parallelCapacity: capacity,
      fastBackend: backend,
      kernelBackendAtEnd: kernelBackend(),
      tfjsKinds: TFJS_KIND,
      units: 'Melem/s (median); ratio to copy = rate / copy rate',
      peers: peers.map((p) => ({ id: p.id, description: p.description })),
      targets,
      rows,
      errors,
    };
    writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${opts.json}`);
  }
  await sharedPool.close();
  await closeDefaultPool();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
