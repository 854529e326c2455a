/**
 * Floating-point utilities for float64 and float32: bit patterns, neighbours, ulps, and the error
 * of a computed value in ulps of a reference value. Used by the accuracy harness, the tests, and
 * the kernels' tolerance checks.
 *
 * "ulp of t" follows the usual definition (Goldberg, Muller): the spacing of the format's numbers in
 * the binade of the *true* value t, i.e. 2^(max(e, emin) - p + 1) with e = floor(log2 |t|); below
 * the smallest normal it is the subnormal spacing, and a true value of 0 has the smallest subnormal
 * as its ulp (so "error in ulps" stays finite and meaningful at exact zeros).
 */

/** The two binary formats the library computes in. */
export type FloatFormat = 'float64' | 'float32';

interface FormatInfo {
  /** Significand bits including the hidden bit. */
  readonly precision: number;
  /** Exponent of the smallest normal number. */
  readonly minExponent: number;
  /** Exponent of the largest finite number. */
  readonly maxExponent: number;
  readonly maxFinite: number;
}

export const FLOAT64_MAX = Number.MAX_VALUE;
export const FLOAT64_MIN_NORMAL = 2 ** -1022;
export const FLOAT64_MIN_SUBNORMAL = 2 ** -1074;
/** Largest finite float32, 2^128 - 2^104. */
export const FLOAT32_MAX = 3.4028234663852886e38;
export const FLOAT32_MIN_NORMAL = 2 ** -126;
export const FLOAT32_MIN_SUBNORMAL = 2 ** -149;
/** Machine epsilon (spacing at 1) of each format. */
export const FLOAT64_EPSILON = 2 ** -52;
export const FLOAT32_EPSILON = 2 ** -23;

const FORMATS: Record<FloatFormat, FormatInfo> = {
  float64: { precision: 53, minExponent: -1022, maxExponent: 1023, maxFinite: FLOAT64_MAX },
  float32: { precision: 24, minExponent: -126, maxExponent: 127, maxFinite: FLOAT32_MAX },
};

const scratch = new DataView(new ArrayBuffer(8));

/** Rounds a double to the nearest float32 (ties to even). Same as Math.fround. */
export const toFloat32: (x: number) => number = Math.fround;

/** True when x is exactly representable as a float32 (NaN and +-Infinity count as representable). */
export function isFloat32(x: number): boolean {
  return Number.isNaN(x) || Math.fround(x) === x;
}

/** The 32-bit pattern of float32(x) as an unsigned integer. */
export function float32Bits(x: number): number {
  scratch.setFloat32(0, x);
  return scratch.getUint32(0);
}

/** The float32 whose bit pattern is `bits` (taken mod 2^32), as a double. */
export function float32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0);
  return scratch.getFloat32(0);
}

/** The 64-bit pattern of a double as a bigint. */
export function float64Bits(x: number): bigint {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

/** The double whose bit pattern is `bits`. */
export function float64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits));
  return scratch.getFloat64(0);
}

/**
 * floor(log2 |x|) for finite non-zero x, exact (read from the bit pattern, with subnormals
 * handled); -Infinity for 0, NaN for NaN, +Infinity for +-Infinity.
 */
export function exponentOf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
  scratch.setFloat64(0, x);
  const biased = (scratch.getUint32(0) >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  // Subnormal: scale into the normal range first (exact).
  return exponentOf(x * 2 ** 64) - 64;
}

/**
 * The ulp of a value in `format`: 2^(max(e, emin) - p + 1) with e = floor(log2 |x|). For x = 0 it is
 * the smallest subnormal; for |x| beyond the largest finite number (including Infinity) it is the
 * ulp of the largest finite number. NaN gives NaN.
 *
 * The value x is used as given (a double); for float32 pass any double in the binade of interest.
 */
export function ulp(x: number, format: FloatFormat = 'float64'): number {
  const f = FORMATS[format];
  if (Number.isNaN(x)) return Number.NaN;
  if (x === 0) return 2 ** (f.minExponent - f.precision + 1);
  const e = Math.min(Math.max(exponentOf(x), f.minExponent), f.maxExponent);
  return 2 ** (e - f.precision + 1);
}

/** The next double above x (nextUp(-0) = nextUp(0) = smallest subnormal; NaN stays NaN). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return FLOAT64_MIN_SUBNORMAL;
  const bits = float64Bits(x);
  return float64FromBits(x > 0 ? bits + 1n : bits - 1n);
}

/** The next double below x. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The next float32 above float32(x). */
export function nextUpFloat32(x: number): number {
  const f = Math.fround(x);
  if (Number.isNaN(f) || f === Number.POSITIVE_INFINITY) return f;
  if (f === 0) return FLOAT32_MIN_SUBNORMAL;
  const bits = float32Bits(f);
  return float32FromBits(f > 0 ? bits + 1 : bits - 1);
}

/** The next float32 below float32(x). */
export function nextDownFloat32(x: number): number {
  return -nextUpFloat32(-x);
}

/**
 * Position of a float32 on the integer line of float32 values (-0 and +0 both map to 0): adjacent
 * float32 values differ by exactly 1.
 */
function float32Ordinal(x: number): number {
  const bits = float32Bits(x);
  const magnitude = bits & 0x7fffffff;
  return bits >>> 31 ? -magnitude : magnitude;
}

/** The same for doubles, as a bigint. */
function float64Ordinal(x: number): bigint {
  const bits = float64Bits(x);
  const magnitude = bits & 0x7fffffffffffffffn;
  return bits >> 63n ? -magnitude : magnitude;
}

/**
 * How many representable `format` numbers lie between a and b, counting one end: 0 when a == b
 * (and for +0 vs -0), 1 for neighbours. Values are first rounded to the format. NaN if either is
 * NaN; Infinity counts as the number after the largest finite one.
 */
export function ulpsBetween(a: number, b: number, format: FloatFormat = 'float64'): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  if (format === 'float32') return Math.abs(float32Ordinal(a) - float32Ordinal(b));
  const d = float64Ordinal(a) - float64Ordinal(b);
  return Number(d < 0n ? -d : d);
}

/**
 * A true value prepared for measuring errors in one format, without keeping the true value itself:
 * `anchor` is a finite number of the format near it, `unit` the ulp of the true value, and
 * `offset` = (true - anchor) / unit. `rounded` is the correctly rounded result (which may be
 * +-Infinity or NaN).
 */
export interface FloatReference {
  readonly format: FloatFormat;
  /** The true value correctly rounded to the format (NaN when the true value is NaN). */
  readonly rounded: number;
  /** A finite format number near the true value (the rounded value, or +-max on overflow). */
  readonly anchor: number;
  /** ulp of the true value in the format. */
  readonly unit: number;
  /** (true value - anchor) / unit; within [-1/2, 1/2] unless the true value overflows. */
  readonly offset: number;
  /** True when the true value is an exact infinity (a limit at +-Infinity), not just an overflow. */
  readonly infinite: boolean;
}

/**
 * A reference built from a double `t` that stands for the true value (e.g. an accurate float64
 * result used to judge a float32 one). For `float64` the reference is t itself with offset 0.
 */
export function referenceFromNumber(t: number, format: FloatFormat): FloatReference {
  const f = FORMATS[format];
  if (Number.isNaN(t)) return { format, rounded: t, anchor: t, unit: t, offset: t, infinite: false };
  if (!Number.isFinite(t)) {
    const unit = ulp(f.maxFinite, format);
    return { format, rounded: t, anchor: Math.sign(t) * f.maxFinite, unit, offset: 0, infinite: true };
  }
  const unit = ulp(t, format);
  if (format === 'float64') return { format, rounded: t, anchor: t, unit, offset: 0, infinite: false };
  const rounded = Math.fround(t);
  if (!Number.isFinite(rounded)) {
    const anchor = Math.sign(t) * f.maxFinite;
    return { format, rounded, anchor, unit, offset: (t - anchor) / unit, infinite: false };
  }
  // t - rounded is exact (both doubles, |t - rounded| <= ulp32/2 and same binade or adjacent).
  return { format, rounded, anchor: rounded, unit, offset: (t - rounded) / unit, infinite: false };
}

/**
 * Error of `computed` against a reference, in ulps of the true value. 0 when computed equals an
 * exactly infinite or NaN true value; Infinity when computed is NaN or infinite where the true
 * value is not (or finite where it is an exact infinity, or not NaN where it is NaN).
 */
export function ulpError(computed: number, ref: FloatReference): number {
  if (Number.isNaN(ref.rounded)) return Number.isNaN(computed) ? 0 : Number.POSITIVE_INFINITY;
  if (Number.isNaN(computed)) return Number.POSITIVE_INFINITY;
  if (ref.infinite) return computed === ref.rounded ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(computed)) {
    // An overflow is right only if the true value rounds to that infinity.
    return computed === ref.rounded ? 0 : Number.POSITIVE_INFINITY;
  }
  // computed - anchor is exact whenever the error is small (Sterbenz); when it is not, the
  // rounding of the difference does not matter.
  return Math.abs((computed - ref.anchor) / ref.unit - ref.offset);
}
