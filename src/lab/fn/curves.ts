/**
 * Activation curves sampled for plotting: f, f' and the normalised gate f(x) / (c x) on a grid.
 */
import { activation } from '../../activation.js';
import { cdfGate } from './gate.js';

export interface SampledCurve {
  activation: string;
  x: number[];
  value: number[];
  derivative: number[];
  /** Normalised gate H(x); absent when f(x)/x is not a CDF (see gate.ts). */
  gate?: number[];
}

/**
 * Samples each activation on `points` evenly spaced x in [lo, hi]. The gate at x = 0 is f'(0) / c
 * (the limit of f(x)/(c x)), so the grid may contain 0.
 */
export function sampleCurves(
  entries: readonly { name: string; params?: Readonly<Record<string, number>> }[],
  lo = -5,
  hi = 5,
  points = 401,
): SampledCurve[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`curves: need a finite range lo < hi, got [${lo}, ${hi}]`);
  }
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`curves: need >= 2 points, got ${points}`);
  const x = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  return entries.map(({ name, params }) => {
    const act = activation(name, params ?? {});
    const check = cdfGate(act.value, act.derivative);
    const curve: SampledCurve = {
      activation:
        entries.filter((e) => e.name === name).length > 1 ? labelWithParams(act.name, params) : act.name,
      x,
      value: x.map(act.value),
      derivative: x.map(act.derivative),
    };
    if (check.applies) curve.gate = x.map((xi) => check.gate(xi) / check.level);
    return curve;
  });
}

/** "golu(beta=2)": tells apart several curves of one activation. */
export function labelWithParams(name: string, params?: Readonly<Record<string, number>>): string {
  const entries = Object.entries(params ?? {});
  return entries.length === 0 ? name : `${name}(${entries.map(([k, v]) => `${k}=${v}`).join(',')})`;
}
