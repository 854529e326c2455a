/**
 * The "naive JS loop of the textbook formula" baseline of `npm run bench`: for each activation
 * (default parameters), the forward and backward loops a user would write by hand with Math.*.
 * Each loop is compiled from its own source text (new Function) so V8 optimizes it on its own
 * and inlines the formula, as it would a hand-written loop, rather than one shared loop calling
 * 22 different callbacks.
 */

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the one people paste for GELU. */
const ERF_PRELUDE = `function erf(z) {
  const a = Math.abs(z);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return z < 0 ? -y : y;
}`;

import type { PerActivation } from '../src/activations/index.js';

interface NaiveFormula {
  /** Statement(s) setting y[i] from v = x[i]. */
  readonly forward: string;
  /** Statement(s) setting dx[i] from v = x[i] and dy[i]. */
  readonly backward: string;
  readonly prelude?: string;
}

/** ELU with alpha = 1. */
const ELU: NaiveFormula = {
  forward: 'y[i] = v > 0 ? v : Math.expm1(v);',
  backward: 'dx[i] = dy[i] * (v > 0 ? 1 : Math.exp(v));',
};

const FORMULAS: PerActivation<NaiveFormula> = {
  golu: {
    forward: 'y[i] = v * Math.exp(-Math.exp(-v));',
    backward: 'const e = Math.exp(-v); dx[i] = dy[i] * Math.exp(-e) * (1 + v * e);',
  },
  gompertz: {
    forward: 'y[i] = Math.exp(-Math.exp(-v));',
    backward: 'const e = Math.exp(-v); dx[i] = dy[i] * e * Math.exp(-e);',
  },
  gelu: {
    prelude: ERF_PRELUDE,
    forward: 'y[i] = 0.5 * v * (1 + erf(v / Math.SQRT2));',
    backward:
      'dx[i] = dy[i] * (0.5 * (1 + erf(v / Math.SQRT2)) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI));',
  },
  gelu_tanh: {
    forward: 'y[i] = 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));',
    backward:
      'const t = Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)); dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * 0.7978845608028654 * (1 + 0.134145 * v * v));',
  },
  gelu_sigmoid: {
    forward: 'y[i] = v / (1 + Math.exp(-1.702 * v));',
    backward: 'const s = 1 / (1 + Math.exp(-1.702 * v)); dx[i] = dy[i] * (s + 1.702 * v * s * (1 - s));',
  },
  gem: {
    forward: 'y[i] = v > 0 ? (v * v * v) / (1 + v * v) : 0;',
    backward: 'const t = v * v; dx[i] = v > 0 ? (dy[i] * t * (3 + t)) / ((1 + t) * (1 + t)) : 0;',
  },
  egem: {
    forward: 'y[i] = v > 0 ? (v * v * v) / (1e-4 + v * v) : 0;',
    backward: 'const t = v * v; dx[i] = v > 0 ? (dy[i] * t * (3e-4 + t)) / ((1e-4 + t) * (1e-4 + t)) : 0;',
  },
  segem: {
    forward: 'y[i] = ((v >= 0 ? 1 : 0.01) * v * v * v) / (1e-4 + v * v);',
    backward:
      'const t = v * v; dx[i] = ((v >= 0 ? 1 : 0.01) * dy[i] * t * (3e-4 + t)) / ((1e-4 + t) * (1e-4 + t));',
  },
  fmish: {
    forward: 'y[i] = v * (1 - Math.tanh(Math.log1p(Math.exp(-v))));',
    backward:
      'const t = Math.tanh(Math.log1p(Math.exp(-v))); dx[i] = dy[i] * (1 - t + (v * (1 - t * t)) / (1 + Math.exp(v)));',
  },
  relu: { forward: 'y[i] = v > 0 ? v : 0;', backward: 'dx[i] = v > 0 ? dy[i] : 0;' },
  leaky_relu: { forward: 'y[i] = v > 0 ? v : 0.01 * v;', backward: 'dx[i] = dy[i] * (v > 0 ? 1 : 0.01);' },
  prelu: { forward: 'y[i] = v > 0 ? v : 0.25 * v;', backward: 'dx[i] = dy[i] * (v > 0 ? 1 : 0.25);' },
  elu: ELU,
  selu: {
    forward: 'y[i] = 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v));',
    backward: 'dx[i] = dy[i] * (v > 0 ? 1.0507009873554805 : 1.7580993408473766 * Math.exp(v));',
  },
  celu: ELU, // CELU at its default alpha = 1 is ELU
  softplus: { forward: 'y[i] = Math.log1p(Math.exp(v));', backward: 'dx[i] = dy[i] / (1 + Math.exp(-v));' },
  swish: {
    forward: 'y[i] = v / (1 + Math.exp(-v));',
    backward: 'const s = 1 / (1 + Math.exp(-v)); dx[i] = dy[i] * s * (1 + v * (1 - s));',
  },
  mish: {
    forward: 'y[i] = v * Math.tanh(Math.log1p(Math.exp(v)));',
    backward:
      'const t = Math.tanh(Math.log1p(Math.exp(v))); dx[i] = dy[i] * (t + (v * (1 - t * t)) / (1 + Math.exp(-v)));',
  },
  sigmoid: {
    forward: 'y[i] = 1 / (1 + Math.exp(-v));',
    backward: 'const s = 1 / (1 + Math.exp(-v)); dx[i] = dy[i] * s * (1 - s);',
  },
  tanh: { forward: 'y[i] = Math.tanh(v);', backward: 'const t = Math.tanh(v); dx[i] = dy[i] * (1 - t * t);' },
  softsign: {
    forward: 'y[i] = v / (1 + Math.abs(v));',
    backward: 'const d = 1 + Math.abs(v); dx[i] = dy[i] / (d * d);',
  },
  relu6: {
    forward: 'y[i] = v < 0 ? 0 : v > 6 ? 6 : v;',
    backward: 'dx[i] = v > 0 && v < 6 ? dy[i] : 0;',
  },
  hard_swish: {
    forward: 'y[i] = (v * Math.min(Math.max(v + 3, 0), 6)) / 6;',
    backward: 'dx[i] = dy[i] * (v < -3 ? 0 : v <= 3 ? v / 3 + 0.5 : 1);',
  },
  squareplus: {
    forward: 'y[i] = 0.5 * (v + Math.sqrt(v * v + 4));',
    backward: 'dx[i] = dy[i] * 0.5 * (1 + v / Math.sqrt(v * v + 4));',
  },
};

export type NaiveForward = (x: Float32Array, y: Float32Array) => void;
export type NaiveBackward = (x: Float32Array, dy: Float32Array, dx: Float32Array) => void;

/** The naive forward and backward loops of an activation (default parameters). */
export function naiveLoops(name: string): { forward: NaiveForward; backward: NaiveBackward } {
  const f = (FORMULAS as Readonly<Record<string, NaiveFormula | undefined>>)[name];
  if (f === undefined) throw new Error(`bench: no naive formula for '${name}'`);
  const prelude = f.prelude ?? '';
  const forward = new Function(
    'x',
    'y',
    `${prelude}\nfor (let i = 0; i < x.length; i++) { const v = x[i]; ${f.forward} }`,
  ) as NaiveForward;
  const backward = new Function(
    'x',
    'dy',
    'dx',
    `${prelude}\nfor (let i = 0; i < x.length; i++) { const v = x[i]; ${f.backward} }`,
  ) as NaiveBackward;
  return { forward, backward };
}

export const NAIVE_NAMES = Object.keys(FORMULAS);
