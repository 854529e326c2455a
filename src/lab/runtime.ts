/**
 * The lab's jax-js runtime: one place that chooses and starts the device (wasm, webgpu or cpu, and the
 * wasm thread count) and re-exports the jax-js names the engine uses, so every lab module agrees on the
 * same instance. Reads of results go through `readNumber`/`readArray`: synchronous where that is fastest
 * (the one-thread wasm device), asynchronous where jax-js needs it (WebGPU in Node has no synchronous
 * read; the wasm worker pool only runs work submitted by asynchronous reads).
 */
import { availableParallelism } from 'node:os';
import { blockUntilReady, type numpy as np } from '@jax-js/jax';
import { initJax } from '../adapters/jax/index.js';
import { DEVICE_CHOICES, type DeviceChoice, type LabDevice } from './devices/choices.js';
import { maxWasmThreads, setWasmThreads, wasmThreadSupportInstalled } from './devices/wasm-threads.js';
import { type AdapterInfo, describeAdapter, missingVulkanDriver, probeWebGpu } from './devices/webgpu.js';

export type { JsTree } from '@jax-js/jax';
export { grad, jit, lax, nn, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';
export type { AdapterInfo } from './devices/webgpu.js';

/** A jax-js array (`np.Array`). */
export type JaxArray = np.Array;

/** A nested object/array structure of jax-js arrays: model parameters, optimizer state, gradients. */
export type ArrayTree = JaxArray | readonly ArrayTree[] | { readonly [key: string]: ArrayTree };

/** `--device` values: `auto` picks webgpu when a hardware adapter is found, else wasm. */
export { DEVICE_CHOICES, type DeviceChoice, type LabDevice } from './devices/choices.js';

export interface RuntimeOptions {
  /** Default 'wasm' for library use; the run options' default is 'auto'. */
  device?: DeviceChoice;
  /** wasm worker threads; null = `defaultThreads()` (the run options' default); 1 for library use. */
  threads?: number | null;
}

/** What a run ran on; config.json and summary.json record it. */
export interface RuntimeInfo {
  device: LabDevice;
  /** What was asked for (`auto` resolves to device). */
  requested: DeviceChoice;
  /** The WebGPU adapter, when device is webgpu. */
  adapter: AdapterInfo | null;
  /** wasm threads (1 on the other devices). */
  threads: number;
  /** Why `auto` chose what it chose, or why fewer threads than asked run; null when nothing to say. */
  note: string | null;
}

/** The CLI's default `--threads`: the machine's cores when worker threads are available, else 1. */
export function defaultThreads(): number {
  return wasmThreadSupportInstalled() ? Math.max(1, Math.min(availableParallelism(), maxWasmThreads())) : 1;
}

/** The device `choice` stands for on this machine, without starting jax-js. */
export async function resolveDevice(
  choice: DeviceChoice,
): Promise<{ device: LabDevice; adapter: AdapterInfo | null; note: string | null }> {
  if (!(DEVICE_CHOICES as readonly string[]).includes(choice)) {
    throw new RangeError(`device must be one of ${DEVICE_CHOICES.join(', ')}, got '${choice}'`);
  }
  if (choice === 'wasm' || choice === 'cpu') return { device: choice, adapter: null, note: null };
  const noDriver = choice === 'auto' ? await missingVulkanDriver() : null;
  if (noDriver !== null) return { device: 'wasm', adapter: null, note: `auto: wasm, since ${noDriver}` };
  const probe = await probeWebGpu();
  if (choice === 'webgpu') {
    if (!probe.available) throw new Error(`device 'webgpu' is not available: ${probe.reason}`);
    return { device: 'webgpu', adapter: probe.adapter, note: null };
  }
  if (!probe.available) return { device: 'wasm', adapter: null, note: `auto: wasm, since ${probe.reason}` };
  if (probe.adapter.software) {
    return {
      device: 'wasm',
      adapter: null,
      note: `auto: wasm, since the only WebGPU adapter is software (${describeAdapter(probe.adapter)}), slower than wasm; --device webgpu uses it`,
    };
  }
  return {
    device: 'webgpu',
    adapter: probe.adapter,
    note: `auto: webgpu on ${describeAdapter(probe.adapter)}`,
  };
}

/** One line for a terminal: "device: webgpu on NVIDIA ... (vendor nvidia, ...)" or "device: wasm, 2 threads". */
export function describeRuntime(info: RuntimeInfo): string {
  const where =
    info.device === 'webgpu' && info.adapter !== null
      ? `webgpu on ${describeAdapter(info.adapter)}`
      : info.device === 'wasm'
        ? `wasm, ${info.threads} thread${info.threads === 1 ? '' : 's'}`
        : info.device;
  return `device: ${where}${info.note === null || info.note.startsWith('auto: webgpu') ? '' : ` (${info.note})`}`;
}

let ready: { key: string; promise: Promise<RuntimeInfo> } | null = null;
let current: RuntimeInfo | null = null;

/**
 * Starts jax-js on the chosen device (idempotent). Without options it keeps whatever was started, or
 * starts the one-thread wasm device. Explicit options that differ from the running ones throw: jax-js
 * cannot move a running program to another device or thread count.
 */
export function initLabRuntime(options: RuntimeOptions = {}): Promise<RuntimeInfo> {
  const explicit = options.device !== undefined || options.threads !== undefined;
  const threads = options.threads === null ? defaultThreads() : options.threads;
  const key = JSON.stringify([options.device ?? 'wasm', threads ?? 1]);
  if (ready !== null) {
    if (!explicit || ready.key === key) return ready.promise;
    return ready.promise.then((info) => {
      // `auto` (device or threads) accepts whatever already runs.
      const same =
        (options.device === undefined ||
          options.device === 'auto' ||
          options.device === info.device ||
          options.device === info.requested) &&
        (options.threads === undefined ||
          options.threads === null ||
          options.threads === info.threads ||
          info.device !== 'wasm');
      if (!same) {
        throw new Error(
          `the lab already runs on ${describeRuntime(info).slice('device: '.length)}; it cannot switch to device ${options.device ?? info.requested} with ${threads ?? info.threads} threads in the same process`,
        );
      }
      return info;
    });
  }
  const promise = start(options.device ?? 'wasm', threads ?? 1);
  ready = { key, promise };
  promise.catch(() => {
    if (ready?.promise === promise) ready = null;
  });
  return promise;
}

async function start(choice: DeviceChoice, threads: number): Promise<RuntimeInfo> {
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }
  const { device, adapter, note } = await resolveDevice(choice);
  let usedThreads = 1;
  let threadNote: string | null = null;
  if (device === 'wasm' && threads > 1) {
    if (!wasmThreadSupportInstalled()) {
      throw new Error(
        `threads ${threads} needs worker threads installed before jax-js loads: run the gatelab executable (dist/cli/bin.js), or call installWasmThreadSupport() from src/lab/devices/wasm-threads.ts before importing jax-js`,
      );
    }
    if (threads > maxWasmThreads()) {
      throw new RangeError(
        `threads must be at most ${maxWasmThreads()} (this machine's cores), got ${threads}`,
      );
    }
    setWasmThreads(threads);
    usedThreads = threads;
  }
  await initJax({ devices: device === 'wasm' ? ['wasm'] : ['wasm', device], defaultDevice: device });
  if (device === 'cpu' && threads > 1) threadNote = 'threads apply to the wasm device only';
  const info: RuntimeInfo = {
    device,
    requested: choice,
    adapter,
    threads: usedThreads,
    note: note ?? threadNote,
  };
  current = info;
  return info;
}

/** The running configuration, or null before `initLabRuntime`. */
export function runtimeInfo(): RuntimeInfo | null {
  return current;
}

/** Whether reads must be asynchronous (webgpu, or the wasm worker pool). */
function asyncReads(): boolean {
  return current !== null && (current.device === 'webgpu' || current.threads > 1);
}

/** The first element of x as a number (a scalar loss, a count). Consumes x. */
export async function readNumber(x: JaxArray): Promise<number> {
  if (!asyncReads()) return x.item() as number;
  return Number((await x.data())[0]);
}

/** The data of x. Consumes x. */
export async function readArray(x: JaxArray): Promise<ArrayLike<number>> {
  if (!asyncReads()) return x.dataSync() as ArrayLike<number>;
  return (await x.data()) as ArrayLike<number>;
}

/**
 * Waits until every array of `trees` is computed (does not consume them). After this, synchronous
 * reads of those arrays work on the wasm worker pool too (not on webgpu in Node).
 */
export async function settle(...trees: unknown[]): Promise<void> {
  if (asyncReads()) await blockUntilReady(trees as never);
}

/**
 * The device and thread count for `parallel` runs in child processes at once (compare, sweeps): `auto`
 * is resolved once, here, so every child trains on the same device; unset threads share the cores
 * (cores / parallel runs, at least 1). Returns the line to print.
 */
export async function planParallelRuns(
  options: { device?: DeviceChoice; threads?: number | null },
  parallel: number,
): Promise<{ device: LabDevice; threads: number; line: string }> {
  const choice = options.device ?? 'auto';
  const resolved = await resolveDevice(choice);
  const threads =
    options.threads ?? Math.max(1, Math.min(defaultThreads(), Math.floor(availableParallelism() / parallel)));
  const info: RuntimeInfo = {
    device: resolved.device,
    requested: choice,
    adapter: resolved.adapter,
    threads: resolved.device === 'wasm' ? threads : 1,
    note: resolved.note,
  };
  return {
    device: resolved.device,
    threads,
    line: `${describeRuntime(info)} per run, ${parallel} in parallel`,
  };
}
