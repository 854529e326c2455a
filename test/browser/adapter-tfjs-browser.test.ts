/**
 * gatelab/tfjs kernels in real headless Chromium (Debian's /usr/bin/chromium via playwright-core): the
 * webgl (GLSL), webgpu (WGSL) and wasm (SIMD, zero-copy) forward and gradient kernels of every activation
 * must match the cpu
 * kernels, computed in the same page, within FLOAT32_TOLERANCE (adapter-tfjs-fixtures.ts).
 *
 * A backend the browser does not offer is reported as SKIPPED with the reason (never passed); without
 * /usr/bin/chromium the whole file is skipped with that reason (CI installs it first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../src/activations/index.js';
import { compareFloat32, paramSetsFor, TEST_INPUTS } from '../adapter-tfjs-fixtures.js';
import { type BrowserPage, chromiumMissingReason, openBrowserPage } from './harness.js';
import type { BackendProbe, GatelabTfjsPage, KernelResult } from './tfjs-page.js';

const missing = chromiumMissingReason();
if (missing !== undefined) console.warn(`SKIPPED gatelab/tfjs browser tests: ${missing}`);

function key(name: string, params: Record<string, number>): string {
  return `${name}${JSON.stringify(params)}`;
}

describe.skipIf(missing !== undefined)('gatelab/tfjs in headless Chromium', () => {
  let browser: BrowserPage;
  const cpu = new Map<string, KernelResult>();
  const probes = new Map<string, BackendProbe>();
  const results = new Map<string, Promise<Map<string, KernelResult>>>();

  type PageGlobal = { gatelabTfjs: GatelabTfjsPage };
  const probe = (backend: string) =>
    browser.page.evaluate((b) => (globalThis as unknown as PageGlobal).gatelabTfjs.probe(b), backend);
  const run = (backend: string) =>
    browser.page.evaluate((b) => (globalThis as unknown as PageGlobal).gatelabTfjs.run(b), backend);
  const train = (backend: string, names: string[], steps: number) =>
    browser.page.evaluate(([b, n, s]) => (globalThis as unknown as PageGlobal).gatelabTfjs.train(b, n, s), [
      backend,
      names,
      steps,
    ] as [string, string[], number]);

  /** Runs a backend's kernels once (lazily) and indexes the results by activation and params. */
  const resultsFor = (backend: string) => {
    let pending = results.get(backend);
    if (pending === undefined) {
      pending = run(backend).then((list) => new Map(list.map((r) => [key(r.name, r.params), r])));
      results.set(backend, pending);
    }
    return pending;
  };

  beforeAll(async () => {
    // tfjs-backend-wasm fetches its binaries at run time; serve them at the path the page sets.
    const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    const wasmFiles = [
      'tfjs-backend-wasm.wasm',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
    ];
    browser = await openBrowserPage({
      entry: 'test/browser/tfjs-page.ts',
      title: 'gatelab/tfjs browser tests',
      files: Object.fromEntries(wasmFiles.map((file) => [`/tfjs-wasm/${file}`, `${wasmDir}/${file}`])),
    });
    await browser.waitForGlobal('gatelabTfjs');
    for (const backend of ['cpu', 'webgl', 'webgpu', 'wasm']) probes.set(backend, await probe(backend));
    const cpuProbe = probes.get('cpu');
    if (!cpuProbe?.available) throw new Error(`the cpu backend must run in the page: ${cpuProbe?.detail}`);
    for (const [k, r] of await resultsFor('cpu')) cpu.set(k, r);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('the cpu backend in the browser gives the same numbers as in Node (the catalog rounded once)', async () => {
    const { activation } = await import('../../src/activation.js');
    for (const result of cpu.values()) {
      const reference = activation(result.name, result.params);
      const expected = TEST_INPUTS.map((x) => Math.fround(reference.value(x)));
      expect(result.forward, result.name).toEqual(expected);
    }
  });

  for (const backend of ['webgl', 'webgpu', 'wasm']) {
    describe(backend, () => {
      const worst = { forward: 0, gradient: 0, where: '' };

      it(`${backend} is available in headless Chromium (else SKIPPED with the reason)`, (ctx) => {
        const found = probes.get(backend);
        if (found === undefined || !found.available) {
          const console_ = browser.consoleLines.filter((line) => !line.startsWith('[log]')).slice(-3);
          const reason = `${backend} unavailable: ${found?.detail ?? 'not probed'}${console_.length > 0 ? ` | page: ${console_.join(' | ')}` : ''}`;
          console.warn(`SKIPPED ${reason}`);
          ctx.skip(reason);
        }
        console.info(`${backend}: ${found?.detail}`);
        // Chromium has WebAssembly SIMD and tfjs picks its non-threaded build here (the page is not
        // cross-origin isolated), so the SIMD kernels must run zero-copy on the tfjs heap.
        if (backend === 'wasm') expect(found?.wasmPath).toBe('fast');
      });

      for (const spec of registry) {
        for (const params of paramSetsFor(spec.name)) {
          const label = key(spec.name, params);
          it(`${backend} ${label}: forward and gradient match cpu within float32 tolerance`, async (ctx) => {
            const found = probes.get(backend);
            if (found === undefined || !found.available) ctx.skip(`${backend} unavailable: ${found?.detail}`);
            const gpu = (await resultsFor(backend)).get(label);
            const reference = cpu.get(label);
            expect(gpu, `${backend} returned ${label}`).toBeDefined();
            expect(reference).toBeDefined();
            if (gpu === undefined || reference === undefined) return;
            const forward = compareFloat32(gpu.forward, reference.forward, TEST_INPUTS);
            const gradient = compareFloat32(gpu.gradient, reference.gradient, TEST_INPUTS);
            if (forward.worst > worst.forward) worst.forward = forward.worst;
            if (gradient.worst > worst.gradient) {
              worst.gradient = gradient.worst;
              worst.where = label;
            }
            expect(forward.message, 'forward').toBeUndefined();
            expect(gradient.message, 'gradient').toBeUndefined();
          });
        }
      }

      // SwiftShader's WebGPU costs ~0.25 s per training step (dispatch overhead), so it trains fewer models.
      const training = backend === 'webgl' ? ['golu', 'gelu', 'segem', 'learnableGolu'] : ['golu'];
      const steps = backend === 'webgl' ? 40 : 12;
      it(`${backend}: dense models with ${training.join(', ')} train ${steps} Adam steps and the loss falls`, async (ctx) => {
        const found = probes.get(backend);
        if (found === undefined || !found.available) ctx.skip(`${backend} unavailable: ${found?.detail}`);
        for (const { activation, lossBefore, lossAfter } of await train(backend, training, steps)) {
          expect(Number.isFinite(lossAfter), `${activation} loss ${lossAfter}`).toBe(true);
          expect(lossAfter, `${activation}: loss ${lossBefore} -> ${lossAfter}`).toBeLessThan(
            0.7 * lossBefore,
          );
        }
      });

      afterAll(() => {
        if (probes.get(backend)?.available) {
          console.info(
            `${backend}: worst error / tolerance = ${worst.forward.toFixed(3)} (forward), ${worst.gradient.toFixed(3)} (gradient, ${worst.where})`,
          );
        }
      });
    });
  }
});

if (missing !== undefined) {
  describe('gatelab/tfjs in headless Chromium', () => {
    it.skip(`SKIPPED: ${missing}`, () => {});
  });
}
