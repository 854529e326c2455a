/**
 * Browser test harness: bundles a page entry with esbuild, serves it from a localhost static server,
 * and drives Debian's headless Chromium through playwright-core (no browser download; no network).
 *
 * Reusable by any browser test: `openBrowserPage({ entry: 'test/browser/my-page.ts' })` returns the
 * playwright `page` (the entry's globals are ready once `waitForGlobal` resolves), the captured page
 * console, and `close()`.
 *
 * Chromium flags: the project's base set (headless, no sandbox, --disable-gpu, no background
 * networking), plus `--enable-unsafe-swiftshader` and `--enable-unsafe-webgpu`, which allow the software
 * fallbacks newer Chromium versions refuse by default. With Debian's Chromium 156 and no GPU, the page
 * then gets WebGL2 from ANGLE on SwiftShader's Vulkan and a WebGPU adapter from Dawn on the same
 * SwiftShader. Which backends a page actually gets is probed at run time, never assumed.
 * GATELAB_CHROMIUM_PATH overrides the browser path.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium package; GATELAB_CHROMIUM_PATH points elsewhere (e.g. /usr/bin/chromium-browser). */
export const CHROMIUM_PATH = process.env.GATELAB_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when Chromium is installed. */
export function chromiumMissingReason(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `${CHROMIUM_PATH} not found (install it with scripts/install-chromium.sh; .ci/run does)`;
}

export const BASE_CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const SOFTWARE_GPU_FLAGS: readonly string[] = [
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

export interface BrowserPageOptions {
  /** Page entry module (TypeScript), relative to the repository root. */
  entry: string;
  /** Extra Chromium flags (added to the base and software-GPU flags). */
  flags?: readonly string[];
  /** Page title (shown in logs). */
  title?: string;
  /** Extra static files: URL path -> file path relative to the repository root (e.g. .wasm binaries). */
  files?: Readonly<Record<string, string>>;
}

export interface BrowserPage {
  page: Page;
  url: string;
  /** Every console message and page error of the page so far ("[type] text"). */
  consoleLines: string[];
  /** Waits until the entry has set `globalThis[name]`, failing early with the page's errors. */
  waitForGlobal(name: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles the entry for the browser (ESM, one file, source maps inline for readable stack traces). */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript',
  '.json': 'application/json',
};

function contentType(path: string): string {
  return CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
}

async function serve(files: Record<string, { type: string; body: string | Buffer }>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const file = files[path];
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

/** Bundles, serves and opens a page in a fresh headless Chromium profile. */
export async function openBrowserPage(options: BrowserPageOptions): Promise<BrowserPage> {
  const missing = chromiumMissingReason();
  if (missing !== undefined) throw new Error(`cannot start Chromium: ${missing}`);
  const script = await bundle(options.entry);
  const title = options.title ?? options.entry;
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/page.js"></script>`;
  const statics = Object.fromEntries(
    Object.entries(options.files ?? {}).map(([url, file]) => [
      url,
      { type: contentType(file), body: readFileSync(resolve(ROOT, file)) },
    ]),
  );
  const server = await serve({
    ...statics,
    '/': { type: 'text/html', body: html },
    '/page.js': { type: 'text/javascript', body: script },
  });
  // http://localhost is a secure context, which WebGPU requires.
  const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'gatelab-chromium-'));
  let context: BrowserContext | undefined;
  const cleanup = async () => {
    await context?.close().catch(() => undefined);
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...BASE_CHROMIUM_FLAGS, ...SOFTWARE_GPU_FLAGS, ...(options.flags ?? [])],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
    await page.goto(url);
    return {
      page,
      url,
      consoleLines,
      async waitForGlobal(name, timeoutMs = 60_000) {
        try {
          await page.waitForFunction((n) => n in globalThis, name, { timeout: timeoutMs });
        } catch (error) {
          throw new Error(
            `page never defined ${name}: ${(error as Error).message}\n${consoleLines.join('\n')}`,
          );
        }
      },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
