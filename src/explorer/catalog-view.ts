/**
 * The catalog as the page shows it: slider scales for each parameter (from the catalog's ranges and
 * defaults) and the four sampled curves f, f', f'' and the gate f(x)/x.
 *
 * Curves come from the catalog's WebAssembly SIMD kernels on Float64Array (`{ fast: true }`: within
 * 4 ulp of the exact float64 value, see src/kernels/tolerance.ts), because the exact double-double
 * path of GoLU costs ~4 us per point and a slider must redraw 5 x 1,000 points within a frame. The
 * hover readout uses the exact path (`value`, `derivative`). The catalog has no second derivative, so
 * f'' is the central difference (f'(x + h) - f'(x - h)) / 2h of the catalog's f', with
 * h = cbrt(eps) * max(1, |x|) (the step that balances truncation, O(h^2), against the rounding of f',
 * O(eps / h)): about 1e-10 relative error where f is smooth; at a kink (ReLU at 0) it shows a spike of
 * height jump / 2h instead of a delta.
 */
import { activation } from '../activation.js';
import { getSpec, resolveParams } from '../activations/resolve.js';
import type { ParamSpec, Params } from '../activations/spec.js';
import type { Entry } from './state.js';

export interface SliderScale {
  kind: 'linear' | 'log';
  lo: number;
  hi: number;
  /** Slider positions 0..STEPS (integers map 1:1 onto positions). */
  steps: number;
  integer: boolean;
}

const POSITIONS = 1000;

/**
 * The slider's domain: the catalog range where it is finite (open ends nudged inside), else default / 100
 * to default * 100 for positive parameters. A positive range that spans two decades or more is log-scaled;
 * integer parameters (GEM's n) move in whole steps.
 */
export function sliderScale(param: ParamSpec): SliderScale {
  const { min, max, default: value } = param;
  if (param.integer) {
    const lo = Math.ceil(Number.isFinite(min) ? min : 0);
    const hi = Math.floor(Number.isFinite(max) ? max : lo + 64);
    return { kind: 'linear', lo, hi, steps: hi - lo, integer: true };
  }
  let lo: number;
  let hi: number;
  if (Number.isFinite(min) && Number.isFinite(max)) {
    // Open ends are nudged inside: (0, 1] starts two decades below the default, [0, 1) stops short of 1.
    lo = min === 0 && !param.minInclusive ? Math.min(value / 100, max / 1000) : min;
    hi = param.maxInclusive ? max : max - (max - lo) / POSITIONS;
  } else if (min === 0 && param.minInclusive) {
    // [0, inf) (ELU's alpha): linear from 0, so 0 stays reachable.
    lo = 0;
    hi = Math.max(4 * value, 1);
  } else if (min >= 0 && value > 0) {
    lo = Math.max(value / 100, min);
    hi = value * 100;
  } else {
    const width = Math.max(1, Math.abs(value));
    lo = Number.isFinite(min) ? min : value - 4 * width;
    hi = Number.isFinite(max) ? max : value + 4 * width;
  }
  const log = lo > 0 && hi / lo >= 100;
  return { kind: log ? 'log' : 'linear', lo, hi, steps: POSITIONS, integer: false };
}

export function toPosition(value: number, s: SliderScale): number {
  const v = Math.min(s.hi, Math.max(s.lo, value));
  const t = s.kind === 'log' ? Math.log(v / s.lo) / Math.log(s.hi / s.lo) : (v - s.lo) / (s.hi - s.lo);
  return Math.round(t * s.steps);
}

/** Slider position -> value, rounded to 4 significant digits (integers exactly). */
export function fromPosition(position: number, s: SliderScale): number {
  const t = position / s.steps;
  const v = s.kind === 'log' ? s.lo * (s.hi / s.lo) ** t : s.lo + t * (s.hi - s.lo);
  return s.integer ? Math.round(v) : Number(v.toPrecision(4));
}

export interface SampledCurves {
  x: Float64Array;
  f: Float64Array;
  d1: Float64Array;
  d2: Float64Array;
  gate: Float64Array;
}

/** Resolved parameters of an entry (defaults filled). */
export function entryParams(entry: Entry): Params {
  return resolveParams(getSpec(entry.name), entry.params);
}

const CBRT_EPS = Math.cbrt(Number.EPSILON);

/** x on an even grid of `points` values over [lo, hi]. */
export function grid(lo: number, hi: number, points: number): Float64Array {
  const x = new Float64Array(points);
  for (let i = 0; i < points; i++) x[i] = lo + ((hi - lo) * i) / (points - 1);
  return x;
}

/** f, f', f'' and f(x)/x of one entry on x (see the module comment for how each is computed). */
export function sampleEntry(entry: Entry, x: Float64Array, exact = false): SampledCurves {
  const act = activation(entry.name, entry.params);
  const n = x.length;
  const options = { fast: !exact };
  const { y: f, dydx: d1 } = act.forwardWithDerivative(x, undefined, undefined, options);
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    h[i] = CBRT_EPS * Math.max(1, Math.abs(x[i]));
    plus[i] = x[i] + h[i];
    minus[i] = x[i] - h[i];
  }
  const ones = new Float64Array(n).fill(1);
  act.backward(plus, ones, plus, options);
  act.backward(minus, ones, minus, options);
  const d2 = new Float64Array(n);
  const gate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // (x + h) - (x - h) as actually represented, not 2h.
    d2[i] = (plus[i] - minus[i]) / (x[i] + h[i] - (x[i] - h[i]));
    gate[i] = x[i] === 0 ? d1[i] : f[i] / x[i];
  }
  return { x, f, d1, d2, gate };
}
