/**
 * jax-js start-up, with the Node 20 workarounds kept here rather than in user code.
 */
import { type Device, defaultDevice, init } from '@jax-js/jax';

/**
 * jax-js 0.1.25 tests `data instanceof Float16Array` when it wraps a Float64Array, which throws a
 * ReferenceError on Node 20 (Float16Array arrived in Node 22 / recent browsers). We install a
 * stand-in only when the global is missing: `instanceof` then answers false as it should, and
 * actually creating float16 data fails with a clear message instead of a ReferenceError.
 */
export function ensureFloat16ArrayGlobal(): void {
  const g = globalThis as { Float16Array?: unknown };
  if (g.Float16Array !== undefined) return;
  class Float16ArrayUnavailable {
    constructor() {
      throw new TypeError(
        'gatelab/jax: float16 arrays need a runtime with Float16Array (Node >= 22 or a recent browser)',
      );
    }
  }
  Object.defineProperty(globalThis, 'Float16Array', {
    value: Float16ArrayUnavailable,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

ensureFloat16ArrayGlobal();

export interface InitJaxOptions {
  /**
   * Backends to start. Default: `['wasm', 'cpu']` under Node (plain `init()` reads `navigator`,
   * which Node 20 lacks, and Node has no WebGPU), every available backend elsewhere.
   */
  devices?: Device[];
  /** Make this the default device for new arrays (jax-js's own default is 'wasm'). */
  defaultDevice?: Device;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Starts jax-js the way this adapter needs it and returns the devices that came up. Call once,
 * before creating arrays: `await initJax()`.
 */
export async function initJax(options: InitJaxOptions = {}): Promise<Device[]> {
  ensureFloat16ArrayGlobal();
  const wanted = options.devices ?? (isNode() ? (['wasm', 'cpu'] as Device[]) : []);
  const available = await init(...wanted);
  if (options.defaultDevice !== undefined) {
    if (!available.includes(options.defaultDevice)) {
      throw new Error(
        `gatelab/jax: device '${options.defaultDevice}' is not available (started: ${available.join(', ') || 'none'})`,
      );
    }
    defaultDevice(options.defaultDevice);
  }
  return available;
}
