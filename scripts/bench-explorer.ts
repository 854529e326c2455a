/**
 * `npm run bench:explorer`: how long a slider move takes to redraw the curves panel in headless
 * Chromium — 5 activations (golu, gelu, swish, mish, gem) x 1,000 points x f, f', f'', gate, four uPlot
 * charts — measured in the page from the slider's input event until the redraw's task has finished,
 * over many moves of GoLU's gamma slider. Also prints the sampling alone on the fast (WebAssembly
 * kernel) path the page uses and on the exact float64 path. Not a test: timings depend on the machine.
 *
 *   npm run bench:explorer -- [--moves 200] [--dir dist/explorer]
 */
import { rmSync } from 'node:fs';
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

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const describe = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `median ${quantile(s, 0.5).toFixed(2)} ms, p95 ${quantile(s, 0.95).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms`;
};

const site = given ?? (await buildExplorerSite());
const session = await openExplorer(site);
try {
  await session.page.goto(`${session.server.url}#act=golu,gelu,swish,mish,gem&x=-5,5`);
  await session.page.waitForSelector('#chart-gate canvas');
  // Sent as source text: tsx would wrap named inner functions in a helper the page does not have.
  const result = (await session.page.evaluate(`(async (n) => {
    const slider = document.getElementById('curves-0-gamma-slider');
    const probe = globalThis.gatelabExplorer;
    const task = () => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
    const redraw = [];
    const sampling = [];
    for (let i = 0; i < n; i++) {
      slider.value = String(300 + ((i * 37) % 500));
      const t0 = performance.now();
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await task();
      redraw.push(performance.now() - t0);
      sampling.push(probe.curveTiming.sampleMs);
      await new Promise((r) => requestAnimationFrame(r));
    }
    const fast = [];
    const exact = [];
    for (let i = 0; i < 20; i++) {
      fast.push(probe.sampleCurves(false));
      exact.push(probe.sampleCurves(true));
    }
    return { redraw, sampling, fast, exact, hash: location.hash };
  })(${moves})`)) as { redraw: number[]; sampling: number[]; fast: number[]; exact: number[]; hash: string };
  if (!result.hash.includes('golu:gamma='))
    throw new Error(`the slider did not change the state: ${result.hash}`);
  const agent = await session.page.evaluate(() => navigator.userAgent);
  const version = /Chrome\/[\d.]+/.exec(agent)?.[0] ?? agent;
  console.log(
    `Explorer slider redraw, ${moves} moves of golu's gamma, 5 activations x 1,000 points, headless ${version}:`,
  );
  console.log(`  input event -> curves sampled and 4 charts redrawn: ${describe(result.redraw.slice(5))}`);
  console.log(`  of which sampling (fast path):                      ${describe(result.sampling.slice(5))}`);
  console.log(`  sampling alone, fast WebAssembly path:              ${describe(result.fast.slice(2))}`);
  console.log(`  sampling alone, exact float64 path:                 ${describe(result.exact.slice(2))}`);
  console.log('  frame budget at 60 Hz: 16.7 ms');
  if (session.errors.length > 0) console.log(`page errors: ${session.errors.join('; ')}`);
} finally {
  await session.close();
  if (given === undefined) rmSync(site, { recursive: true, force: true });
}
