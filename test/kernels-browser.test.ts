/**
 * The fast kernels in headless Chromium: the embedded module compiles asynchronously in the page,
 * results meet the kernel tolerance, and the worker pool runs browser Workers (from a Blob URL)
 * over SharedArrayBuffer on a cross-origin-isolated page (COOP/COEP headers), bit-identical to one
 * thread. Skipped, with the reason, when /usr/bin/chromium is missing.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BASE_CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumMissingReason } from './browser/harness.js';
import type { KernelsPageResult } from './kernels-browser-page.js';

const missing = chromiumMissingReason();
if (missing !== undefined) console.warn(`SKIPPED kernels browser test: ${missing}`);

async function servePage(isolated: boolean): Promise<Server> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./kernels-browser-page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0].text;
  // Cross-origin isolation (needed for SharedArrayBuffer in browsers) comes from these two headers.
  const isolation = isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/') {
      response
        .writeHead(200, { 'content-type': 'text/html', ...isolation })
        .end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript', ...isolation }).end(script);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

async function runPage(isolated: boolean): Promise<KernelsPageResult> {
  const server = await servePage(isolated);
  const profile = mkdtempSync(join(tmpdir(), 'gatelab-kernels-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_CHROMIUM_FLAGS],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://localhost:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'gatelabKernels' in globalThis, undefined, { timeout: 60_000 });
    const result = await page.evaluate(
      () => (globalThis as { gatelabKernels?: KernelsPageResult }).gatelabKernels,
    );
    const failure = await page.evaluate(
      () => (globalThis as { gatelabKernelsError?: string }).gatelabKernelsError,
    );
    if (!result) throw new Error(`page failed: ${failure ?? errors.join('\n')}`);
    return result;
  } finally {
    await context.close();
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(missing !== undefined)('kernels in headless Chromium', () => {
  it('cross-origin isolated: SIMD kernels within tolerance, pool on Workers bit-identical', async () => {
    const r = await runPage(true);
    expect(r.backend).toBe('wasm-simd');
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.sharedMemory).toBe(true);
    expect(r.violations).toEqual([]);
    expect(r.checked).toBeGreaterThan(80_000);
    expect(r.poolWorkers).toBe(2);
    expect(r.poolBitIdentical).toBe(true);
    expect(r.poolSharedBitIdentical).toBe(true);
  });

  it('not isolated: no SharedArrayBuffer, the pool falls back to one thread with the same results', async () => {
    const r = await runPage(false);
    expect(r.backend).toBe('wasm-simd');
    expect(r.sharedMemory).toBe(false);
    expect(r.poolWorkers).toBe(0);
    expect(r.poolBitIdentical).toBe(true);
    expect(r.poolSharedBitIdentical).toBe(true);
  });
});
