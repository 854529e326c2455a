/**
 * Multi-threaded WebAssembly for jax-js in Node: a `Worker` stand-in over `node:worker_threads`.
 *
 * jax-js (0.1.25) splits wasm kernels over Web Workers when `SharedArrayBuffer` and a global `Worker`
 * exist, with a pool sized by `navigator.hardwareConcurrency` that it creates once, when its module
 * is first evaluated. Node has no global `Worker`, so jax-js runs single-threaded there. This module
 * provides one: jax-js hands it a Blob URL of its worker script; the stand-in reads the script and
 * runs it in a `worker_threads` thread whose `self`, `onmessage` and `postMessage` map onto
 * `parentPort`.
 *
 * Because the pool's size is fixed when jax-js loads (before any option is parsed), the pool gets
 * one slot per core and the stand-in maps the slots onto the number of real threads chosen later
 * (`setWasmThreads`): slot i runs on thread i mod N. With N = 1 the lab never dispatches to the pool
 * at all (its reads stay synchronous, so jax-js runs every kernel on the main thread).
 *
 * Threads are unref'd while idle and ref'd while a message is outstanding, so they never keep the
 * process alive and never let it exit in the middle of a kernel.
 */
import { resolveObjectURL } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { Worker as NodeWorker } from 'node:worker_threads';

/** Maps the browser worker globals onto worker_threads; each message carries the pool slot it is for. */
const PRELUDE = `
const { parentPort } = require('node:worker_threads');
let currentSlot = 0;
globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage({ slot: currentSlot, data });
parentPort.on('message', ({ slot, data }) => {
  currentSlot = slot;
  globalThis.onmessage({ data });
});
`;

interface SharedThread {
  worker: NodeWorker | null;
  /** Messages posted before the script was read (Blob.text() is asynchronous). */
  queued: { slot: number; data: unknown }[];
  outstanding: number;
  slots: Map<number, WorkerStandIn>;
}

interface State {
  installed: boolean;
  /** Real threads the pool slots are spread over. */
  threads: number;
  /** Pool slots jax-js was told about (navigator.hardwareConcurrency at install). */
  slots: number;
  pool: SharedThread[];
  nextSlot: number;
  scriptText: Promise<string> | null;
  startedThreads: number;
}

const STATE_KEY = Symbol.for('gatelab.wasmThreads');

function state(): State {
  const g = globalThis as Record<symbol, State | undefined>;
  let s = g[STATE_KEY];
  if (s === undefined) {
    s = {
      installed: false,
      threads: 1,
      slots: 1,
      pool: [],
      nextSlot: 0,
      scriptText: null,
      startedThreads: 0,
    };
    g[STATE_KEY] = s;
  }
  return s;
}

function threadFor(slot: number): SharedThread {
  const s = state();
  const index = slot % s.threads;
  while (s.pool.length <= index) s.pool.push({ worker: null, queued: [], outstanding: 0, slots: new Map() });
  return s.pool[index];
}

function startThread(thread: SharedThread, script: string): void {
  const worker = new NodeWorker(`${PRELUDE}\n${script}`, { eval: true });
  worker.unref();
  state().startedThreads++;
  worker.on('message', ({ slot, data }: { slot: number; data: unknown }) => {
    thread.outstanding--;
    if (thread.outstanding === 0) worker.unref();
    thread.slots.get(slot)?.onmessage?.({ data });
  });
  worker.on('error', (error: Error) => {
    for (const target of thread.slots.values()) target.onerror?.({ message: error.message });
  });
  thread.worker = worker;
  for (const message of thread.queued.splice(0)) send(thread, message);
}

function send(thread: SharedThread, message: { slot: number; data: unknown }): void {
  if (thread.worker === null) {
    thread.queued.push(message);
    return;
  }
  if (thread.outstanding === 0) thread.worker.ref();
  thread.outstanding++;
  thread.worker.postMessage(message);
}

/** The part of the DOM Worker interface jax-js's pool uses. */
class WorkerStandIn {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  readonly #slot: number;
  readonly #thread: SharedThread;

  constructor(url: string | URL) {
    const s = state();
    this.#slot = s.nextSlot++;
    this.#thread = threadFor(this.#slot);
    this.#thread.slots.set(this.#slot, this);
    if (this.#thread.worker === null && this.#thread.queued.length === 0) {
      if (s.scriptText === null) {
        const blob = resolveObjectURL(String(url));
        if (blob === undefined)
          throw new Error(`wasm threads: the worker script ${String(url)} cannot be read`);
        s.scriptText = blob.text();
      }
      const thread = this.#thread;
      s.scriptText.then(
        (script) => {
          if (thread.worker === null) startThread(thread, script);
        },
        (error: unknown) => this.onerror?.({ message: String(error) }),
      );
    }
  }

  postMessage(data: unknown): void {
    send(this.#thread, { slot: this.#slot, data });
  }

  terminate(): void {
    this.#thread.slots.delete(this.#slot);
    if (this.#thread.slots.size === 0) {
      void this.#thread.worker?.terminate();
      this.#thread.worker = null;
    }
  }
}

/** The most threads `setWasmThreads` accepts: the pool slots jax-js was given (the machine's cores). */
export function maxWasmThreads(): number {
  const s = state();
  return s.installed ? s.slots : 1;
}

/**
 * Installs the stand-in `Worker` and `navigator.hardwareConcurrency` (one pool slot per core). Must run
 * before `@jax-js/jax` is first imported, or jax-js stays single-threaded. Does nothing outside Node or
 * where a real `Worker` exists (browsers: jax-js uses theirs). Returns whether the stand-in is active.
 */
export function installWasmThreadSupport(): boolean {
  const s = state();
  if (s.installed) return true;
  const g = globalThis as unknown as { Worker?: unknown; navigator?: Record<string, unknown> };
  if (g.Worker !== undefined || typeof SharedArrayBuffer === 'undefined') return false;
  const cores = Math.max(1, availableParallelism());
  g.Worker = WorkerStandIn;
  const nav = g.navigator ?? {};
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: nav, writable: true, configurable: true });
  }
  if (nav.hardwareConcurrency === undefined) {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
  }
  if (nav.userAgent === undefined)
    Object.defineProperty(nav, 'userAgent', { value: 'node', configurable: true });
  s.slots = typeof nav.hardwareConcurrency === 'number' ? nav.hardwareConcurrency : cores;
  s.installed = true;
  return true;
}

/** Whether the stand-in was installed (by the `gatelab` entry point, before jax-js loaded). */
export function wasmThreadSupportInstalled(): boolean {
  return state().installed;
}

/**
 * Sets how many real threads the pool slots run on (1..maxWasmThreads()). Takes effect for threads not
 * yet started; the lab calls it once, before its first kernel.
 */
export function setWasmThreads(threads: number): void {
  const s = state();
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= maxWasmThreads())) {
    throw new RangeError(`threads must be an integer in [1, ${maxWasmThreads()}], got ${threads}`);
  }
  if (s.startedThreads > 0 && threads !== s.threads) {
    throw new Error(
      `threads is already ${s.threads} (worker threads have started), cannot change it to ${threads}`,
    );
  }
  s.threads = threads;
}

/** Real worker threads started so far (tests). */
export function startedWasmThreads(): number {
  return state().startedThreads;
}
