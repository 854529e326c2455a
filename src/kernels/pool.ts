/**
 * A worker-thread pool for the fast kernels on large arrays: Node `worker_threads` or browser
 * Workers, sharing memory through SharedArrayBuffer.
 *
 * An array of at least {@link POOL_MIN_ELEMENTS} elements is cut into one share per worker plus one
 * for the calling thread, which computes its share while the workers compute theirs. Arrays backed
 * by a SharedArrayBuffer (see {@link sharedFloatArray}) are read and written in place; ordinary
 * arrays have the workers' shares copied through a pool-owned SharedArrayBuffer, which only pays for
 * the compute-bound ("heavy") activations, so the light ones (ReLU family, GEM family, softsign) on
 * ordinary arrays stay on the calling thread. Every element goes through the same vector code
 * whatever the split, so results are bit-identical to one thread.
 *
 * Without SharedArrayBuffer (a browser page that is not cross-origin isolated), without WebAssembly
 * SIMD, or below the size threshold, the work runs on the calling thread and the promise resolves
 * with the same result. Workers never keep a Node process alive while idle (they are unref'd); call
 * `close()` (or {@link closeDefaultPool}) to end them.
 */
import { getSpec, resolveParams } from '../activations/resolve.js';
import type { ActivationSpec, Params } from '../activations/spec.js';
import {
  type FloatArray,
  fastBackward,
  fastForward,
  fastForwardWithDerivative,
  kernelBackend,
} from './fast.js';
import { KERNEL_OPS, type KernelDtype, type KernelMode, kernelExportName } from './ops.js';
import { POOL_WORKER_SOURCE } from './pool-worker-source.js';
import { compileKernelModule, kernelArguments } from './wasm.js';

/**
 * Arrays shorter than this run on the calling thread: 262,144 elements (1 MiB of float32). Below it
 * the cost of waking a worker and copying its share (~0.1 ms) is not repaid on this 2-core machine
 * (see `npm run bench`).
 */
export const POOL_MIN_ELEMENTS = 1 << 18;

export interface KernelPoolOptions {
  /** Worker threads besides the calling thread. Default: available cores - 1 (at least 1, at most 7). */
  readonly workers?: number;
  /** Arrays shorter than this run on the calling thread. Default {@link POOL_MIN_ELEMENTS}. */
  readonly minElements?: number;
}

/** True when SharedArrayBuffer can be used to share arrays with workers here. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/**
 * A Float32Array or Float64Array on a SharedArrayBuffer: the pool's workers read and write it in
 * place (no copies). Falls back to an ordinary array where SharedArrayBuffer is unavailable.
 */
export function sharedFloatArray(type: Float32ArrayConstructor, length: number): Float32Array;
export function sharedFloatArray(type: Float64ArrayConstructor, length: number): Float64Array;
export function sharedFloatArray(
  type: Float32ArrayConstructor | Float64ArrayConstructor,
  length: number,
): Float32Array | Float64Array {
  const bytes = length * type.BYTES_PER_ELEMENT;
  const buffer = sharedMemoryAvailable() ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return type === Float32Array ? new Float32Array(buffer, 0, length) : new Float64Array(buffer, 0, length);
}

function isShared(a: FloatArray | undefined): boolean {
  return (
    a === undefined || (typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer)
  );
}

interface WorkerMessage {
  type: 'ready' | 'done' | 'error';
  id?: number;
  message?: string;
}

/** The minimal worker surface the pool uses, over Node and browser workers. */
interface PoolWorker {
  post(message: unknown): void;
  hold(): void;
  release(): void;
  terminate(): Promise<void>;
}

async function defaultWorkerCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  let cores = nav?.hardwareConcurrency;
  if (cores === undefined) {
    try {
      const osName = 'node:os';
      const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
      cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    } catch {
      cores = 2;
    }
  }
  return Math.max(1, Math.min(7, cores - 1));
}

async function spawnWorker(
  onMessage: (m: WorkerMessage) => void,
  onError: (e: unknown) => void,
): Promise<PoolWorker> {
  if (typeof process !== 'undefined' && process.versions?.node !== undefined) {
    const moduleName = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:worker_threads');
    const worker = new Worker(POOL_WORKER_SOURCE, { eval: true });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.unref();
    return {
      post: (m) => worker.postMessage(m),
      hold: () => worker.ref(),
      release: () => worker.unref(),
      terminate: async () => {
        await worker.terminate();
      },
    };
  }
  const url = URL.createObjectURL(new Blob([POOL_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => onMessage(event.data);
  worker.onerror = (event) => onError(event);
  return {
    post: (m) => worker.postMessage(m),
    hold: () => {},
    release: () => {},
    terminate: async () => worker.terminate(),
  };
}

/** One unit of pool work with resolved parameters (`y` is the output: y, dx, or y of the fused pass). */
export interface PoolTask {
  readonly mode: KernelMode;
  readonly spec: ActivationSpec;
  readonly params: Params;
  readonly x: FloatArray;
  readonly dy?: FloatArray;
  readonly y: FloatArray;
  readonly d?: FloatArray;
}

/**
 * A pool of kernel workers. Tasks run one at a time (each uses all threads); calls made while one
 * runs are queued.
 * @example
 * const pool = new KernelPool();
 * const y = await pool.forward('golu', {}, x);
 * await pool.close();
 */
export class KernelPool {
  readonly minElements: number;
  private readonly requestedWorkers: number | undefined;
  private workers: PoolWorker[] = [];
  private starting: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private scratch: SharedArrayBuffer | undefined;
  private closed = false;

  constructor(options: KernelPoolOptions = {}) {
    this.minElements = options.minElements ?? POOL_MIN_ELEMENTS;
    this.requestedWorkers = options.workers;
    if (
      this.requestedWorkers !== undefined &&
      !(Number.isInteger(this.requestedWorkers) && this.requestedWorkers >= 0)
    ) {
      throw new RangeError(
        `gatelab: KernelPool workers must be a whole number >= 0, got ${this.requestedWorkers}`,
      );
    }
  }

  /** Worker threads running now (0 before the first large task, or when the pool cannot use workers). */
  get workerCount(): number {
    return this.workers.length;
  }

  /** Whether tasks can be split across workers here (SharedArrayBuffer and WebAssembly SIMD present). */
  get parallel(): boolean {
    return (
      !this.closed &&
      sharedMemoryAvailable() &&
      kernelBackend() === 'wasm-simd' &&
      this.requestedWorkers !== 0
    );
  }

  /** Starts the workers now (otherwise they start with the first large task). */
  async start(): Promise<void> {
    if (!this.parallel) return;
    if (this.starting === undefined) this.starting = this.spawnAll();
    await this.starting;
  }

  private async spawnAll(): Promise<void> {
    const module = await compileKernelModule();
    const count = this.requestedWorkers ?? (await defaultWorkerCount());
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      let markReady: () => void = () => {};
      let failReady: (e: Error) => void = () => {};
      ready.push(
        new Promise<void>((resolve, reject) => {
          markReady = resolve;
          failReady = reject;
        }),
      );
      const worker = await spawnWorker(
        (m) => {
          if (m.type === 'ready') {
            markReady();
            return;
          }
          const waiter = m.id === undefined ? undefined : this.pending.get(m.id);
          if (waiter === undefined) return;
          this.pending.delete(m.id as number);
          if (m.type === 'done') waiter.resolve();
          else waiter.reject(new Error(`gatelab: kernel worker failed: ${m.message}`));
        },
        (error) => {
          const e = new Error(
            `gatelab: kernel worker crashed: ${String((error as Error)?.message ?? error)}`,
          );
          failReady(e);
          for (const waiter of this.pending.values()) waiter.reject(e);
          this.pending.clear();
        },
      );
      worker.hold();
      worker.post({ type: 'init', module });
      this.workers.push(worker);
    }
    try {
      await Promise.all(ready);
    } finally {
      for (const w of this.workers) w.release();
    }
  }

  /** y = f(x) (`out` may alias x). Resolves with `out` (or a new array of x's type). */
  forward<T extends FloatArray>(
    name: string,
    params: Readonly<Record<string, number>>,
    x: T,
    out?: T,
  ): Promise<T> {
    const spec = getSpec(name);
    const y = out ?? (new (x.constructor as { new (n: number): T })(x.length) as T);
    return this.enqueue({ mode: 'forward', spec, params: resolveParams(spec, params), x, y }).then(() => y);
  }

  /** dx = dy * f'(x) (`out` may alias x or dy). */
  backward<T extends FloatArray>(
    name: string,
    params: Readonly<Record<string, number>>,
    x: T,
    dy: T,
    out?: T,
  ): Promise<T> {
    const spec = getSpec(name);
    const dx = out ?? (new (x.constructor as { new (n: number): T })(x.length) as T);
    return this.enqueue({ mode: 'backward', spec, params: resolveParams(spec, params), x, dy, y: dx }).then(
      () => dx,
    );
  }

  /** y = f(x) and dydx = f'(x) in one pass. */
  forwardWithDerivative<T extends FloatArray>(
    name: string,
    params: Readonly<Record<string, number>>,
    x: T,
    y?: T,
    dydx?: T,
  ): Promise<{ y: T; dydx: T }> {
    const spec = getSpec(name);
    const make = () => new (x.constructor as { new (n: number): T })(x.length) as T;
    const yy = y ?? make();
    const dd = dydx ?? make();
    return this.enqueue({ mode: 'fused', spec, params: resolveParams(spec, params), x, y: yy, d: dd }).then(
      () => ({
        y: yy,
        dydx: dd,
      }),
    );
  }

  /** Runs a task with already-resolved parameters (used by `activation(...).forwardAsync`). */
  run(task: PoolTask): Promise<void> {
    return this.enqueue(task);
  }

  private enqueue(task: PoolTask): Promise<void> {
    if (this.closed) return Promise.reject(new Error('gatelab: KernelPool is closed'));
    const next = this.queue.then(() => this.execute(task));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private runOnThisThread(task: PoolTask): void {
    const { spec, params, x, y } = task;
    if (task.mode === 'forward') fastForward(spec, params, x, y);
    else if (task.mode === 'backward') fastBackward(spec, params, x, task.dy as FloatArray, y);
    else fastForwardWithDerivative(spec, params, x, y, task.d as FloatArray);
  }

  private async execute(task: PoolTask): Promise<void> {
    const n = task.x.length;
    if (n < this.minElements || !this.parallel) {
      this.runOnThisThread(task);
      return;
    }
    await this.start();
    const workers = this.workers;
    if (workers.length === 0) {
      this.runOnThisThread(task);
      return;
    }
    const dtype: KernelDtype = task.x instanceof Float32Array ? 'f32' : 'f64';
    const exportName = kernelExportName(task.spec.name, task.mode, dtype);
    const [a, b, c] = kernelArguments(task.spec.name, task.params);
    const inPlace = isShared(task.x) && isShared(task.dy) && isShared(task.y) && isShared(task.d);
    if (!inPlace && KERNEL_OPS.find((op) => op.name === task.spec.name)?.cost === 'light') {
      // Near memory speed already: copying shares to and from the workers would cost more.
      this.runOnThisThread(task);
      return;
    }

    // Shares on 16-element boundaries; the calling thread takes the first.
    const parts = workers.length + 1;
    const share = Math.ceil(n / parts / 16) * 16;
    const ranges: [number, number][] = [];
    for (let start = share; start < n; start += share) ranges.push([start, Math.min(n, start + share)]);

    const Ctor = task.x.constructor as {
      new (buffer: ArrayBufferLike, byteOffset: number, length: number): FloatArray;
      BYTES_PER_ELEMENT: number;
    };
    const arrays = 2 + (task.dy ? 1 : 0) + (task.d ? 1 : 0);
    const scratchElements = n - Math.min(n, share);
    let scratchViews: { x: FloatArray; dy?: FloatArray; y: FloatArray; d?: FloatArray } | undefined;
    if (!inPlace) {
      const bytes = scratchElements * arrays * Ctor.BYTES_PER_ELEMENT;
      if (this.scratch === undefined || this.scratch.byteLength < bytes)
        this.scratch = new SharedArrayBuffer(bytes);
      const sab = this.scratch;
      const region = scratchElements * Ctor.BYTES_PER_ELEMENT;
      let slot = 0;
      const take = () => new Ctor(sab, region * slot++, scratchElements);
      scratchViews = {
        x: take(),
        dy: task.dy ? take() : undefined,
        y: take(),
        d: task.d ? take() : undefined,
      };
    }

    const waits: Promise<void>[] = [];
    ranges.forEach(([start, end], i) => {
      let view: { x: FloatArray; dy?: FloatArray; y: FloatArray; d?: FloatArray };
      if (scratchViews) {
        const o = start - share;
        const s = scratchViews;
        s.x.set(task.x.subarray(start, end), o);
        if (task.dy && s.dy) s.dy.set(task.dy.subarray(start, end), o);
        view = {
          x: s.x.subarray(o, o + end - start),
          dy: s.dy?.subarray(o, o + end - start),
          y: s.y.subarray(o, o + end - start),
          d: s.d?.subarray(o, o + end - start),
        };
      } else {
        view = {
          x: task.x.subarray(start, end),
          dy: task.dy?.subarray(start, end),
          y: task.y.subarray(start, end),
          d: task.d?.subarray(start, end),
        };
      }
      const id = this.nextId++;
      const worker = workers[i];
      worker.hold();
      waits.push(
        new Promise<void>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
        }).finally(() => worker.release()),
      );
      worker.post({ type: 'run', id, exportName, mode: task.mode, a, b, c, ...view });
    });

    // The calling thread's share, meanwhile.
    const end0 = Math.min(n, share);
    this.runOnThisThread({
      ...task,
      x: task.x.subarray(0, end0),
      dy: task.dy?.subarray(0, end0),
      y: task.y.subarray(0, end0),
      d: task.d?.subarray(0, end0),
    });
    await Promise.all(waits);

    if (scratchViews) {
      const s = scratchViews;
      for (const [start, end] of ranges) {
        const o = start - share;
        task.y.set(s.y.subarray(o, o + end - start), start);
        if (task.d && s.d) task.d.set(s.d.subarray(o, o + end - start), start);
      }
    }
  }

  /** Ends the workers; pending and later tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('gatelab: KernelPool closed');
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    const workers = this.workers;
    this.workers = [];
    this.scratch = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

let sharedPool: KernelPool | undefined;

/** The pool behind `forwardAsync`/`backwardAsync`, created on first use. */
export function defaultPool(): KernelPool {
  if (sharedPool === undefined) sharedPool = new KernelPool();
  return sharedPool;
}

/** Ends the default pool's workers (a later async call starts a new pool). */
export async function closeDefaultPool(): Promise<void> {
  const pool = sharedPool;
  sharedPool = undefined;
  if (pool) await pool.close();
}
