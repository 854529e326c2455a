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
 *     intervals show whether the page keeps up (16.7 ms at 60 Hz) including work it defers;
 *   - main-thread time per move from Chromium's CPU profile over all moves (every sample but idle:
 *     script, style, layout, paint recording, garbage collection).
 *
 * Also prints the sampling alone on the fast (WebAssembly kernel) path the page uses and on the exact
 * float64 path, and the machine's load average (timings depend on it). Not a test. `--profile` lists the
 * functions with the most self time (build with `--minify false` for readable names).
 *
 *   npm run bench:explorer -- [--moves 200] [--dir dist/explorer] [--profile]
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
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

interface Moves {
  drag: number[];
  painted: number[];
  frames: number[];
  interval: number[];
  sampling: number[];
  hash: string;
}

const site = given ?? (await buildExplorerSite());
const session = await openExplorer(site);
try {
  const load = loadavg().map((v) => v.toFixed(1));
  await session.page.goto(`${session.server.url}#act=golu,gelu,swish,mish,gem&x=-5,5`);
  await session.page.waitForSelector('#chart-gate canvas');
  const cdp = await session.context.newCDPSession(session.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  // Sent as source text: tsx would wrap named inner functions in a helper the page does not have.
  const result = (await session.page.evaluate(`(async (n) => {
    const slider = document.getElementById('curves-0-gamma-slider');
    const probe = globalThis.gatelabExplorer;
    const task = () => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(0);
    });
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const out = { painted: [], frames: [], interval: [], drag: [], sampling: [] };
    for (let i = 0; i < n; i++) {
      // Start just after a painted frame, with two frame timestamps for the frame interval.
      const before = await frame();
      const last = await frame();
      await task();
      out.interval.push(last - before);
      slider.value = String(300 + ((i * 37) % 500));
      const t0 = performance.now();
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const shown = new Promise((resolve) =>
        requestAnimationFrame((stamp) => task().then((t) => resolve([stamp, t]))),
      );
      const [stamp, painted] = await shown;
      out.painted.push(painted - t0);
      out.frames.push(Math.round((stamp - last) / (last - before)));
      out.sampling.push(probe.curveTiming.sampleMs);
    }
    // A drag: the next input as soon as each frame is painted.
    let previous = await frame();
    await task();
    for (let i = 0; i < n; i++) {
      slider.value = String(300 + ((i * 53) % 500));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const stamp = await frame();
      await task();
      out.drag.push(stamp - previous);
      previous = stamp;
    }
    // The hash follows the state shortly after the last move.
    await new Promise((r) => setTimeout(r, 500));
    out.hash = location.hash;
    return out;
  })(${moves})`)) as Moves;
  if (!result.hash.includes('golu:gamma='))
    throw new Error(`the slider did not change the state: ${result.hash}`);
  const { profile: cpu } = await cdp.send('Profiler.stop');
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
  const nextFrame = skip(result.frames).filter((f) => f <= 1).length / (moves - 5);
  // Main-thread time: every profile sample but idle, over the 2 x moves moves (single and drag).
  const spent = new Map<number, number>();
  cpu.samples?.forEach((id, i) => {
    spent.set(id, (spent.get(id) ?? 0) + (cpu.timeDeltas?.[i] ?? 0));
  });
  const self = new Map<string, number>();
  let busy = 0;
  for (const node of cpu.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const us = spent.get(node.id) ?? 0;
    if (functionName !== '(idle)') busy += us;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
  }
  const perMove = (us: number) => (us / 1000 / (2 * moves)).toFixed(2);
  const row = (label: string, text: string) => console.log(`  ${label.padEnd(52)} ${text}`);
  console.log(
    `Explorer slider: ${moves} single moves and a ${moves}-frame drag of golu's gamma, 5 activations x 1,000 points, 4 charts, headless ${version}, load average ${load.join(' ')}`,
  );
  row('single move: input event -> next frame painted, ms', describe(skip(result.painted)));
  row(
    'single move: frames from the last frame to its own',
    `${describe(skip(result.frames), 0)} (${(100 * nextFrame).toFixed(0)} % in the next frame)`,
  );
  row('single move: sampling on the fast path, ms', describe(skip(result.sampling)));
  row('drag, one move per frame: frame interval, ms', describe(skip(result.drag)));
  row('idle page: frame interval, ms', describe(skip(result.interval)));
  row('main-thread time per move (CPU profile), ms', `mean ${perMove(busy)}`);
  row('sampling alone, fast WebAssembly path, ms', describe(sampling.fast.slice(2)));
  row('sampling alone, exact float64 path, ms', describe(sampling.exact.slice(2)));
  console.log('  frame budget at 60 Hz: 16.7 ms');
  if (profile) {
    console.log('  self time per move, top functions of the CPU profile:');
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
      console.log(`    ${perMove(us).padStart(7)} ms  ${key}`);
  }
  if (session.errors.length > 0) console.log(`page errors: ${session.errors.join('; ')}`);
} finally {
  await session.close();
  if (given === undefined) rmSync(site, { recursive: true, force: true });
}
