/**
 * Shared by the explorer's browser tests and `npm run bench:explorer`: builds the site (Vite, the same
 * config as `npm run build`) into a temporary folder, serves it with `gatelab explore`'s server and
 * opens it in headless Chromium (flags of harness.ts) with every request that is not to that server
 * aborted and recorded, so "no request leaves the page" is checked on every test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { type ExplorerServer, startExplorerServer } from '../../src/cli/explore.js';
import { BASE_CHROMIUM_FLAGS, CHROMIUM_PATH, SOFTWARE_GPU_FLAGS } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the explorer into a fresh temporary folder; returns the folder. */
export async function buildExplorerSite(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'gatelab-explorer-'));
  await build({
    configFile: join(ROOT, 'src/explorer/vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface ExplorerSession {
  server: ExplorerServer;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors so far. */
  errors: string[];
  /** Requests that went anywhere but the explorer's own server (all aborted). */
  outside: string[];
  close(): Promise<void>;
}

export async function openExplorer(
  siteDir: string,
  viewport = { width: 1200, height: 860 },
): Promise<ExplorerSession> {
  const server = await startExplorerServer({ dir: siteDir, port: 0 });
  const profile = mkdtempSync(join(tmpdir(), 'gatelab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_CHROMIUM_FLAGS, ...SOFTWARE_GPU_FLAGS],
    viewport,
    acceptDownloads: true,
  });
  const outside: string[] = [];
  const origin = new URL(server.url).origin;
  // The network is cut off: only the page's own origin answers (data: and blob: URLs never reach here).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    server,
    context,
    page,
    errors,
    outside,
    async close() {
      await context.close().catch(() => undefined);
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Coloured (non-grey) pixels of the canvas inside #id: a chart with drawn series has thousands. */
export async function colouredPixels(page: Page, id: string): Promise<number> {
  return page.evaluate((chartId) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`#${chartId} canvas`);
    if (!canvas) return -1;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a > 0 && Math.abs(r - g) + Math.abs(g - b) + Math.abs(r - b) > 60) n++;
    }
    return n;
  }, id);
}

/** A cheap fingerprint of a chart canvas, to see that a redraw changed it. */
export async function canvasHash(page: Page, id: string): Promise<number> {
  return page.evaluate((chartId) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`#${chartId} canvas`)!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0;
    for (let i = 0; i < data.length; i += 7) h = (h * 31 + data[i]) | 0;
    return h;
  }, id);
}
