/**
 * The explorer page in real headless Chromium (Debian's /usr/bin/chromium via playwright-core), built
 * with the production Vite config and served by `gatelab explore`'s server, with the network cut off
 * (every request not to that server is aborted and recorded; none may happen).
 *
 * Screenshots of each panel go to GATELAB_EXPLORER_SCREENSHOTS (docs/explorer for the README:
 * `GATELAB_EXPLORER_SCREENSHOTS=docs/explorer npx vitest run test/browser/explorer.test.ts`), else to a
 * temporary folder. Without Chromium the file is skipped with the reason; WebGPU training is skipped
 * with the reason where the browser offers no adapter.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  groupOutcomes,
  judgeComparison,
  type RunOutcome,
  verdictGroups,
} from '../../src/lab/compare/stats.js';
import { formatCompareTable } from '../../src/lab/compare/table.js';
import { activationStats } from '../../src/lab/fn/stats.js';
import { readJsonObject } from '../../src/lab/runs/files.js';
import { findRunDirs, loadRun } from '../../src/lab/runs/read.js';
import type { RunSummary } from '../../src/lab/train/run.js';
import {
  buildExplorerSite,
  canvasHash,
  colouredPixels,
  type ExplorerSession,
  openExplorer,
} from './explorer-harness.js';
import { chromiumMissingReason } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the gatelab CLI from source (as the other CLI tests do); returns stdout, throws with stderr. */
function gatelab(args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`gatelab ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

const missing = chromiumMissingReason();
if (missing !== undefined) console.warn(`SKIPPED explorer browser tests: ${missing}`);

const shots =
  process.env.GATELAB_EXPLORER_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'gatelab-explorer-shots-'));
mkdirSync(shots, { recursive: true });

type Probe = {
  state(): {
    panel: string;
    entries: { name: string; params: Record<string, number> }[];
    range: number[];
    mu: number;
    sigma: number;
    theme: string;
  };
  training: {
    phase: string;
    error: string;
    live: { device: string; note: string; loss: (number | null)[][]; doneSteps: number } | null;
    comparison: { table: string } | null;
  };
  exports: Record<string, string>;
};

describe.skipIf(missing !== undefined)('explorer page in headless Chromium', () => {
  let site = '';
  let session: ExplorerSession;
  let zipFile = '';
  const work = mkdtempSync(join(tmpdir(), 'gatelab-explorer-test-'));

  /** Runs fn on the page's window.gatelabExplorer (fn is sent as source text; it must not close over anything). */
  const probe = <T>(fn: (p: Probe) => T): Promise<T> =>
    session.page.evaluate(`(${fn.toString()})(globalThis.gatelabExplorer)`) as Promise<T>;
  /** Opens the page afresh (a real load, not a same-document hash change) at this hash. */
  const goto = async (hash: string) => {
    await session.page.goto('about:blank');
    await session.page.goto(`${session.server.url}#${hash}`);
    await session.page.waitForFunction(() => 'gatelabExplorer' in globalThis);
  };

  /** Opens the train panel at `query`, presses Start and waits (up to `timeoutMs`) until training is done or failed. */
  const trainInPage = async (query: string, timeoutMs: number) => {
    await goto(`panel=train&${query}`);
    await session.page.locator('#train-start').click();
    await session.page.waitForFunction(
      () =>
        ['done', 'error'].includes(
          (globalThis as unknown as { gatelabExplorer: Probe }).gatelabExplorer.training.phase,
        ),
      null,
      { timeout: timeoutMs },
    );
  };

  beforeAll(async () => {
    site = await buildExplorerSite();
    session = await openExplorer(site);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    if (site) rmSync(site, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("loads with no console error and draws f, f', f'' and the gate of every activation", async () => {
    await goto('');
    for (const id of ['chart-f', 'chart-d1', 'chart-d2', 'chart-gate']) {
      await session.page.waitForSelector(`#${id} canvas`);
      expect(await colouredPixels(session.page, id), id).toBeGreaterThan(500);
    }
    const state = await probe((p) => p.state());
    expect(state.entries.map((e) => e.name)).toEqual(['golu', 'gelu', 'swish', 'mish', 'gem']);
    // Hover: the legend shows x and every value at the cursor.
    const box = (await session.page.locator('#chart-f .u-over').boundingBox())!;
    await session.page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
    const legend = await session.page.locator('#chart-f .u-legend').textContent();
    expect(legend).toMatch(/golu:?\s*-?\d/);
    await session.page.mouse.move(0, 0);
    await session.page.screenshot({ path: join(shots, 'curves.png') });
    // The mouse wheel zooms around the cursor, dragging pans (real input events).
    const range = () => probe((p) => p.state().range);
    await session.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await session.page.mouse.wheel(0, -100);
    await expect.poll(async () => (await range())[1] - (await range())[0]).toBeLessThan(9);
    const zoomed = await range();
    await session.page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await session.page.mouse.down();
    await session.page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
    await session.page.mouse.up();
    await expect.poll(async () => (await range())[0]).toBeGreaterThan(zoomed[0] + 0.5);
    const panned = await range();
    expect(panned[1] - panned[0]).toBeCloseTo(zoomed[1] - zoomed[0], 4); // a pan keeps the width
    expect(session.errors).toEqual([]);
  });

  it('a parameter slider changes the curve and the URL; the text box takes exact values', async () => {
    await goto('act=golu,relu');
    // The same activation twice: "copy" duplicates golu, then its copy gets another gamma.
    await session.page.getByRole('button', { name: 'Duplicate golu' }).click();
    await expect
      .poll(() => probe((p) => p.state().entries.map((e) => e.name)))
      .toEqual(['golu', 'golu', 'relu']);
    const before = await canvasHash(session.page, 'chart-f');
    await session.page.locator('#curves-1-gamma-slider').fill('800');
    await session.page.waitForFunction(() => location.hash.includes('act=golu,golu:gamma='));
    const gamma = await probe((p) => p.state().entries[1].params.gamma);
    expect(gamma).toBeGreaterThan(1);
    expect(await canvasHash(session.page, 'chart-f')).not.toBe(before);
    // Every chart's legend names both entries (labels change in place, the charts are not rebuilt).
    for (const id of ['chart-f', 'chart-d1', 'chart-d2', 'chart-gate']) {
      const legend = (await session.page.locator(`#${id} .u-legend`).textContent()) ?? '';
      expect(legend, id).toContain(`golu(gamma=${gamma})`);
      expect(legend.match(/golu/g)?.length, id).toBe(2);
    }
    // GoLU's gamma slider is log-scaled over the catalog's range (0.01 .. 100 around the default 1).
    await expect
      .poll(() => session.page.locator('label[for="curves-1-gamma-slider"]').textContent())
      .toContain('log');
    await session.page.locator('#curves-1-gamma-slider').fill('0');
    await expect.poll(() => probe((p) => p.state().entries[1].params.gamma)).toBe(0.01);
    await session.page.locator('#curves-1-gamma-slider').fill('500');
    await expect.poll(() => probe((p) => p.state().entries[1].params.gamma ?? 1)).toBe(1);
    await session.page.locator('#curves-1-gamma-slider').fill('1000');
    await expect.poll(() => probe((p) => p.state().entries[1].params.gamma)).toBe(100);
    // Exact value, and an invalid one is refused with the catalog's message.
    await session.page.locator('#curves-1-gamma-text').fill('2.5');
    await session.page.locator('#curves-1-gamma-text').press('Enter');
    await session.page.waitForFunction(() => location.hash.includes('act=golu,golu:gamma=2.5,relu'));
    await session.page.locator('#curves-1-gamma-text').fill('-1');
    await session.page.locator('#curves-1-gamma-text').press('Enter');
    await expect
      .poll(() => session.page.locator('.param .error').textContent())
      .toMatch(/gamma.*\(0, Infinity\).*-1/);
    // Duplicate, zoom, pan by keyboard-operable buttons.
    await session.page.getByRole('button', { name: 'Zoom in' }).click();
    await session.page.getByRole('button', { name: 'Pan right' }).click();
    const range = await probe((p) => p.state().range);
    expect(range[0]).toBeCloseTo(-3.2, 6); // zoom: [-4, 4]; pan by a tenth: + 0.8
    expect(range[1]).toBeCloseTo(4.8, 6);
    // GEM's n moves in whole steps over 1..64, by keyboard too (real key presses on the slider).
    await goto('act=gem');
    const n = session.page.locator('#curves-0-n-slider');
    await expect
      .poll(() => session.page.locator('label[for="curves-0-n-slider"]').textContent())
      .toContain('integer');
    expect(await n.getAttribute('max')).toBe('63');
    const n0 = await probe((p) => p.state().entries[0].params.n ?? null);
    const start = Number(await session.page.locator('#curves-0-n-text').inputValue());
    expect(n0).toBeNull(); // the default is not written into the state
    await n.focus();
    await session.page.keyboard.press('ArrowRight');
    await session.page.keyboard.press('ArrowRight');
    await expect.poll(() => probe((p) => p.state().entries[0].params.n)).toBe(start + 2);
    await expect.poll(() => session.page.locator('#curves-0-n-text').inputValue()).toBe(String(start + 2));
    expect(session.errors).toEqual([]);
  });

  it('a URL with state restores it exactly', async () => {
    const hash =
      'panel=curves&act=golu:gamma=2,segem:n=2:lambda=0.1,relu&x=-3,2.5&mu=0.5&sigma=2&task=text-gpt&tact=relu,golu&seeds=3,4&lr=0.002&opt=sgd&steps=40&batch=16&device=wasm&theme=dark';
    await goto(hash);
    expect(await session.page.evaluate(() => location.hash.slice(1))).toBe(hash);
    const state = await probe((p) => p.state());
    expect(state.entries).toEqual([
      { name: 'golu', params: { gamma: 2 } },
      { name: 'segem', params: { n: 2, lambda: 0.1 } },
      { name: 'relu', params: {} },
    ]);
    expect(state.range).toEqual([-3, 2.5]);
    expect(await session.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await session.page.locator('#curves-1-n-text').inputValue()).toBe('2');
    await session.page.screenshot({ path: join(shots, 'curves-dark.png') });
    await session.page.getByRole('tab', { name: 'Training' }).click();
    await expect.poll(() => session.page.evaluate(() => location.hash)).toContain('panel=train');
    expect(await session.page.locator('#train-preset').inputValue()).toBe('text-gpt');
    expect(await session.page.locator('#train-seeds').inputValue()).toBe('3,4');
    expect(await session.page.locator('#train-optimizer').inputValue()).toBe('sgd');
    // A URL pasted into the same tab (a hash change, no reload) restores its state too.
    await session.page.evaluate(() => {
      location.hash = 'panel=curves&act=relu,gem:n=3&x=-1,1&theme=light';
    });
    await expect
      .poll(() => probe((p) => p.state().entries))
      .toEqual([
        { name: 'relu', params: {} },
        { name: 'gem', params: { n: 3 } },
      ]);
    expect(await probe((p) => p.state().range)).toEqual([-1, 1]);
    expect(await session.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(session.errors).toEqual([]);
  });

  it('statistics: the numbers of gatelab stats, live under the mu/sigma sliders, with a figure', async () => {
    await goto('panel=stats&act=golu,gelu,relu&mu=0&sigma=1');
    await session.page.waitForSelector('#stats-table tbody tr[data-activation="golu"]');
    const read = () =>
      session.page.evaluate(() =>
        Array.from(document.querySelectorAll('#stats-table tbody tr')).map((tr) => ({
          name: (tr as HTMLElement).dataset.activation,
          variance: Number(tr.querySelector('[data-key="variance"]')!.textContent),
          meanSquaredSlope: Number(tr.querySelector('[data-key="meanSquaredSlope"]')!.textContent),
        })),
      );
    const rows = await read();
    expect(rows.map((r) => r.name)).toEqual(['golu', 'relu', 'gelu']); // ranked by variance
    for (const row of rows) {
      const node = activationStats(row.name!, {}, { mu: 0, sigma: 1 });
      expect(row.variance).toBeCloseTo(node.moments.variance.value, 9);
      expect(row.meanSquaredSlope).toBeCloseTo(node.moments.meanSquaredSlope.value, 9);
    }
    // Cell for cell the table of `gatelab stats` (the CLI itself, in a child process), in its order.
    await goto('panel=stats&act=golu,gelu,relu,elu&mu=0.5&sigma=2');
    await session.page.waitForSelector('#stats-table tbody tr[data-activation="elu"]');
    const cli = gatelab(['stats', 'golu', 'gelu', 'relu', 'elu', '--mu', '0.5', '--sigma', '2']);
    const lines = cli.split('\n');
    const ruler = lines.findIndex((line) => /^-+( +-+)+$/.test(line));
    const cliRows = lines.slice(ruler + 1, ruler + 5).map((line) => line.trim().split(/\s{2,}/));
    expect(cliRows.map((r) => r[0]).sort()).toEqual(['elu', 'gelu', 'golu', 'relu']);
    const pageRows = await session.page.evaluate(() =>
      Array.from(document.querySelectorAll('#stats-table tbody tr')).map((tr) =>
        Array.from(tr.querySelectorAll('td, th'))
          .slice(1) // the rank
          .flatMap((cell) =>
            (cell as HTMLTableCellElement).colSpan === 4 ? ['-', '-', '-', '-'] : [cell.textContent],
          ),
      ),
    );
    expect(pageRows).toEqual(cliRows);
    await goto('panel=stats&act=golu,gelu,relu&mu=0&sigma=1');
    await session.page.waitForSelector('#stats-table tbody tr[data-activation="golu"]');
    await session.page.waitForSelector('#stats-figure svg .mark-rect path', { state: 'attached' });
    const [svg] = await Promise.all([
      session.page.waitForEvent('download'),
      session.page.getByRole('button', { name: 'Export stats as SVG' }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe('stats.svg');
    expect(await probe((p) => p.exports.stats)).toContain('Var[f(X)]');
    await session.page.locator('#sigma-slider').fill('700');
    await expect.poll(() => session.page.evaluate(() => location.hash)).toMatch(/sigma=(?!1&)/);
    const sigma = await probe((p) => p.state().sigma);
    await expect
      .poll(async () => (await read()).find((r) => r.name === 'golu')?.variance)
      .toBeCloseTo(activationStats('golu', {}, { mu: 0, sigma }).moments.variance.value, 8);
    await session.page.screenshot({ path: join(shots, 'stats.png'), fullPage: true });
    expect(session.errors).toEqual([]);
  });

  const train = async (device: 'wasm' | 'webgpu', activations: string) => {
    await trainInPage(
      `task=mnist-mlp&tact=${activations}&seeds=0&steps=20&batch=32&device=${device}`,
      400_000,
    );
    const result = await probe((p) => ({
      ...p.training,
      live: p.training.live && {
        device: p.training.live.device,
        note: p.training.live.note,
        loss: p.training.live.loss,
      },
    }));
    expect(result.error).toBe('');
    expect(result.live!.device).toBe(device);
    for (const loss of result.live!.loss) {
      expect(loss.every((v) => v !== null && Number.isFinite(v))).toBe(true);
      const first = (loss[0]! + loss[1]!) / 2;
      const last = (loss[18]! + loss[19]!) / 2;
      expect(last).toBeLessThan(first * 0.7);
    }
    expect(result.comparison!.table).toMatch(/Ranking by mean test accuracy/);
    return result;
  };

  it('20 training steps in the page lower the loss on WebAssembly; the download is a run folder gatelab report renders', {
    timeout: 420_000,
  }, async () => {
    await train('wasm', 'golu,relu');
    expect(await colouredPixels(session.page, 'chart-loss')).toBeGreaterThan(200);
    await expect
      .poll(() => session.page.locator('#train-status').textContent())
      .toMatch(/^done · device wasm .*· 40\/40 steps · \d+(\.\d)? steps\/s$/);
    await session.page.screenshot({ path: join(shots, 'train.png'), fullPage: true });
    const [download] = await Promise.all([
      session.page.waitForEvent('download'),
      session.page.locator('#train-download').click(),
    ]);
    zipFile = join(work, 'runs.zip');
    await download.saveAs(zipFile);
    const files = unzipSync(readFileSync(zipFile));
    const unpacked = join(work, 'unzipped');
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(unpacked, path)), { recursive: true });
      writeFileSync(join(unpacked, path), bytes);
    }
    const runDirs = findRunDirs([unpacked]);
    const runs = runDirs.map(loadRun);
    expect(runs.map((r) => r.label).sort()).toEqual(['golu', 'relu']);
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(run.steps).toHaveLength(20);
      expect(run.test!.accuracy).toBeGreaterThan(0.5);
    }
    // The page's table is the lab's: grouped, judged and laid out by src/lab/compare/ from the
    // downloaded run folders' summaries alone, it comes out the same, byte for byte.
    const compareDir = dirname(runDirs[0]);
    const tableText = readFileSync(join(compareDir, 'table.txt'), 'utf8');
    const outcomes: RunOutcome[] = ['golu', 'relu'].map((label) => {
      const i = runs.findIndex((r) => r.label === label);
      const summary = readJsonObject(join(runDirs[i], 'summary.json')) as unknown as RunSummary;
      return { label, name: label, params: {}, seed: runs[i].seed, summary };
    });
    const groups = groupOutcomes(outcomes);
    const verdict = judgeComparison(verdictGroups(groups, 'classification'), 'classification');
    const head = tableText.split('\n');
    const details = head.slice(1, head.indexOf('')).map((line) => line.replace(/^ {2}/, ''));
    expect(formatCompareTable({ title: head[0], details, kind: 'classification', groups, verdict })).toBe(
      tableText,
    );
    const compareJson = JSON.parse(readFileSync(join(compareDir, 'compare.json'), 'utf8'));
    expect(compareJson.verdict.ranking.map((r: { label: string }) => r.label)).toEqual(
      verdict.ranking.map((r) => r.label),
    );
    // `gatelab report` itself (the CLI, in a child process) renders the unpacked folder.
    const reportFile = join(work, 'report.html');
    expect(gatelab(['report', compareDir, '--out', reportFile])).toContain(`wrote ${reportFile}`);
    const html = readFileSync(reportFile, 'utf8');
    expect(html).toContain('golu');
    expect(html).toContain('relu');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/damaged/i);
    expect(session.errors).toEqual([]);
  });

  it('20 training steps lower the loss on WebGPU (where the browser offers it)', {
    timeout: 420_000,
  }, async (ctx) => {
    await goto('');
    const reason = await session.page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (gpu === undefined) return 'navigator.gpu is undefined';
      return (await gpu.requestAdapter()) === null ? 'navigator.gpu.requestAdapter() returned null' : '';
    });
    if (reason !== '') {
      console.warn(`SKIPPED explorer training on WebGPU: ${reason}`);
      ctx.skip();
    }
    // One run: SwiftShader's software WebGPU takes about a second per step here.
    await train('webgpu', 'golu');
    expect(session.errors).toEqual([]);
  });

  it('pause holds the steps, resume continues, stop evaluates every run where it stands', {
    timeout: 300_000,
  }, async () => {
    await goto('panel=train&task=mnist-mlp&tact=relu&seeds=0,1&steps=400&batch=32&device=wasm');
    await session.page.locator('#train-start').click();
    const done = () => probe((p) => p.training.live?.doneSteps ?? 0);
    await expect.poll(done, { timeout: 120_000 }).toBeGreaterThan(4);
    // Two seeds: one mean line and a min..max band (two hidden edge series) per activation.
    const legend = await session.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('#chart-loss .u-legend .u-series')).map((row) => ({
        label: row.querySelector('.u-label')?.textContent,
        shown: row.style.display !== 'none',
      })),
    );
    expect(legend.slice(1)).toEqual([
      { label: 'relu', shown: true },
      { label: 'relu low', shown: false },
      { label: 'relu high', shown: false },
    ]);
    await session.page.locator('#train-pause').click();
    await expect.poll(() => probe((p) => p.training.phase)).toBe('paused');
    const held = await done();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await done()).toBe(held);
    await session.page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(done, { timeout: 60_000 }).toBeGreaterThan(held + 2);
    await session.page.locator('#train-stop').click();
    await expect.poll(() => probe((p) => p.training.phase), { timeout: 120_000 }).toBe('done');
    const table = await probe((p) => p.training.comparison!.table);
    expect(table).toMatch(/stopped early/);
    expect(table).toMatch(/relu .*2\/2/);
    expect(session.errors).toEqual([]);
  });

  it('the small CNN and the char GPT train in the page too', { timeout: 300_000 }, async () => {
    for (const task of ['mnist-cnn', 'text-gpt']) {
      await trainInPage(`task=${task}&tact=golu&seeds=0&steps=6&batch=16&device=wasm`, 240_000);
      const result = await probe((p) => ({
        error: p.training.error,
        loss: p.training.live?.loss[0],
        table: p.training.comparison?.table,
      }));
      expect(result.error, task).toBe('');
      expect(
        result.loss!.every((v) => v !== null && Number.isFinite(v)),
        task,
      ).toBe(true);
      expect(result.table, task).toMatch(task === 'text-gpt' ? /test ppl/ : /test acc/);
    }
    expect(session.errors).toEqual([]);
  });

  it('dropping a compare.json shows its table; a sweep result its heatmaps; a zip of run folders the report', async () => {
    expect(zipFile, 'needs the zip of the WebAssembly training test').not.toBe('');
    await goto('panel=results');
    const files = unzipSync(readFileSync(zipFile));
    const comparePath = Object.keys(files).find((p) => p.endsWith('/compare.json'))!;
    const drop = (name: string, base64: string) =>
      session.page.evaluate(
        ({ name, base64 }) => {
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name));
          document
            .getElementById('drop-zone')!
            .dispatchEvent(
              new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
            );
        },
        { name, base64 },
      );
    await drop('compare.json', Buffer.from(files[comparePath]).toString('base64'));
    await session.page.waitForSelector('.compare-table');
    const table = await session.page.locator('.compare-table').textContent();
    expect(table).toMatch(/golu/);
    expect(table).toMatch(/Ranking by mean test accuracy/);
    await session.page.waitForSelector('[data-comparison] svg .mark-rect path', { state: 'attached' });
    // A sweep's merged result (format of src/lab/sweep/merge.ts): a two-axis grid -> heatmaps.
    const cells = ['golu', 'relu'].flatMap((activation, a) =>
      ['0.01', '0.001'].flatMap((lr, l) =>
        ['1', '2'].map((depth, d) => ({
          axes: { activation, lr, depth },
          task: 'mnist-mlp',
          metric: 'test.accuracy',
          seeds: 2,
          completed: 2,
          diverged: 0,
          failed: 0,
          missing: 0,
          value: { n: 2, mean: 0.9 + 0.01 * (a + l + d), std: 0.01, sem: 0.007, min: 0.89, max: 0.93 },
          testLoss: null,
        })),
      ),
    );
    const merged = {
      format: 'gatelab-sweep-merge',
      name: 'grid',
      description: '',
      axes: ['activation', 'lr', 'depth', 'seed'],
      trials: 16,
      finished: 16,
      cells,
      best: [],
      rows: [],
    };
    await drop('results.json', Buffer.from(JSON.stringify(merged)).toString('base64'));
    await session.page.waitForSelector('[data-sweep] svg .mark-rect path', { state: 'attached' });
    expect(await session.page.locator('[data-sweep] table').first().textContent()).toContain('golu');
    await drop('runs.zip', readFileSync(zipFile).toString('base64'));
    await session.page.waitForSelector('#results-report');
    const report = await session.page.locator('#results-report').getAttribute('srcdoc');
    expect(report).toContain('<svg');
    expect(report).toContain('training curves');
    await session.page.screenshot({ path: join(shots, 'results.png'), fullPage: true });
    expect(session.errors).toEqual([]);
  });

  it("opens run folders as files: a picked folder, one run folder's files; files without folders are named", async () => {
    const unpacked = join(work, 'unzipped');
    expect(existsSync(unpacked), 'needs the unzipped download of the WebAssembly training test').toBe(true);
    await goto('panel=results');
    const status = session.page.locator('#results-status');
    // The folder picker (webkitdirectory): the comparison folder with compare.json and two run folders.
    await session.page.locator('#results-folder').setInputFiles(unpacked);
    await expect.poll(() => status.textContent()).toContain('1 comparison(s), 2 run folder(s)');
    await expect
      .poll(() => session.page.locator('.compare-table').textContent())
      .toContain('Ranking by mean test accuracy');
    expect(await session.page.locator('#results-report').getAttribute('srcdoc')).toContain('training curves');
    // One run folder's files chosen as files.
    const run = findRunDirs([unpacked]).find((dir) => loadRun(dir).label === 'golu')!;
    await session.page
      .locator('#results-files')
      .setInputFiles(['config.json', 'summary.json', 'metrics.jsonl'].map((f) => join(run, f)));
    await expect.poll(() => status.textContent()).toContain('0 comparison(s), 1 run folder(s)');
    const srcdoc = await session.page.locator('#results-report').getAttribute('srcdoc');
    expect(srcdoc).toContain('golu');
    expect(srcdoc).toContain('<svg');
    // Two runs' files without their folders cannot be told apart: the page says so.
    const both = findRunDirs([unpacked]).flatMap((dir) =>
      ['config.json', 'summary.json'].map((f) => join(dir, f)),
    );
    expect(new Set(both.map((f) => basename(f))).size).toBe(2);
    await session.page.locator('#results-files').setInputFiles(both);
    await expect
      .poll(() => session.page.locator('.results .error').first().textContent())
      .toContain("2 files are named 'config.json' (files without their folders)");
    expect(session.errors).toEqual([]);
  });

  it('exports figures as SVG and PNG', async () => {
    await goto('act=golu,gelu');
    const [svg] = await Promise.all([
      session.page.waitForEvent('download'),
      session.page.getByRole('button', { name: 'Export curves as SVG' }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe('curves.svg');
    const text = await probe((p) => p.exports.curves);
    expect(text).toMatch(/^<svg/);
    expect(text).toContain('golu');
    const [png] = await Promise.all([
      session.page.waitForEvent('download'),
      session.page.getByRole('button', { name: 'Export curves as PNG' }).click(),
    ]);
    const file = join(work, 'curves.png');
    await png.saveAs(file);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    expect(session.errors).toEqual([]);
  });

  it('is usable on a phone-sized viewport and by keyboard, with every control labelled', async () => {
    await session.page.setViewportSize({ width: 390, height: 844 });
    for (const panel of ['curves', 'stats', 'train', 'results']) {
      await goto(`panel=${panel}`);
      if (panel === 'stats') await session.page.waitForSelector('#stats-table tbody tr');
      const overflow = await session.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow, panel).toBeLessThanOrEqual(1);
      if (panel === 'curves') {
        expect(await colouredPixels(session.page, 'chart-f')).toBeGreaterThan(200);
        await session.page.screenshot({ path: join(shots, 'phone.png') });
      }
      const unlabelled = await session.page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, button'))
          .filter((el) => {
            const e = el as HTMLInputElement;
            const named =
              e.labels?.length ||
              e.getAttribute('aria-label') ||
              (el.tagName === 'BUTTON' && el.textContent?.trim());
            return !named;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, panel).toEqual([]);
    }
    await goto('');
    // Tabs move with the arrow keys.
    await session.page.locator('#tab-curves').focus();
    await session.page.keyboard.press('ArrowRight');
    await expect.poll(() => probe((p) => p.state().panel)).toBe('stats');
    await session.page.setViewportSize({ width: 1200, height: 860 });
  });

  it('switches between light and dark themes (and follows the system in auto)', async () => {
    const background = () => session.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await goto('theme=light');
    const light = await background();
    await session.page.locator('#theme-select').selectOption('dark');
    await expect.poll(() => session.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).not.toBe(light);
    await expect.poll(() => session.page.evaluate(() => location.hash)).toContain('theme=dark');
    expect(await colouredPixels(session.page, 'chart-f')).toBeGreaterThan(500); // charts rebuilt, drawn
    await session.page.emulateMedia({ colorScheme: 'dark' });
    await goto('theme=auto');
    expect(await session.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await session.page.emulateMedia({ colorScheme: 'light' });
    await goto('theme=auto');
    expect(await session.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(session.errors).toEqual([]);
  });

  it('made no request outside its own server (network cut off throughout)', () => {
    expect(session.outside).toEqual([]);
  });
});
