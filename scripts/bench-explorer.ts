/**
 * `npm run bench:explorer`: how a slider move on the curves panel reaches the screen in headless
 * Chromium — 5 activations (golu, gelu, swish, mish, gem) x 1,000 points x f, f', f'', gate, four uPlot
 * charts — over many moves of GoLU's gamma slider, measured in the page:
 *
 *   - single moves: each starts just after a frame was painted (the page idle) and dispatches the
 *     slider's input event; "painted" runs from the event to the next frame that shows it (a
 *     requestAnimationFrame callback registered right after the event, then a task posted from it,
 *     which runs once that frame is painted); "frames" counts the frames from the last one before the
 *     move to the one showing it (1 = the very next frame);
 *   - a drag: one input event per frame, back to back, as a mouse drag delivers them; the frame
 *     intervals show whether the page keeps up (16.7 ms at 60 Hz), including any work it defers;
 *   - main-thread CPU time per move: the thread time of the renderer main thread's tasks (Chromium's
 *     trace, category toplevel) during the drag, minus the same loop of frames without moves, divided
 *     by the moves. It counts script, style, layout, paint and canvas work and, unlike wall times, little
 *     of the time other processes take the CPU (load inflates it less, but still: shared cores, caches).
 *
 * Also prints the sampling alone on the fast (WebAssembly kernel) path the page uses and on the exact
 * float64 path, and the machine's load average. Not a test. `--profile` lists the functions with the
 * most self time in a CPU profile of the single moves (build with `--minify false` for names).
 *
 *   npm run bench:explorer -- [--moves 200] [--dir dist/explorer] [--profile]
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { CDPSession } from 'playwright-core';
import { buildExplorerSite, openExplorer } from '../test/browser/explorer-harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const moves = Number(option('--moves', '200'));
if (!(Number.isInteger(moves) && moves >= 10))
  throw new Error(`--moves must be an integer >= 10, got ${moves}`);
const given = args.includes('--dir') ? option('--dir', '') : undefined;
const profile = args.includes('--profile');

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const describe = (values: number[], digits = 2) => {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(digits);
  return `median ${f(quantile(s, 0.5))}, p95 ${f(quantile(s, 0.95))}, max ${f(s[s.length - 1])}`;
};

// Page-side helpers, sent as source text (tsx would wrap named inner functions in a helper the page
// does not have): a task after the current one, the next animation frame, the slider.
const PRELUDE = `
  const slider = document.getElementById('curves-0-gamma-slider');
  const task = () => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(0);
  });
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const move = (i) => {
    slider.value = String(300 + ((i * 37) % 500));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  };`;

const SINGLE_MOVES = `(async (n) => {${PRELUDE}
  const out = { painted: [], frames: [], interval: [], sampling: [] };
  for (let i = 0; i < n; i++) {
    // Start just after a painted frame, with two frame timestamps for the frame interval.
    const before = await frame();
    const last = await frame();
    await task();
    out.interval.push(last - before);
    const t0 = performance.now();
    move(i);
    const shown = new Promise((resolve) =>
      requestAnimationFrame((stamp) => task().then((t) => resolve([stamp, t]))),
    );
    const [stamp, painted] = await shown;
    out.painted.push(painted - t0);
    out.frames.push(Math.round((stamp - last) / (last - before)));
    out.sampling.push(globalThis.gatelabExplorer.curveTiming.sampleMs);
  }
  return out;
})`;

/** n frames, each followed by a move when `moving` (a drag), or not (the baseline): frame intervals. */
const FRAMES = `(async (n, moving) => {${PRELUDE}
  const intervals = [];
  let previous = await frame();
  await task();
  for (let i = 0; i < n; i++) {
    if (moving) move(i + 1);
    const stamp = await frame();
    await task();
    intervals.push(stamp - previous);
    previous = stamp;
  }
  return intervals;
})`;

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Runs `work` while tracing; returns its value and the renderer main thread's CPU time in ms. */
async function withMainThreadCpu<T>(cdp: CDPSession, work: () => Promise<T>): Promise<[T, number]> {
  const events: TraceEvent[] = [];
  let complete = () => {};
  const done = new Promise<void>((resolve) => {
    complete = resolve;
  });
  const listener = ({ method, params }: { method: string; params?: object }) => {
    if (method === 'Tracing.dataCollected') events.push(...(params as { value: TraceEvent[] }).value);
    if (method === 'Tracing.tracingComplete') complete();
  };
  cdp.on('event', listener);
  await cdp.send('Tracing.start', { categories: 'toplevel', transferMode: 'ReportEvents' });
  const value = await work();
  await cdp.send('Tracing.end');
  await done;
  cdp.off('event', listener);
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  // Top-level tasks only: a task nested in another (a nested run loop) is inside its thread time.
  const tasks = events
    .filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`) && e.tdur !== undefined)
    .sort((a, b) => a.ts - b.ts);
  let end = Number.NEGATIVE_INFINITY;
  let cpu = 0;
  for (const t of tasks) {
    if (t.ts < end) continue;
    end = t.ts + (t.dur ?? 0);
    cpu += t.tdur ?? 0;
  }
  return [value, cpu / 1000];
}

const site = given ?? (await buildExplorerSite());
const session = await openExplorer(site);
try {
  const load = loadavg().map((v) => v.toFixed(1));
  await session.page.goto(`${session.server.url}#act=golu,gelu,swish,mish,gem&x=-5,5`);
  await session.page.waitForSelector('#chart-gate canvas');
  const cdp = await session.context.newCDPSession(session.page);
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const single = (await session.page.evaluate(`${SINGLE_MOVES}(${moves})`)) as {
    painted: number[];
    frames: number[];
    interval: number[];
    sampling: number[];
  };
  const cpuProfile = profile ? (await cdp.send('Profiler.stop')).profile : undefined;
  const [drag, dragCpu] = await withMainThreadCpu(
    cdp,
    () => session.page.evaluate(`${FRAMES}(${moves}, true)`) as Promise<number[]>,
  );
  const [, idleCpu] = await withMainThreadCpu(
    cdp,
    () => session.page.evaluate(`${FRAMES}(${moves}, false)`) as Promise<number[]>,
  );
  // The hash follows the state shortly after the last move (to position 800: gamma = 15.85).
  await session.page.evaluate(`(() => {${PRELUDE}
    slider.value = '800';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  })()`);
  await session.page.waitForTimeout(500);
  const hash = await session.page.evaluate(() => location.hash);
  if (!hash.includes('golu:gamma=')) throw new Error(`the slider did not change the state: ${hash}`);
  const sampling = (await session.page.evaluate(`(() => {
    const out = { fast: [], exact: [] };
    for (let i = 0; i < 20; i++) {
      out.fast.push(globalThis.gatelabExplorer.sampleCurves(false));
      out.exact.push(globalThis.gatelabExplorer.sampleCurves(true));
    }
    return out;
  })()`)) as { fast: number[]; exact: number[] };
  const agent = await session.page.evaluate(() => navigator.userAgent);
  const version = /Chrome\/[\d.]+/.exec(agent)?.[0] ?? agent;
  const skip = (values: number[]) => values.slice(5); // the first moves warm up the JIT
  const nextFrame = skip(single.frames).filter((f) => f <= 1).length / (moves - 5);
  const row = (label: string, text: string) => console.log(`  ${label.padEnd(52)} ${text}`);
  console.log(
    `Explorer slider: ${moves} single moves and a ${moves}-frame drag of golu's gamma, 5 activations x 1,000 points, 4 charts, headless ${version}, load average ${load.join(' ')}`,
  );
  row('single move: input event -> next frame painted, ms', describe(skip(single.painted)));
  row(
    'single move: frames from the last frame to its own',
    `${describe(skip(single.frames), 0)} (${(100 * nextFrame).toFixed(0)} % in the next frame)`,
  );
  row('single move: sampling on the fast path, ms', describe(skip(single.sampling)));
  row('idle page: frame interval, ms', describe(skip(single.interval)));
  row('drag, one move per frame: frame interval, ms', describe(skip(drag)));
  row(
    'drag: main-thread CPU time per move, ms',
    `${((dragCpu - idleCpu) / moves).toFixed(2)} (${(dragCpu / moves).toFixed(2)} with, ${(idleCpu / moves).toFixed(2)} without moves, per frame)`,
  );
  row('sampling alone, fast WebAssembly path, ms', describe(sampling.fast.slice(2)));
  row('sampling alone, exact float64 path, ms', describe(sampling.exact.slice(2)));
  console.log('  frame budget at 60 Hz: 16.7 ms');
  if (cpuProfile) {
    const spent = new Map<number, number>();
    cpuProfile.samples?.forEach((id, i) => {
      spent.set(id, (spent.get(id) ?? 0) + (cpuProfile.timeDeltas?.[i] ?? 0));
    });
    const self = new Map<string, number>();
    for (const node of cpuProfile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const key = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (spent.get(node.id) ?? 0));
    }
    console.log('  single moves, self time per move, top functions of the CPU profile (idle: the waits):');
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
      console.log(`    ${(us / 1000 / moves).toFixed(2).padStart(7)} ms  ${key}`);
  }
  if (session.errors.length > 0) console.log(`page errors: ${session.errors.join('; ')}`);
} finally {
  await session.close();
  if (given === undefined) rmSync(site, { recursive: true, force: true });
}
