/**
 * Turning an oracle value (a decimal) into a `FloatReference` for one format: the correctly
 * rounded result, the ulp of the true value, and the true value's offset from it in ulps.
 */
import type Decimal from 'decimal.js';
import {
  exponentOf,
  FLOAT32_MAX,
  FLOAT64_MAX,
  type FloatFormat,
  type FloatReference,
} from '../../src/math/float.js';
import { Dec, exactDecimal } from './decimal.js';

const PRECISION = { float64: 53, float32: 24 } as const;
const MIN_EXPONENT = { float64: -1022, float32: -126 } as const;
const MAX_FINITE = { float64: FLOAT64_MAX, float32: FLOAT32_MAX } as const;

/** 2^k as an exact decimal (k may be negative). */
function pow2(k: number): Decimal {
  return exactDecimal(2 ** k);
}

/** Rounds to float32 with ties to even; `d` is a double near x (its nearest double). */
function float32Step(f: number, up: boolean): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, f);
  const bits = buf.getUint32(0);
  if (f === 0) return up ? 2 ** -149 : -(2 ** -149);
  buf.setUint32(0, f > 0 === up ? bits + 1 : bits - 1);
  return buf.getFloat32(0);
}

/** The reference for a true value given as a decimal (NaN and +-Infinity allowed). */
export function referenceFromDecimal(t: Decimal, format: FloatFormat): FloatReference {
  const p = PRECISION[format];
  const emin = MIN_EXPONENT[format];
  const max = MAX_FINITE[format];
  const maxUnit = 2 ** (exponentOf(max) - p + 1);
  if (t.isNaN())
    return {
      format,
      rounded: Number.NaN,
      anchor: Number.NaN,
      unit: Number.NaN,
      offset: Number.NaN,
      infinite: false,
    };
  if (!t.isFinite()) {
    return {
      format,
      rounded: t.s * Number.POSITIVE_INFINITY,
      anchor: t.s * max,
      unit: maxUnit,
      offset: 0,
      infinite: true,
    };
  }
  const d = t.toNumber();
  let rounded = format === 'float64' ? d : Math.fround(d);
  if (t.isZero())
    return { format, rounded, anchor: rounded, unit: 2 ** (emin - p + 1), offset: 0, infinite: false };
  if (!Number.isFinite(rounded) || Math.abs(rounded) > max) {
    // Overflow: measure against the largest finite number.
    const anchor = t.s * max;
    const offset = t.minus(exactDecimal(anchor)).div(exactDecimal(maxUnit)).toNumber();
    if (Number.isFinite(rounded) === false && Math.abs(offset) < 0.5) rounded = anchor;
    return { format, rounded, anchor, unit: maxUnit, offset, infinite: false };
  }
  // Binade of t: that of its nearest double, one lower if the double is a power of two above |t|.
  let e = d === 0 ? emin : exponentOf(d);
  if (d !== 0 && Math.abs(d) === 2 ** e && t.abs().lt(exactDecimal(Math.abs(d)))) e -= 1;
  const unit = 2 ** (Math.max(e, emin) - p + 1);
  const unitDec = pow2(Math.max(e, emin) - p + 1);
  let offset = t.minus(exactDecimal(rounded)).div(unitDec).toNumber();
  if (format === 'float32' && Math.abs(offset) >= 0.5) {
    // Double rounding (decimal -> double -> float32) can land one float32 off; step toward t.
    const other = float32Step(rounded, offset > 0);
    const otherOffset = t.minus(exactDecimal(other)).div(unitDec).toNumber();
    const otherIsEven = (new Uint32Array(new Float32Array([other]).buffer)[0] & 1) === 0;
    if (
      Math.abs(otherOffset) < Math.abs(offset) ||
      (Math.abs(otherOffset) === Math.abs(offset) && otherIsEven)
    ) {
      rounded = other;
      offset = otherOffset;
    }
  }
  return { format, rounded, anchor: rounded, unit, offset, infinite: false };
}

/** Significant digits of a decimal as a string in exponent form, for fixtures and messages. */
export function decimalString(t: Decimal, digits: number): string {
  if (!t.isFinite()) return t.toString();
  if (t.isZero()) return t.isNeg() ? '-0' : '0';
  return t.toSignificantDigits(digits).toExponential();
}

export { Dec };
