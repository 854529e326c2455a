/**
 * The independent high-precision oracle: value and derivative of every catalog activation at a
 * double input, in decimal.js at `ORACLE_DIGITS` (60) significant digits by default.
 *
 * NaN gives NaN; +-Infinity gives the mathematical limits; everything else is evaluated from the
 * definitions in ./activations.ts.
 */
import type Decimal from 'decimal.js';
import {
  type DecimalParams,
  type Limit,
  type OracleActivation,
  type OracleParams,
  oracleActivations,
} from './activations.js';
import { Dec, exactDecimal, ORACLE_DIGITS, withDigits } from './decimal.js';

export type { OracleActivation, OracleParams } from './activations.js';
export { Dec, exactDecimal, ORACLE_DIGITS, withDigits } from './decimal.js';

const byName = new Map(oracleActivations.map((a) => [a.name, a]));

/** Names the oracle knows, in catalog order. */
export function oracleNames(): string[] {
  return oracleActivations.map((a) => a.name);
}

/** The oracle's definition of one activation (canonical name; `silu` is accepted for `swish`). */
export function oracleActivation(name: string): OracleActivation {
  const a = byName.get(name === 'silu' ? 'swish' : name);
  if (a === undefined)
    throw new Error(`oracle: unknown activation '${name}' (known: ${oracleNames().join(', ')})`);
  return a;
}

/** The oracle's defaults overridden by `params`. */
export function oracleParams(name: string, params: OracleParams = {}): OracleParams {
  const a = oracleActivation(name);
  for (const key of Object.keys(params)) {
    if (!(key in a.defaults)) throw new Error(`oracle: ${name} has no parameter '${key}'`);
  }
  return { ...a.defaults, ...params };
}

function decimalParams(p: OracleParams): DecimalParams {
  const out: Record<string, Decimal> = {};
  for (const [k, v] of Object.entries(p)) out[k] = exactDecimal(v);
  return out;
}

function limitDecimal(l: Limit): Decimal {
  return typeof l === 'number' ? (Number.isFinite(l) ? exactDecimal(l) : new Dec(l)) : l;
}

export interface OracleOptions {
  /** Significant digits of the working precision (default ORACLE_DIGITS = 60). */
  readonly digits?: number;
}

function evaluate(
  name: string,
  which: 'value' | 'derivative',
  x: number,
  params: OracleParams,
  options: OracleOptions,
): Decimal {
  const a = oracleActivation(name);
  const p = oracleParams(name, params);
  return withDigits(options.digits ?? ORACLE_DIGITS, () => {
    const dp = decimalParams(p);
    if (Number.isNaN(x)) return new Dec(Number.NaN);
    if (!Number.isFinite(x)) {
      const [vNeg, vPos, dNeg, dPos] = a.limits(dp);
      const limit = which === 'value' ? (x < 0 ? vNeg : vPos) : x < 0 ? dNeg : dPos;
      return limitDecimal(limit);
    }
    const xd = exactDecimal(x);
    const r = which === 'value' ? a.value(xd, dp) : a.derivative(xd, dp);
    return r.toSignificantDigits(Dec.precision);
  });
}

/**
 * f or f' at a decimal argument (not just a double), at the current precision of `Dec`: for
 * finite-difference and smoothness checks that need points between doubles. Finite x only.
 */
export function oracleAtDecimal(
  name: string,
  which: 'value' | 'derivative',
  x: Decimal,
  params: OracleParams = {},
): Decimal {
  const a = oracleActivation(name);
  const dp = decimalParams(oracleParams(name, params));
  return which === 'value' ? a.value(x, dp) : a.derivative(x, dp);
}

/** An evaluator of f or f' at a double x, with `params` (defaults filled), as a decimal. */
function evaluator(which: 'value' | 'derivative') {
  return (name: string, x: number, params: OracleParams = {}, options: OracleOptions = {}): Decimal =>
    evaluate(name, which, x, params, options);
}

/** f(x) of activation `name` with `params` (defaults filled), as a decimal. */
export const oracleValue = evaluator('value');

/** f'(x) of activation `name` with `params` (PyTorch's convention at kinks), as a decimal. */
export const oracleDerivative = evaluator('derivative');
