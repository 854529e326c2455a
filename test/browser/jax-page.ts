/**
 * Browser page for the gatelab/jax device tests (bundled by harness.ts). Exposes `globalThis.gatelabJax`:
 * `start(devices)` initialises jax-js, `run(device)` evaluates every activation's forward and
 * gradient (jit(grad(sum f))) on JAX_BROWSER_INPUTS with arrays on that device.
 */
import { type Device, defaultDevice, grad, jit, numpy as np } from '@jax-js/jax';
import { activationNames } from '../../src/activations/resolve.js';
import * as jx from '../../src/adapters/jax/index.js';

/** -20..20 step 0.05, plus the points the issue names; distinct values, so no constant folding. */
export const JAX_BROWSER_INPUTS: number[] = [
  ...Array.from({ length: 801 }, (_, i) => Math.fround((i - 400) / 20)),
  -1e4,
  -100,
  100,
  1e4,
];

export interface JaxDeviceResult {
  name: string;
  /** The device the result array lived on (checked against the requested one). */
  device: string;
  forward: number[];
  gradient: number[];
}

export interface GatelabJaxPage {
  /** Starts jax-js with these devices (all when omitted); returns what came up and the WebGPU status. */
  start(devices?: string[]): Promise<{ started: string[]; webgpu: string }>;
  /** Forward and gradient of the named activations (all when omitted) on one device. */
  run(device: string, names?: string[]): Promise<JaxDeviceResult[]>;
}

let started: Device[] = [];

async function webgpuDetail(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'navigator.gpu is undefined (WebGPU not exposed by this browser)';
  const adapter = await gpu.requestAdapter();
  return adapter === null
    ? 'navigator.gpu.requestAdapter() returned null (no WebGPU adapter)'
    : 'adapter present';
}

const page: GatelabJaxPage = {
  async start(devices) {
    started = await jx.initJax(devices === undefined ? {} : { devices: devices as Device[] });
    return { started: [...started], webgpu: await webgpuDetail() };
  },
  async run(device, names) {
    defaultDevice(device as Device);
    const out: JaxDeviceResult[] = [];
    const data = new Float32Array(JAX_BROWSER_INPUTS);
    for (const name of names ?? activationNames()) {
      const f = jx.get(name);
      const y = f(np.array(data));
      const actual = y.device;
      const forward = Array.from((await y.data()) as Float32Array);
      const df = jit(grad((x: np.Array) => f(x).sum()));
      const gradient = Array.from((await df(np.array(data)).data()) as Float32Array);
      df.dispose();
      out.push({ name, device: actual, forward, gradient });
    }
    return out;
  },
};

(globalThis as unknown as { gatelabJax: GatelabJaxPage }).gatelabJax = page;
