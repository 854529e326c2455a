/**
 * Seeded, deterministic pseudo-random numbers for the lab (data shuffling, splits, weight init, dropout).
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018; 128-bit state, period 2^128 - 1), whose state is
 * filled from the seed by splitmix32 so that nearby seeds (0, 1, 2, ...) give unrelated streams.
 * The same seed always gives the same sequence, on every platform (only 32-bit integer arithmetic).
 *
 * @module
 */

/** A seeded random number generator. All methods advance the same internal state. */
export interface Rng {
  /** The seed this generator was created with. */
  readonly seed: number;
  /** Next raw 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform float in [0, 1) with 32 random bits (never returns 1). */
  next(): number;
  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number;
  /** Normal (Gaussian) sample, Box-Muller; defaults to the standard normal N(0, 1). */
  normal(mean?: number, std?: number): number;
  /** Uniform integer in [0, n), without modulo bias. `n` must be an integer in [1, 2^32]. */
  int(n: number): number;
  /** Fisher-Yates shuffle in place; returns the same array. Works on arrays and typed arrays. */
  shuffle<T extends { length: number; [index: number]: any }>(array: T): T;
  /** Fills `out` with N(mean, std^2) samples and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean?: number, std?: number): T;
  /** Fills `out` with uniform samples from [low, high) and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low?: number, high?: number): T;
}

const TWO_POW_32 = 4294967296;

/** One splitmix32 step: returns [output, nextState]. Used only to expand seeds. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [z >>> 0, next];
}

/** Reduces any safe integer seed (negative or above 2^32 too) to 32 bits without discarding the high part. */
function seedToUint32(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return high === 0 ? low : (low ^ Math.imul(high, 0x9e3779b9)) >>> 0;
}

/**
 * Derives an independent seed from a base seed and stream labels, e.g. `deriveSeed(seed, epoch)` for the
 * per-epoch shuffle or `deriveSeed(seed, layerIndex, 7)` for one layer's init. Deterministic; different
 * labels give unrelated seeds.
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let state = seedToUint32(seed);
  let out: number;
  [out, state] = splitmix32(state);
  for (const stream of streams) {
    [out, state] = splitmix32((out ^ seedToUint32(stream)) >>> 0);
    [out, state] = splitmix32(state);
  }
  return out;
}

/**
 * Creates a seeded generator (xoshiro128**).
 *
 * @param seed any safe integer (e.g. 0, 1, 42, Date.now()).
 * @example
 * const rng = createRng(42);
 * rng.next();            // uniform [0, 1)
 * rng.int(10);           // 0..9
 * rng.shuffle([1, 2, 3]);
 */
export function createRng(seed: number): Rng {
  let state = seedToUint32(seed);
  let s0: number;
  let s1: number;
  let s2: number;
  let s3: number;
  [s0, state] = splitmix32(state);
  [s1, state] = splitmix32(state);
  [s2, state] = splitmix32(state);
  [s3, state] = splitmix32(state);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  // Box-Muller makes two normals per pair of uniforms; keep the second for the next call.
  let spareNormal = 0;
  let hasSpare = false;

  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const next = (): number => uint32() / TWO_POW_32;

  const standardNormal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spareNormal;
    }
    const u1 = 1 - next(); // (0, 1]: log is finite
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    spareNormal = radius * Math.sin(angle);
    hasSpare = true;
    return radius * Math.cos(angle);
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    // Rejection sampling: accept only draws below the largest multiple of n.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let draw = uint32();
    while (draw >= limit) draw = uint32();
    return draw % n;
  };

  return {
    seed,
    uint32,
    next,
    uniform: (low, high) => low + (high - low) * next(),
    normal: (mean = 0, std = 1) => mean + std * standardNormal(),
    int,
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const held = array[i];
        array[i] = array[j];
        array[j] = held;
      }
      return array;
    },
    fillNormal(out, mean = 0, std = 1) {
      for (let i = 0; i < out.length; i++) out[i] = mean + std * standardNormal();
      return out;
    },
    fillUniform(out, low = 0, high = 1) {
      const width = high - low;
      for (let i = 0; i < out.length; i++) out[i] = low + width * next();
      return out;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Returns [0, 1, ..., n-1] shuffled by a generator seeded with `seed` (a fresh generator each call). */
export function seededPermutation(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return createRng(seed).shuffle(order);
}
