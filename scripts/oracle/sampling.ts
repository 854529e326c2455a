/**
 * Input sets of the accuracy harness and the golden fixtures: a seeded generator, special values,
 * each activation's critical points (kinks, roots of the derivative) and the float64 / float32
 * samples. Everything is deterministic for a given seed.
 */

import type Decimal from 'decimal.js';
import { activation } from '../../src/activation.js';
import { getSpec, resolveParams } from '../../src/activations/resolve.js';
import type { ParamSpec, Params } from '../../src/activations/spec.js';
import {
  FLOAT32_MAX,
  FLOAT32_MIN_NORMAL,
  FLOAT32_MIN_SUBNORMAL,
  FLOAT64_MIN_NORMAL,
  FLOAT64_MIN_SUBNORMAL,
  float32FromBits,
  float64Bits,
  float64FromBits,
  nextDown,
  nextDownFloat32,
  nextUp,
  nextUpFloat32,
} from '../../src/math/float.js';
import { exactDecimal, withDigits } from './decimal.js';
import { type OracleParams, oracleActivation, oracleDerivative, oracleParams, oracleValue } from './index.js';

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

/**
 * Where an unbounded parameter range is sampled: log-uniform over [1/PARAM_SPAN, PARAM_SPAN] for
 * (0, Infinity), and over +-[1/PARAM_SPAN, PARAM_SPAN] for a range that is unbounded on both sides.
 * Bounded ranges are sampled over their whole extent (integers: every value is possible).
 */
export const PARAM_SPAN = 100;

/** One value of a parameter's valid range, by its kind of range (u uniform in [0, 1)). */
function parameterValue(param: ParamSpec, u: number, v: number): number {
  const { min, max } = param;
  if (param.integer) return Math.min(max, Math.floor(min + u * (max - min + 1)));
  const logUniformPositive = (lo: number, hi: number) => lo * (hi / lo) ** u;
  if (min === 0 && max === Number.POSITIVE_INFINITY) return logUniformPositive(1 / PARAM_SPAN, PARAM_SPAN);
  if (min === Number.NEGATIVE_INFINITY && max === Number.POSITIVE_INFINITY) {
    const magnitude = logUniformPositive(1 / PARAM_SPAN, PARAM_SPAN);
    return v < 0.5 ? -magnitude : magnitude;
  }
  if (max === Number.POSITIVE_INFINITY) return min + logUniformPositive(1 / PARAM_SPAN, PARAM_SPAN);
  // Bounded: uniform, with the inclusive endpoint itself drawn now and then.
  if (param.minInclusive && u < 0.1) return min;
  if (param.maxInclusive && u > 0.9) return max;
  const value = min + u * (max - min);
  return value === min && !param.minInclusive ? min + (max - min) * 1e-3 : value;
}

/**
 * `count` parameter sets of an activation spread over every parameter's valid range (see
 * PARAM_SPAN), seeded; the first set is the defaults. Activations without parameters get only it.
 */
export function parameterSamples(name: string, count: number, seed: number): Params[] {
  const spec = getSpec(name);
  const sets: Params[] = [resolveParams(spec, {})];
  if (spec.params.length === 0) return sets;
  const random = new SeededRandom(seed ^ 0x5bd1e995);
  for (let i = 0; i < count; i++) {
    const given: Record<string, number> = {};
    for (const param of spec.params) {
      // softplus's threshold may be Infinity (the rule switched off): draw it sometimes.
      const infinite = param.max === Number.POSITIVE_INFINITY && param.maxInclusive && random.next() < 0.25;
      given[param.name] = infinite
        ? Number.POSITIVE_INFINITY
        : parameterValue(param, random.next(), random.next());
    }
    sets.push(resolveParams(spec, given));
  }
  return sets;
}

/** Doubles in total order as signed integers (-0 just below +0), and back. */
function orderedBits(x: number): bigint {
  const bits = float64Bits(x);
  return bits >> 63n ? -(bits & 0x7fffffffffffffffn) - 1n : bits;
}
function fromOrderedBits(b: bigint): number {
  return float64FromBits(b < 0n ? -(b + 1n) | 0x8000000000000000n : b);
}

/** 0: rounds to zero, 1: subnormal, 2: normal, 3: overflows (or NaN, for "not subnormal"). */
function magnitudeClass(value: Decimal): number {
  if (value.isNaN()) return 3;
  const a = value.abs();
  if (a.lt(HALF_MIN_SUBNORMAL)) return 0;
  if (a.lt(MIN_NORMAL)) return 1;
  return a.gt(Number.MAX_VALUE) ? 3 : 2;
}
/** magnitudeClass of a float64 result. */
function numberClass(v: number): number {
  if (Number.isNaN(v) || !Number.isFinite(v)) return 3;
  const a = Math.abs(v);
  return a === 0 ? 0 : a < FLOAT64_MIN_NORMAL ? 1 : 2;
}
/** Grid points on each side of a change of the catalog's class that the oracle re-decides. */
const BAND_WINDOW = 24;
const MIN_NORMAL = exactDecimal(FLOAT64_MIN_NORMAL);
const HALF_MIN_SUBNORMAL = exactDecimal(FLOAT64_MIN_SUBNORMAL).div(2);

/**
 * The scan grid for the subnormal band: +-10^(k/4) for every k from -1296 to 1232 (every binade's
 * neighbourhood, subnormal inputs included) and -1000..1000 in steps of 1/8 (where exponentials
 * under- and overflow), sorted.
 */
function bandGrid(): number[] {
  const xs = new Set<number>([0]);
  for (let k = -1296; k <= 1232; k++) {
    const m = 10 ** (k / 4);
    if (m > 0 && Number.isFinite(m)) xs.add(m).add(-m);
  }
  for (let i = -8000; i <= 8000; i++) xs.add(i / 8);
  return [...xs].sort((a, b) => a - b);
}
let bandGridCache: number[] | undefined;

/**
 * Inputs where the true f(x) (kind 'forward') or f'(x) ('derivative') is a float64 subnormal: the
 * oracle's magnitude class is scanned on a grid, every change of class is bisected to neighbouring
 * doubles, and each stretch of subnormal results gets its end points and `count` points spread
 * evenly in the doubles' bit order (so every binade of the band is reached). Empty when the
 * activation has no subnormal results.
 */
export function subnormalBand(
  name: string,
  params: OracleParams,
  kind: 'forward' | 'derivative',
  count: number,
): number[] {
  const p = oracleParams(name, params);
  const evaluate = kind === 'forward' ? oracleValue : oracleDerivative;
  const classOf = (x: number) => magnitudeClass(evaluate(name, x, p, { digits: 30 }));
  bandGridCache ??= bandGrid();
  const grid = bandGridCache;
  // Every change of class, as the neighbouring doubles on either side: [last of the left class,
  // first of the next]. A change between two grid points may hide several (normal, subnormal, zero).
  const changes: { lo: bigint; hi: bigint; right: number }[] = [];
  const split = (a: bigint, ca: number, b: bigint, cb: number) => {
    let lo = a;
    let hi = b;
    let ch = cb;
    while (hi - lo > 1n) {
      const mid = lo + (hi - lo) / 2n;
      const cm = classOf(fromOrderedBits(mid));
      if (cm === ca) lo = mid;
      else {
        hi = mid;
        ch = cm;
      }
    }
    changes.push({ lo, hi, right: ch });
    if (ch !== cb) split(hi, ch, b, cb);
  };
  // The oracle is slow (about 2 ms a point here): the float64 catalog finds where on the grid the
  // class changes, and the oracle decides in a window of grid points around each change (so a
  // catalog that flushes or overflows early moves the window, not the band).
  const catalog = activation(name, params as Params);
  const f = kind === 'forward' ? catalog.value : catalog.derivative;
  const fast = grid.map((x) => numberClass(f(x)));
  const window = new Set<number>();
  for (let i = 1; i < grid.length; i++) {
    if (fast[i] === fast[i - 1]) continue;
    for (let j = Math.max(0, i - BAND_WINDOW); j < Math.min(grid.length, i + BAND_WINDOW); j++) window.add(j);
  }
  const indices = [...window].sort((a, b) => a - b);
  const exact = new Map(indices.map((i) => [i, classOf(grid[i])]));
  for (let k = 1; k < indices.length; k++) {
    const [i, j] = [indices[k - 1], indices[k]];
    if (j !== i + 1) continue;
    const [ci, cj] = [exact.get(i)!, exact.get(j)!];
    if (ci !== cj) split(orderedBits(grid[i]), ci, orderedBits(grid[j]), cj);
  }
  // Stretches of subnormal results: from a change into class 1 to the next change out of it.
  const out: number[] = [];
  for (let i = 0; i < changes.length; i++) {
    if (changes[i].right !== 1) continue;
    const a = changes[i].hi;
    const b = i + 1 < changes.length ? changes[i + 1].lo : a;
    out.push(fromOrderedBits(a), fromOrderedBits(b));
    for (let k = 1; k <= count && b - a > 1n; k++) {
      out.push(fromOrderedBits(a + ((b - a) * BigInt(k)) / BigInt(count + 1)));
    }
  }
  return out;
}
