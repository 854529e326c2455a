/**
 * Input sets of the accuracy harness and the golden fixtures: a seeded generator, special values,
 * each activation's critical points (kinks, roots of the derivative) and the float64 / float32
 * samples. Everything is deterministic for a given seed.
 */

import { getSpec } from '../../src/activations/resolve.js';
import {
  FLOAT32_MAX,
  FLOAT32_MIN_NORMAL,
  FLOAT32_MIN_SUBNORMAL,
  FLOAT64_MIN_NORMAL,
  FLOAT64_MIN_SUBNORMAL,
  float32FromBits,
  nextDown,
  nextDownFloat32,
  nextUp,
  nextUpFloat32,
} from '../../src/math/float.js';
import { withDigits } from './decimal.js';
import { type OracleParams, oracleActivation, oracleDerivative, oracleParams } from './index.js';

/** A small seeded generator (mulberry32): uniform doubles in [0, 1) and 32-bit integers. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    return (this.uint32() * 2 ** 21 + (this.uint32() >>> 11)) / 2 ** 53;
  }
}

/**
 * Values every activation is checked at: signed zeros, infinities, NaN, the extremes of both
 * formats, the float32 overflow edge and the points where exp over/underflows in either format.
 */
export function specialValues(): number[] {
  const positive = [
    FLOAT64_MIN_SUBNORMAL,
    FLOAT64_MIN_NORMAL,
    1e-300,
    FLOAT32_MIN_SUBNORMAL,
    FLOAT32_MIN_NORMAL,
    1e-30,
    1e-8,
    2 ** -26, // where x^2 vanishes next to 1 in float64
    1e-4,
    0.5,
    1,
    2,
    20, // softplus threshold
    87.33654475055312, // ln(smallest normal float32): e^-x leaves float32's normal range
    88.72283935546875, // float32(ln(FLOAT32_MAX)): e^x overflows float32 just above
    103.27892990343184, // -ln(smallest subnormal float32)
    103.97207708399179, // -ln(2^-150): e^-x rounds to 0 in float32 beyond
    709.782712893384, // ln(Number.MAX_VALUE): e^x overflows float64
    744.4400719213812, // -ln(smallest subnormal double)
    745.1332191019412, // -ln(2^-1075): e^-x rounds to 0 in float64 beyond
    1e3,
    1e4,
    1e8,
    1e15,
    1e30,
    FLOAT32_MAX,
    nextUp(FLOAT32_MAX),
    3.4028235677973366e38, // smallest double that rounds to Infinity in float32
    1e300,
    Number.MAX_VALUE,
  ];
  const out = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const v of positive) out.push(v, -v);
  return out;
}

const criticalCache = new Map<string, number[]>();

/**
 * The activation's critical points: kinks and jumps (with both neighbouring doubles) and the roots
 * of f' (the minima of the self-gated curves), located by scanning the oracle's derivative on
 * [-12, 12] for sign changes and bisecting to the nearest double.
 */
export function criticalPoints(name: string, params: OracleParams = {}): number[] {
  const p = oracleParams(name, params);
  const key = `${name} ${JSON.stringify(p)}`;
  const cached = criticalCache.get(key);
  if (cached) return cached;
  const out: number[] = [];
  for (const k of oracleActivation(name).kinks(p)) out.push(k, nextDown(k), nextUp(k));
  // The catalog's breakpoints (data on the spec; test/registry.test.ts checks they agree with the
  // oracle's kinks): any the oracle does not list are sampled too, with both neighbours.
  for (const k of getSpec(name).breakpoints(p)) {
    for (const x of [k, nextDown(k), nextUp(k)]) if (!out.includes(x)) out.push(x);
  }
  const sign = (x: number) => withDigits(30, () => oracleDerivative(name, x, p, { digits: 30 }).s);
  const step = 0.125;
  let prevX = -12;
  let prevSign = sign(prevX);
  for (let x = -12 + step; x <= 12; x += step) {
    const s = sign(x);
    const derivativeIsZeroHere = oracleDerivative(name, x, p, { digits: 30 }).isZero();
    if (
      s !== prevSign &&
      !derivativeIsZeroHere &&
      !oracleDerivative(name, prevX, p, { digits: 30 }).isZero()
    ) {
      // Bisect on doubles until the bracket is two neighbouring doubles.
      let lo = prevX;
      let hi = x;
      while (nextUp(lo) < hi) {
        const mid = lo + (hi - lo) / 2;
        if (mid === lo || mid === hi) break;
        if (sign(mid) === prevSign) lo = mid;
        else hi = mid;
      }
      out.push(lo, hi, nextDown(lo), nextUp(hi));
    }
    prevX = x;
    prevSign = s;
  }
  criticalCache.set(key, out);
  return out;
}

/** `count` doubles spread log-uniformly over +-[lo, hi] (random sign). */
export function logUniform(random: SeededRandom, count: number, lo: number, hi: number): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** (a + (b - a) * random.next());
    out.push(random.next() < 0.5 ? -magnitude : magnitude);
  }
  return out;
}

/**
 * The float32 neighbourhood of a double: float32(x) and its two float32 neighbours, for critical
 * points in the float32 sample.
 */
export function float32Neighbourhood(x: number): number[] {
  if (!Number.isFinite(x)) return [Math.fround(x)];
  return [Math.fround(x), nextUpFloat32(x), nextDownFloat32(x)];
}

/**
 * One float32 bit pattern from each stratum [k * stride, (k + 1) * stride) of [start, end) (stride
 * a power of two), at a seeded random offset inside the stratum.
 */
export function stratifiedFloat32(start: number, end: number, stride: number, seed: number): Float32Array {
  const random = new SeededRandom(seed ^ Math.imul(start / stride, 0x9e3779b1));
  const n = Math.ceil((end - start) / stride);
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const offset = stride === 1 ? 0 : random.uint32() % stride;
    out[k] = float32FromBits(start + k * stride + offset);
  }
  return out;
}
