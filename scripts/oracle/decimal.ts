/**
 * The oracle's decimal arithmetic: one decimal.js constructor whose precision the oracle sets per
 * call, plus exact conversion of a double to a decimal (decimal.js's own `new Decimal(number)`
 * uses the shortest round-trip string, which is not the double's exact value: 0.1 would become
 * 0.1 rather than 0.1000000000000000055511...).
 */
import Decimal from 'decimal.js';

/** The oracle's private decimal.js constructor (separate from any global configuration). */
export const Dec = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_HALF_EVEN,
  // Exponent limits as wide as decimal.js allows, so exp(-1e6) is a number, not zero.
  minE: -9e15,
  maxE: 9e15,
  toExpNeg: -7,
  toExpPos: 21,
});
export type Dec = Decimal;

/** Default significant digits of oracle results. */
export const ORACLE_DIGITS = 60;

/** Runs `fn` with the oracle's precision set to `digits`, restoring the previous precision after. */
export function withDigits<T>(digits: number, fn: () => T): T {
  const saved = Dec.precision;
  Dec.set({ precision: digits });
  try {
    return fn();
  } finally {
    Dec.set({ precision: saved });
  }
}

const view = new DataView(new ArrayBuffer(8));

/**
 * The exact value of a double as a decimal (all digits, no rounding): x = m * 2^k is written as
 * m * 5^-k * 10^k for k < 0. NaN and infinities map to their decimal.js counterparts.
 */
export function exactDecimal(x: number): Decimal {
  if (Number.isNaN(x)) return new Dec(Number.NaN);
  if (!Number.isFinite(x)) return new Dec(x);
  if (x === 0) return new Dec(Object.is(x, -0) ? '-0' : '0');
  if (Number.isSafeInteger(x)) return new Dec(x);
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  const sign = x < 0 ? '-' : '';
  if (exponent >= 0) return new Dec(sign + (mantissa << BigInt(exponent)).toString());
  // Strip factors of two so the string is as short as possible.
  while (exponent < 0 && (mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent++;
  }
  if (exponent >= 0) return new Dec(sign + (mantissa << BigInt(exponent)).toString());
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return new Dec(`${sign}${digits}e${exponent}`);
}

/** The double nearest to a decimal (ties to even; overflow to +-Infinity, underflow to +-0). */
export function nearestDouble(d: Decimal): number {
  return d.toNumber();
}
