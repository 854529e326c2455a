/**
 * gatelab/jax on jax-js's browser devices (wasm, webgpu, webgl) in real headless Chromium (Debian's
 * /usr/bin/chromium via playwright-core): forward and gradient of every activation must match the
 * catalog within float32 tolerance on each device the browser offers.
 *
 * A device the browser does not offer is reported as SKIPPED with the reason (never passed);
 * without /usr/bin/chromium the whole file is skipped with that reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../../src/activation.js';
import { registry } from '../../src/activations/index.js';
import { type BrowserPage, chromiumMissingReason, openBrowserPage } from './harness.js';
import { type GatelabJaxPage, JAX_BROWSER_INPUTS, type JaxDeviceResult } from './jax-page.js';

const EPS32 = 2 ** -23;
/**
 * Condition-scaled float32 ulps allowed: the wasm device needs ~3 (as in Node); GPUs may flush
 * subnormals and WGSL/GLSL allow 2.5 ulp division, so the same bound with a wider margin.
 */
const K = 32;
const ABSOLUTE = 2 ** -100;

const missing = chromiumMissingReason();
if (missing !== undefined) console.warn(`SKIPPED gatelab/jax browser tests: ${missing}`);

function worstError(result: JaxDeviceResult): { forward: number; gradient: number; where: string } {
  const reference = activation(result.name);
  let forward = 0;
  let gradient = 0;
  let where = '';
  JAX_BROWSER_INPUTS.forEach((x, i) => {
    const h = 1e-4 * Math.max(1, Math.abs(x));
    const second = (reference.derivative(x + h) - reference.derivative(x - h)) / (2 * h);
    const f = reference.value(x);
    const d = reference.derivative(x);
    const fe = Math.abs(result.forward[i] - f) / (EPS32 * (Math.abs(f) + Math.abs(x * d)) + ABSOLUTE);
    const ge = Math.abs(result.gradient[i] - d) / (EPS32 * (Math.abs(d) + Math.abs(x * second)) + ABSOLUTE);
    const fRatio = Number.isNaN(fe) ? Number.POSITIVE_INFINITY : fe;
    const gRatio = Number.isNaN(ge) ? Number.POSITIVE_INFINITY : ge;
    if (fRatio > forward) {
      forward = fRatio;
      if (fRatio > K) where = `f(${x}) = ${result.forward[i]}, catalog ${f}`;
    }
    if (gRatio > gradient) {
      gradient = gRatio;
      if (gRatio > K) where = `f'(${x}) = ${result.gradient[i]}, catalog ${d}`;
    }
  });
  return { forward, gradient, where };
}

/**
 * Activations whose kernels jax-js 0.1.25's WebGL backend can run: its GLSL generator re-inlines
 * every shared subexpression (no temporaries), so compositions that reuse subexpressions (exp's
 * polynomial, rational gates) become shaders that Chromium loses the context on. jax-js's own
 * nn.sigmoid runs there; ours does not. Only these piecewise-linear ones are checked on webgl.
 */
const WEBGL_SUPPORTED = ['relu', 'leaky_relu', 'prelu', 'relu6', 'softsign'];

describe.skipIf(missing !== undefined)('gatelab/jax in headless Chromium', () => {
  type PageGlobal = { gatelabJax: GatelabJaxPage };
  // WebGPU and WebGL get separate pages: a lost WebGL context takes the page's WebGPU device with it.
  let gpuPage: BrowserPage | undefined;
  let glPage: BrowserPage | undefined;
  let gpuStarted: string[] = [];
  let glStarted: string[] = [];
  let webgpuDetail = '';

  const open = async (devices: string[]) => {
    const browser = await openBrowserPage({ entry: 'test/browser/jax-page.ts', title: 'gatelab/jax' });
    await browser.waitForGlobal('gatelabJax');
    const info = await browser.page.evaluate(
      (d) => (globalThis as unknown as PageGlobal).gatelabJax.start(d),
      devices,
    );
    return { browser, info };
  };

  beforeAll(async () => {
    const gpu = await open(['webgpu', 'wasm']);
    gpuPage = gpu.browser;
    gpuStarted = gpu.info.started;
    webgpuDetail = gpu.info.webgpu;
    const gl = await open(['webgl']);
    glPage = gl.browser;
    glStarted = gl.info.started;
    console.log(
      `gatelab/jax browser devices: ${[...new Set([...gpuStarted, ...glStarted])].join(', ')} (webgpu: ${webgpuDetail})`,
    );
  }, 120_000);

  afterAll(async () => {
    await gpuPage?.close();
    await glPage?.close();
  });

  const check = async (browser: BrowserPage, device: string, names?: string[]) => {
    const results = await browser.page.evaluate(
      ([d, n]) =>
        (globalThis as unknown as PageGlobal).gatelabJax.run(d as string, n as string[] | undefined),
      [device, names] as const,
    );
    const lines: string[] = [];
    const failures: string[] = [];
    for (const result of results) {
      expect(result.device).toBe(device);
      const worst = worstError(result);
      lines.push(`${result.name}: fwd ${worst.forward.toFixed(1)}, grad ${worst.gradient.toFixed(1)}`);
      if (worst.forward > K || worst.gradient > K) failures.push(`${result.name}: ${worst.where}`);
    }
    console.log(`gatelab/jax on ${device}, worst error in condition-scaled ulps:\n  ${lines.join('\n  ')}`);
    expect(results.length).toBe(names?.length ?? registry.length);
    expect(failures, failures.join('\n')).toEqual([]);
  };

  // WebGPU first: in SwiftShader's Dawn an idle WebGPU device was dropped while the page spent
  // seconds on wasm work, but one already in use stays alive.
  it('webgpu device: every activation matches the catalog', { timeout: 300_000 }, async (ctx) => {
    if (!gpuStarted.includes('webgpu')) {
      console.warn(`SKIPPED gatelab/jax on webgpu: ${webgpuDetail}`);
      ctx.skip();
    }
    await check(gpuPage as BrowserPage, 'webgpu');
  });

  it('wasm device (browser): every activation matches the catalog', { timeout: 300_000 }, async () => {
    expect(gpuStarted).toContain('wasm');
    await check(gpuPage as BrowserPage, 'wasm');
  });

  it('webgl device: the piecewise-linear activations match the catalog', {
    timeout: 300_000,
  }, async (ctx) => {
    if (!glStarted.includes('webgl')) {
      console.warn('SKIPPED gatelab/jax on webgl: jax-js did not start a WebGL2 device in this browser');
      ctx.skip();
    }
    console.warn(
      `gatelab/jax on webgl: not supported for ${registry.length - WEBGL_SUPPORTED.length} activations ` +
        "(jax-js 0.1.25's GLSL generator inlines shared subexpressions); checking only " +
        WEBGL_SUPPORTED.join(', '),
    );
    await check(glPage as BrowserPage, 'webgl', WEBGL_SUPPORTED);
  });
});
