/**
 * The measurements of the accuracy harness: error statistics per (activation, format, kind) and
 * the jobs that fill them (float64 against the oracle; float32 against the float64 catalog, with an
 * oracle subsample). Jobs are plain functions of serialisable arguments so they run in worker
 * threads.
 */
import { activation, type Params } from '../../src/index.js';
import {
  type FloatFormat,
  type FloatReference,
  referenceFromNumber,
  ulpError,
} from '../../src/math/float.js';
import { oracleDerivative, oracleValue } from './index.js';
import type { AccuracyPath } from './paths.js';
import { referenceFromDecimal } from './reference.js';
import {
  criticalPoints,
  float32Neighbourhood,
  logUniform,
  SeededRandom,
  specialValues,
  stratifiedFloat32,
} from './sampling.js';

export type Kind = 'forward' | 'derivative';

/** The harness targets: float64 <= 4 ulp, float32 <= 1 ulp. */
export const TARGET_ULP: Record<FloatFormat, number> = { float64: 4, float32: 1 };

/** What a row measures against. */
export type Reference = 'oracle' | 'float64-catalog';
/** Which implementation a row measures: the path under test, or the float64 catalog (the reference). */
export type Subject = 'path' | 'catalog';
/** Which inputs: the float64 sample, the float32 sample, or its oracle subsample. */
export type Sample = 'float64' | 'float32' | 'float32-subsample';

/** Error statistics of one (activation, format, kind, reference). Plain data: crosses threads. */
export interface Stats {
  name: string;
  format: FloatFormat;
  kind: Kind;
  reference: Reference;
  subject: Subject;
  sample: Sample;
  /** Points measured (NaN and infinite inputs included). */
  points: number;
  /** Largest error in ulps over finite inputs, the input where it occurs and the result there. */
  maxUlp: number;
  worstX: number;
  worstComputed: number;
  /** The reference's correctly rounded value at worstX. */
  worstExpected: number;
  /** Points with error > 1 ulp, and > the format's target. */
  over1: number;
  overTarget: number;
  /** Points the path's own `withinTolerance` rejected (null when the path has none). */
  toleranceMisses: number | null;
  /** NaN input whose output is not NaN. */
  nanNotPropagated: number;
  /** Finite input but NaN output, or +-Inf output where the true value rounds to a finite number. */
  spuriousNonFinite: number;
  /** +-Inf input whose output misses the mathematical limit by more than the target. */
  wrongLimit: number;
  /** Sum of ulp errors over finite inputs (for the mean). */
  sumUlp: number;
  /** Milliseconds spent outside the oracle (the part of the float32 sweep that scales with it). */
  sweepMs: number;
  /** The parameters at worstX (rows merge over sampled parameter sets). */
  worstParams: Params | null;
}

export function emptyStats(
  name: string,
  format: FloatFormat,
  kind: Kind,
  reference: Reference,
  sample: Sample,
  subject: Subject = 'path',
): Stats {
  return {
    name,
    format,
    kind,
    reference,
    subject,
    sample,
    points: 0,
    maxUlp: 0,
    worstX: Number.NaN,
    worstComputed: Number.NaN,
    worstExpected: Number.NaN,
    over1: 0,
    overTarget: 0,
    toleranceMisses: null,
    nanNotPropagated: 0,
    spuriousNonFinite: 0,
    wrongLimit: 0,
    sumUlp: 0,
    sweepMs: 0,
    worstParams: null,
  };
}

/** The identity of a row: rows with equal keys are merged. */
export function statsKey(s: Stats): string {
  return `${s.name}|${s.format}|${s.kind}|${s.reference}|${s.subject}|${s.sample}`;
}

/** Adds b into a (same key). */
export function mergeStats(a: Stats, b: Stats): Stats {
  const worse = b.maxUlp > a.maxUlp || (Number.isNaN(a.worstX) && !Number.isNaN(b.worstX)) ? b : a;
  return {
    ...a,
    points: a.points + b.points,
    maxUlp: worse.maxUlp,
    worstX: worse.worstX,
    worstComputed: worse.worstComputed,
    worstExpected: worse.worstExpected,
    worstParams: worse.worstParams,
    over1: a.over1 + b.over1,
    overTarget: a.overTarget + b.overTarget,
    toleranceMisses:
      a.toleranceMisses === null && b.toleranceMisses === null
        ? null
        : (a.toleranceMisses ?? 0) + (b.toleranceMisses ?? 0),
    nanNotPropagated: a.nanNotPropagated + b.nanNotPropagated,
    spuriousNonFinite: a.spuriousNonFinite + b.spuriousNonFinite,
    wrongLimit: a.wrongLimit + b.wrongLimit,
    sumUlp: a.sumUlp + b.sumUlp,
    sweepMs: a.sweepMs + b.sweepMs,
  };
}

/** Total NaN/Inf violations of a row. */
export function violations(s: Stats): number {
  return s.nanNotPropagated + s.spuriousNonFinite + s.wrongLimit;
}

/** Records one point: input x, computed result, reference for the true value. */
export function record(
  s: Stats,
  x: number,
  computed: number,
  ref: FloatReference,
  path?: AccuracyPath,
): void {
  s.points++;
  if (Number.isNaN(x)) {
    if (!Number.isNaN(computed)) s.nanNotPropagated++;
    return;
  }
  const err = ulpError(computed, ref);
  if (!Number.isFinite(x)) {
    // A finite limit (selu(-Inf) = -scale*alpha) is held to the same target as any other value;
    // an infinite one must be met exactly (ulpError is then 0 or Infinity).
    if (!(err <= TARGET_ULP[s.format])) s.wrongLimit++;
    return;
  }
  // NaN for a finite input is always wrong; an infinity only where the true value does not overflow.
  if (Number.isNaN(computed) || (!Number.isFinite(computed) && Number.isFinite(ref.rounded)))
    s.spuriousNonFinite++;
  s.sumUlp += Number.isFinite(err) ? err : 0;
  if (err > s.maxUlp || Number.isNaN(s.worstX)) {
    s.maxUlp = Math.max(err, s.maxUlp);
    if (err >= s.maxUlp) {
      s.worstX = x;
      s.worstComputed = computed;
      s.worstExpected = ref.rounded;
    }
  }
  if (err > 1) s.over1++;
  if (err > TARGET_ULP[s.format]) s.overTarget++;
  if (path?.withinTolerance) {
    const absError = Math.abs(computed - ref.anchor - ref.offset * ref.unit);
    const ok = path.withinTolerance({
      name: s.name,
      kind: s.kind,
      format: s.format,
      x,
      computed,
      ulpError: err,
      absError,
    });
    s.toleranceMisses = (s.toleranceMisses ?? 0) + (ok ? 0 : 1);
  }
}

const wordView = new Float64Array(1);
const words = new Uint32Array(wordView.buffer);
/** Index of the high 32-bit word of a double in `words` (1 on little-endian machines). */
const HIGH = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f ? 1 : 0;
/** 2^k for k in [-160, 140], indexed by k + 160. */
const POW2 = Float64Array.from({ length: 301 }, (_, i) => 2 ** (i - 160));

/** ulp in float32 of a finite double's binade (clamped to float32's exponent range). */
function float32UlpOf(d: number): number {
  wordView[0] = d;
  let e = ((words[HIGH] >>> 20) & 0x7ff) - 1023;
  if (e < -126) e = -126;
  else if (e > 127) e = 127;
  return POW2[e - 23 + 160];
}

/**
 * `record` for a float32 result against a double reference d (the float64 catalog): the hot loop
 * of the float32 sweep, so the common case (finite x, c and d) avoids building a FloatReference.
 * Identical results to record(s, x, c, referenceFromNumber(d, 'float32'), path).
 */
export function recordAgainstDouble(s: Stats, x: number, c: number, d: number, path?: AccuracyPath): void {
  const rounded = Math.fround(d);
  if (x !== x || x - x !== 0 || c - c !== 0 || rounded - rounded !== 0 || path?.withinTolerance) {
    record(s, x, c, referenceFromNumber(d, 'float32'), path);
    return;
  }
  s.points++;
  const err = Math.abs(c - d) / float32UlpOf(d);
  s.sumUlp += err;
  if (err > s.maxUlp || s.worstX !== s.worstX) {
    s.maxUlp = Math.max(err, s.maxUlp);
    if (err >= s.maxUlp) {
      s.worstX = x;
      s.worstComputed = c;
      s.worstExpected = rounded;
    }
  }
  if (err > 1) s.over1++;
  if (err > TARGET_ULP.float32) s.overTarget++;
}

/** A stable 32-bit hash of a string, to derive per-activation seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The float64 inputs of one activation: specials, critical points, then the log-uniform sample. */
export function float64Inputs(name: string, params: Params, seed: number, count: number): number[] {
  const fixed = [...specialValues(), ...criticalPoints(name, params)];
  const random = new SeededRandom(seed ^ hashString(name));
  return [...fixed, ...logUniform(random, count, 1e-300, 1e3)];
}

export interface Float64Job {
  readonly name: string;
  readonly params: Params;
  /** Inputs of this job (a slice of `float64Inputs`). */
  readonly xs: readonly number[];
  readonly digits: number;
}

/** float64 forward and derivative of the path against the oracle. */
export async function runFloat64(job: Float64Job, path: AccuracyPath): Promise<Stats[]> {
  const forward = emptyStats(job.name, 'float64', 'forward', 'oracle', 'float64');
  const derivative = emptyStats(job.name, 'float64', 'derivative', 'oracle', 'float64');
  if (!path.float64) return [];
  const x = Float64Array.from(job.xs);
  const { y, dydx } = await path.float64(job.name, job.params, x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const options = { digits: job.digits };
    record(
      forward,
      xi,
      y[i],
      referenceFromDecimal(oracleValue(job.name, xi, job.params, options), 'float64'),
      path,
    );
    record(
      derivative,
      xi,
      dydx[i],
      referenceFromDecimal(oracleDerivative(job.name, xi, job.params, options), 'float64'),
      path,
    );
  }
  forward.worstParams = job.params;
  derivative.worstParams = job.params;
  return [forward, derivative];
}

export interface Float32Job {
  readonly name: string;
  readonly params: Params;
  /** Bit-pattern range [start, end) and stride (1 = every pattern). */
  readonly start: number;
  readonly end: number;
  readonly stride: number;
  readonly seed: number;
  /** Extra inputs (specials, critical points) measured with this job; usually only in one job. */
  readonly extra: readonly number[];
  /** Every `oracleEvery`-th input is also measured against the oracle (0 = none). */
  readonly oracleEvery: number;
  readonly digits: number;
}

/** Inputs are processed in chunks of this many elements (and handed to the path as such). */
export const CHUNK = 65_536;

/**
 * float32 forward and derivative of the path against the float64 catalog value (every input), and
 * on a subsample against the oracle, together with the float64 catalog's own error there.
 * Returns rows: f32 vs catalog (forward, derivative), f32 vs oracle (forward, derivative),
 * f64 catalog vs oracle (forward, derivative).
 */
export async function runFloat32(job: Float32Job, path: AccuracyPath): Promise<Stats[]> {
  const rows = {
    forward: emptyStats(job.name, 'float32', 'forward', 'float64-catalog', 'float32'),
    derivative: emptyStats(job.name, 'float32', 'derivative', 'float64-catalog', 'float32'),
    forwardOracle: emptyStats(job.name, 'float32', 'forward', 'oracle', 'float32-subsample'),
    derivativeOracle: emptyStats(job.name, 'float32', 'derivative', 'oracle', 'float32-subsample'),
    catalogForward: emptyStats(job.name, 'float64', 'forward', 'oracle', 'float32-subsample', 'catalog'),
    catalogDerivative: emptyStats(
      job.name,
      'float64',
      'derivative',
      'oracle',
      'float32-subsample',
      'catalog',
    ),
  };
  const catalog = activation(job.name, job.params);
  const span = CHUNK * job.stride;
  let counter = 0;
  let oracleMs = 0;
  const started = performance.now();
  const measureChunk = async (x: Float32Array, oracleEvery: number) => {
    const { y, dydx } = await path.float32(job.name, job.params, x);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      const v64 = catalog.value(xi);
      const d64 = catalog.derivative(xi);
      recordAgainstDouble(rows.forward, xi, y[i], v64, path);
      recordAgainstDouble(rows.derivative, xi, dydx[i], d64, path);
      if (oracleEvery > 0 && counter++ % oracleEvery === 0) {
        const oracleStarted = performance.now();
        const options = { digits: job.digits };
        const v = oracleValue(job.name, xi, job.params, options);
        const d = oracleDerivative(job.name, xi, job.params, options);
        record(rows.forwardOracle, xi, y[i], referenceFromDecimal(v, 'float32'), path);
        record(rows.derivativeOracle, xi, dydx[i], referenceFromDecimal(d, 'float32'), path);
        record(rows.catalogForward, xi, v64, referenceFromDecimal(v, 'float64'));
        record(rows.catalogDerivative, xi, d64, referenceFromDecimal(d, 'float64'));
        oracleMs += performance.now() - oracleStarted;
      }
    }
  };
  // Every extra point goes to the oracle too: they are the interesting ones.
  if (job.extra.length > 0) await measureChunk(Float32Array.from(job.extra), 1);
  counter = 0;
  for (let start = job.start; start < job.end; start += span) {
    const end = Math.min(job.end, start + span);
    await measureChunk(stratifiedFloat32(start, end, job.stride, job.seed), job.oracleEvery);
  }
  rows.forward.sweepMs = performance.now() - started - oracleMs;
  return Object.values(rows);
}

/** The extra float32 inputs of an activation: specials and critical points with float32 neighbours. */
export function float32Extras(name: string, params: Params): number[] {
  const out: number[] = [];
  for (const v of [...specialValues(), ...criticalPoints(name, params)]) {
    for (const f of float32Neighbourhood(v)) {
      // Object.is keeps -0 and +0 apart (a Set would merge them).
      if (!out.some((o) => Object.is(o, f))) out.push(f);
    }
  }
  return out;
}
