/**
 * The staging loop shared by the calling thread (src/kernels/fast.ts) and the pool's workers
 * (src/kernels/pool-worker-source.ts embeds this function's source text), so both stream arrays
 * through the kernel memory the same way and give bit-identical results.
 */

/** Bytes per staging buffer: 32 KiB (8192 float32), small enough to stay in L1/L2 cache. */
export const STAGING_BYTES = 32 * 1024;

/** Byte offsets of the four staging buffers (x, dy, y, d) in one 64 KiB page of kernel memory. */
export const STAGING_OFFSETS = {
  x: 0,
  dy: STAGING_BYTES,
  y: 2 * STAGING_BYTES,
  d: 3 * STAGING_BYTES,
} as const;

type FloatArray = Float32Array | Float64Array;

/**
 * Streams `x` (and `dy` when backward) through the staging buffers of `buffer` block by block: copy
 * a block in, `call(n)` runs the kernel on it (reading x at 0, dy at S, writing y at 2S and d at 3S,
 * S = `staging` bytes), copy the block out to `y` (and `d` when fused). `y` may alias `x` or `dy`.
 *
 * Self-contained (no imports, no module state): the worker runs it from its source text.
 */
export function streamThroughStaging<T extends FloatArray>(
  buffer: ArrayBufferLike,
  staging: number,
  mode: 'forward' | 'backward' | 'fused',
  x: T,
  dy: T | undefined,
  y: T,
  d: T | undefined,
  call: (n: number) => void,
): void {
  const Ctor = x.constructor as { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T };
  const block = staging / x.BYTES_PER_ELEMENT;
  const xs = new Ctor(buffer, 0, block);
  const dys = new Ctor(buffer, staging, block);
  const ys = new Ctor(buffer, 2 * staging, block);
  const ds = new Ctor(buffer, 3 * staging, block);
  for (let start = 0; start < x.length; start += block) {
    const n = Math.min(block, x.length - start);
    xs.set(x.subarray(start, start + n), 0);
    if (mode === 'backward' && dy !== undefined) dys.set(dy.subarray(start, start + n), 0);
    call(n);
    y.set(n === block ? ys : ys.subarray(0, n), start);
    if (mode === 'fused' && d !== undefined) d.set(n === block ? ds : ds.subarray(0, n), start);
  }
}
