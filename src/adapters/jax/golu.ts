/**
 * GoLU and its Gompertz gate for jax-js, with learnable alpha/beta/gamma.
 */
import { lax, numpy as np } from '@jax-js/jax';
import {
  type ActivationFunction,
  defineActivation,
  type FirstOrderRule,
  type KernelParams,
} from './define.js';
import { exp, expFlushed, finiteBelow, type JaxArray } from './math.js';

type Param = number | JaxArray;

/** Options of GoLU and the Gompertz gate; each may be a number or (learnable) an array broadcastable to x. */
export interface GompertzOptions {
  /** Output scale, > 0 (default 1). */
  alpha?: Param;
  /** Displacement along x, > 0 (default 1). */
  beta?: Param;
  /** Growth rate, > 0 (default 1). */
  gamma?: Param;
}

/** Beyond beta * e^(-gamma x) = 1e4 the gate e^-(1e4) and all its derivatives are exactly 0 in float32. */
const GATE_EXPONENT_CAP = 1e4;
/** e^88 < float32 max: the clamp itself never overflows even for tiny beta. */
const MAX_EXPONENT = 88;

/**
 * g(x) = exp(-beta exp(-gamma x)). The inner exponent t = -gamma x is clamped where beta e^t >=
 * 1e4, where g is exactly 0 in float32, so e^t never overflows and reverse mode never meets
 * 0 * Inf (the NaN that naive compositions give for x <= -90). Consumes x, beta, gamma.
 */
function gompertzGate(x: JaxArray, beta: Param, gamma: Param): JaxArray {
  const t = x.mul(gamma).neg();
  const limit =
    typeof beta === 'number'
      ? Math.min(Math.log(GATE_EXPONENT_CAP / beta), MAX_EXPONENT)
      : // The limit only decides where the gate is 0: jax-js's coarse log is fine, and no gradient flows.
        np.minimum(np.log(lax.stopGradient(beta.ref)).neg().add(Math.log(GATE_EXPONENT_CAP)), MAX_EXPONENT);
  const q = exp(np.minimum(t, limit)).mul(beta);
  return exp(q.neg());
}

/**
 * q = beta e^(-gamma x) (exponent clamped as in gompertzGate) and the gate g = e^-q, for numeric
 * parameters: the pieces both the value and the derivative need. Consumes x.
 */
function gateParts(x: JaxArray, beta: number, gamma: number): { q: JaxArray; gate: JaxArray } {
  const limit = Math.min(Math.log(GATE_EXPONENT_CAP / beta), MAX_EXPONENT);
  const q = expFlushed(np.minimum(x.mul(-gamma), limit)).mul(beta);
  return { q: q.ref, gate: expFlushed(q.neg()) };
}

/**
 * golu' = alpha g (1 + gamma x q): g' = gamma q g. Where the exponent is clamped g is exactly 0 in
 * float32, and so is the derivative.
 */
const goluFirstOrder: FirstOrderRule = (x, p) => {
  const { q, gate } = gateParts(x.ref, p.beta, p.gamma);
  const value = x.ref.mul(gate.ref).mul(p.alpha);
  // g + gamma x (q g), with q g formed first: for x -> -Inf, q g = 0 while x q would overflow.
  const derivative = x.mul(q.mul(gate.ref)).mul(p.gamma).add(gate).mul(p.alpha);
  return { value, derivative };
};

/** gompertz' = alpha gamma q g. */
const gompertzFirstOrder: FirstOrderRule = (x, p) => {
  const { q, gate } = gateParts(x, p.beta, p.gamma);
  const value = gate.ref.mul(p.alpha);
  return { value, derivative: q.mul(gate).mul(p.alpha * p.gamma) };
};

function goluKernel(x: JaxArray, p: KernelParams): JaxArray {
  const gate = gompertzGate(x.ref, p.beta, p.gamma);
  return finiteBelow(x).mul(gate).mul(p.alpha);
}

function gompertzKernel(x: JaxArray, p: KernelParams): JaxArray {
  return gompertzGate(x, p.beta, p.gamma).mul(p.alpha);
}

/**
 * GoLU, Gompertz Linear Unit: `golu(x) = alpha * x * exp(-beta * exp(-gamma * x))`.
 *
 * Smooth; minimum at x = -W(1) ~ -0.567 for beta = gamma = 1. Gradients (all orders) come from
 * autodiff of a composition that stays finite for every finite x and parameter; alpha, beta and
 * gamma may be arrays (learnable, consumed like x; keep them positive).
 * Das, Safari, Adriaensen, Hutter, NeurIPS 2025, arXiv:2502.03654.
 *
 * @example const y = golu(x.ref, { beta: 0.5 }); // x is consumed unless you pass x.ref
 */
export const golu: ActivationFunction<GompertzOptions> = defineActivation('golu', goluKernel, goluFirstOrder);

/**
 * The Gompertz gate: `gompertz(x) = alpha * exp(-beta * exp(-gamma * x))` (GoLU = x * gate).
 * Parameters as for {@link golu}.
 */
export const gompertz: ActivationFunction<GompertzOptions> = defineActivation(
  'gompertz',
  gompertzKernel,
  gompertzFirstOrder,
);
