/**
 * The oracle's definitions of every catalog activation and their derivatives, in decimal.js.
 *
 * Written from the mathematical definitions (issue 2 and the team notes), not from the library:
 * each formula is the textbook one, rewritten only by exact algebraic identities where the naive
 * form would cancel or overflow even in high precision (1 + tanh(u) = 2 sigmoid(2u), mish's
 * tanh(softplus(x)) as a rational function of e^x, ...). Precision does the rest.
 *
 * Constants are exact to the working precision: irrational ones (sqrt 2, sqrt(2/pi), pi) and the
 * decimal literals of the definitions (GELU's 0.044715 and 1.702, SELU's 31-digit scale and alpha)
 * alike. A float64 implementation that rounds 1.702 to a double is off by |1.702 x| times that
 * rounding in e^(1.702 x), so this is the stricter reading, and the catalog follows it (it carries
 * these constants as double-doubles where the error is amplified).
 *
 * Kink conventions are PyTorch's: relu'(0) = 0, leaky_relu'(0) = prelu'(0) = slope,
 * relu6'(0) = relu6'(6) = 0, elu'(0) = alpha, selu'(0) = scale*alpha, celu'(0) = 1. Softplus
 * returns x (derivative 1) when beta*x > threshold, as PyTorch does.
 */
import type Decimal from 'decimal.js';
import { type PerActivation, registry } from '../../src/activations/index.js';
import { nextDown, nextUp } from '../../src/math/float.js';
import { Dec } from './decimal.js';
import { erfc, exp, expm1, log1p, pi, sech2, sigmoid, tanh } from './special.js';

export type OracleParams = Readonly<Record<string, number>>;

/** One activation as the oracle knows it. */
export interface OracleActivation {
  readonly name: string;
  /** Parameter defaults (kept here, independently of the catalog; a test compares the two). */
  readonly defaults: OracleParams;
  /** f(x) for finite x. */
  value(x: Decimal, p: DecimalParams): Decimal;
  /** f'(x) for finite x. */
  derivative(x: Decimal, p: DecimalParams): Decimal;
  /** [f(-Inf), f(+Inf), f'(-Inf), f'(+Inf)]: the mathematical limits. */
  limits(p: DecimalParams): readonly [Limit, Limit, Limit, Limit];
  /** Points where f or f' is not smooth (kinks, jumps), for the samplers and the tests. */
  kinks(p: OracleParams): number[];
}

/** A limit: a plain number (+-Infinity allowed) or an exact decimal. */
export type Limit = number | Decimal;

/** Parameters converted once to exact decimals. */
export type DecimalParams = Readonly<Record<string, Decimal>>;

/** A decimal literal of a definition, exactly (see the module comment). */
function literal(digits: string): Decimal {
  return new Dec(digits);
}

/** PyTorch's SELU constants (aten/src/ATen/native/Activation.h), as written there. */
export const SELU_ALPHA = '1.6732632423543772848170429916717';
export const SELU_SCALE = '1.0507009873554804934193349852946';
/** GELU tanh approximation's cubic coefficient and the sigmoid approximation's slope. */
export const GELU_TANH_CUBIC = '0.044715';
export const GELU_SIGMOID_SLOPE = '1.702';

const ZERO = () => new Dec(0);
const ONE = () => new Dec(1);
const INF = Number.POSITIVE_INFINITY;

/** x^(2n+1) / (eps + x^(2n)) and its derivative x^(2n) ((2n+1) eps + x^(2n)) / (eps + x^(2n))^2. */
function gemCore(x: Decimal, n: Decimal, eps: Decimal): { value: Decimal; derivative: Decimal } {
  const twoN = n.times(2).toNumber();
  const x2n = x.pow(twoN);
  const den = eps.plus(x2n);
  return {
    value: x.times(x2n).div(den),
    derivative: x2n.times(eps.times(twoN + 1).plus(x2n)).div(den.times(den)),
  };
}

/**
 * The Gompertz gate g = e^(-beta e^(-gamma x)) and beta*e^(-gamma x). For x far below zero the
 * inner exponential is astronomically large and g underflows even decimal.js's exponent range;
 * we then report g = 0 and the caller's products stay 0 instead of 0 * Inf.
 */
function gompertzGate(x: Decimal, p: DecimalParams): { gate: Decimal; s: Decimal } {
  const s = p.beta.times(exp(p.gamma.times(x).neg()));
  if (!s.isFinite() || s.gt(1e15)) return { gate: ZERO(), s };
  return { gate: exp(s.neg()), s };
}

const golu: OracleActivation = {
  name: 'golu',
  defaults: { alpha: 1, beta: 1, gamma: 1 },
  value(x, p) {
    const { gate } = gompertzGate(x, p);
    return p.alpha.times(x).times(gate);
  },
  // d/dx [alpha x e^(-s)] with s = beta e^(-gamma x), ds/dx = -gamma s:  alpha e^(-s) (1 + gamma x s)
  derivative(x, p) {
    const { gate, s } = gompertzGate(x, p);
    if (gate.isZero()) return x.isNeg() ? new Dec('-0') : ZERO();
    return p.alpha.times(gate).times(ONE().plus(p.gamma.times(x).times(s)));
  },
  limits: (p) => [-0, INF, -0, p.alpha],
  kinks: () => [],
};

const gompertz: OracleActivation = {
  name: 'gompertz',
  defaults: { alpha: 1, beta: 1, gamma: 1 },
  value(x, p) {
    return p.alpha.times(gompertzGate(x, p).gate);
  },
  // alpha gamma s e^(-s)
  derivative(x, p) {
    const { gate, s } = gompertzGate(x, p);
    if (gate.isZero()) return ZERO();
    return p.alpha.times(p.gamma).times(s).times(gate);
  },
  limits: (p) => [0, p.alpha, 0, 0],
  kinks: () => [],
};

/** Phi(x) = erfc(-x / sqrt 2) / 2 and phi(x) = e^(-x^2/2) / sqrt(2 pi). */
function normalCdf(x: Decimal): Decimal {
  return erfc(x.neg().div(new Dec(2).sqrt())).div(2);
}
function normalPdf(x: Decimal): Decimal {
  return exp(x.times(x).div(-2)).div(pi().times(2).sqrt());
}

const gelu: OracleActivation = {
  name: 'gelu',
  defaults: {},
  value: (x) => x.times(normalCdf(x)),
  derivative: (x) => normalCdf(x).plus(x.times(normalPdf(x))),
  limits: () => [-0, INF, -0, 1],
  kinks: () => [],
};

const geluTanh: OracleActivation = {
  name: 'gelu_tanh',
  defaults: {},
  // 0.5 x (1 + tanh u) = x sigmoid(2u), u = sqrt(2/pi) (x + k x^3)
  value(x) {
    const u = geluTanhArgument(x);
    return x.times(sigmoid(u.times(2)));
  },
  // sigmoid(2u) + x * 2u' * sigmoid(2u) sigmoid(-2u), u' = sqrt(2/pi) (1 + 3k x^2)
  derivative(x) {
    const u2 = geluTanhArgument(x).times(2);
    const c = new Dec(2).div(pi()).sqrt();
    const du = c.times(ONE().plus(literal(GELU_TANH_CUBIC).times(3).times(x).times(x)));
    return sigmoid(u2).plus(x.times(du).times(2).times(sigmoid(u2)).times(sigmoid(u2.neg())));
  },
  limits: () => [-0, INF, -0, 1],
  kinks: () => [],
};

function geluTanhArgument(x: Decimal): Decimal {
  const c = new Dec(2).div(pi()).sqrt();
  return c.times(x.plus(literal(GELU_TANH_CUBIC).times(x.pow(3))));
}

const geluSigmoid: OracleActivation = {
  name: 'gelu_sigmoid',
  defaults: {},
  value: (x) => x.times(sigmoid(literal(GELU_SIGMOID_SLOPE).times(x))),
  derivative(x) {
    const kx = literal(GELU_SIGMOID_SLOPE).times(x);
    return sigmoid(kx).plus(kx.times(sigmoid(kx)).times(sigmoid(kx.neg())));
  },
  limits: () => [-0, INF, -0, 1],
  kinks: () => [],
};

const gem: OracleActivation = {
  name: 'gem',
  defaults: { n: 1 },
  value: (x, p) => (x.gt(0) ? gemCore(x, p.n, ONE()).value : ZERO()),
  derivative: (x, p) => (x.gt(0) ? gemCore(x, p.n, ONE()).derivative : ZERO()),
  limits: () => [0, INF, 0, 1],
  kinks: () => [],
};

const egem: OracleActivation = {
  name: 'egem',
  defaults: { n: 1, epsilon: 1e-4 },
  value: (x, p) => (x.gt(0) ? gemCore(x, p.n, p.epsilon).value : ZERO()),
  derivative: (x, p) => (x.gt(0) ? gemCore(x, p.n, p.epsilon).derivative : ZERO()),
  limits: () => [0, INF, 0, 1],
  kinks: () => [],
};

const segem: OracleActivation = {
  name: 'segem',
  defaults: { n: 1, epsilon: 1e-4, lambda: 0.01 },
  value(x, p) {
    const core = gemCore(x, p.n, p.epsilon).value;
    return x.gte(0) ? core : p.lambda.times(core);
  },
  derivative(x, p) {
    const core = gemCore(x, p.n, p.epsilon).derivative;
    return x.gte(0) ? core : p.lambda.times(core);
  },
  limits: (p) => [-INF, INF, p.lambda, 1],
  kinks: () => [],
};

/**
 * FMish: x (1 - tanh(softplus(-x))). With 1 - tanh(y) = 2 / (e^(2y) + 1) and
 * e^(2 softplus(-x)) = (1 + e^-x)^2 this is 2x / (e^-2x + 2 e^-x + 2). We write the denominator
 * in t = e^-|x| so nothing overflows: for x >= 0, D = t^2 + 2t + 2; for x < 0,
 * D = t^-2 (1 + 2t + 2t^2).
 */
const fmish: OracleActivation = {
  name: 'fmish',
  defaults: {},
  value(x) {
    const t = exp(x.abs().neg());
    if (x.gte(0)) return x.times(2).div(t.times(t).plus(t.times(2)).plus(2));
    const e = ONE().plus(t.times(2)).plus(t.times(t).times(2));
    return x.times(2).times(t).times(t).div(e);
  },
  // f' = [2D - 2x D'] / D^2 with D' = -2 e^-2x - 2 e^-x, rewritten in t as above.
  derivative(x) {
    const t = exp(x.abs().neg());
    if (x.gte(0)) {
      const d = t.times(t).plus(t.times(2)).plus(2);
      const num = d.times(2).plus(x.times(4).times(t.times(t).plus(t)));
      return num.div(d.times(d));
    }
    const e = ONE().plus(t.times(2)).plus(t.times(t).times(2));
    const num = e.times(2).plus(x.times(4).times(ONE().plus(t)));
    return t.times(t).times(num).div(e.times(e));
  },
  limits: () => [-0, INF, -0, 1],
  kinks: () => [],
};

/**
 * Mish: x tanh(softplus(x)). With u = e^2x + 2e^x, tanh(softplus(x)) = u / (u + 2) and
 * sech^2(softplus(x)) = 1 - T^2 = (4u + 4) / (u + 2)^2. Written in t = e^x for x <= 0 and in
 * w = e^-x for x > 0 so no Inf/Inf appears.
 */
function mishGate(x: Decimal): { gate: Decimal; sech2: Decimal } {
  if (x.lte(0)) {
    const t = exp(x);
    const den = t.times(t).plus(t.times(2)).plus(2);
    const onePlusT = ONE().plus(t);
    return {
      gate: t.times(t.plus(2)).div(den),
      sech2: onePlusT.times(onePlusT).times(4).div(den.times(den)),
    };
  }
  const w = exp(x.neg());
  const den = ONE().plus(w.times(2)).plus(w.times(w).times(2));
  const onePlusW = ONE().plus(w);
  return {
    gate: ONE().plus(w.times(2)).div(den),
    sech2: w.times(w).times(onePlusW).times(onePlusW).times(4).div(den.times(den)),
  };
}

const mish: OracleActivation = {
  name: 'mish',
  defaults: {},
  value: (x) => x.times(mishGate(x).gate),
  // tanh(sp(x)) + x sech^2(sp(x)) sigmoid(x)
  derivative(x) {
    const g = mishGate(x);
    return g.gate.plus(x.times(g.sech2).times(sigmoid(x)));
  },
  limits: () => [-0, INF, -0, 1],
  kinks: () => [],
};

/** x > 0 ? x : slope x, derivative slope at 0 (PyTorch). */
function leaky(name: string, slope: number): OracleActivation {
  return {
    name,
    defaults: { slope },
    value: (x, p) => (x.gt(0) ? x : p.slope.times(x)),
    derivative: (x, p) => (x.gt(0) ? ONE() : p.slope),
    limits: (p) => [p.slope.isZero() ? 0 : -INF * p.slope.s, INF, p.slope, 1],
    kinks: () => [0],
  };
}

const relu: OracleActivation = {
  name: 'relu',
  defaults: {},
  value: (x) => (x.gt(0) ? x : ZERO()),
  derivative: (x) => (x.gt(0) ? ONE() : ZERO()),
  limits: () => [0, INF, 0, 1],
  kinks: () => [0],
};

const elu: OracleActivation = {
  name: 'elu',
  defaults: { alpha: 1 },
  value: (x, p) => (x.gt(0) ? x : p.alpha.times(expm1(x))),
  derivative: (x, p) => (x.gt(0) ? ONE() : p.alpha.times(exp(x))),
  limits: (p) => [p.alpha.neg(), INF, 0, 1],
  kinks: () => [0],
};

const selu: OracleActivation = {
  name: 'selu',
  defaults: {},
  value(x) {
    const scale = literal(SELU_SCALE);
    return x.gt(0) ? scale.times(x) : scale.times(literal(SELU_ALPHA)).times(expm1(x));
  },
  derivative(x) {
    const scale = literal(SELU_SCALE);
    return x.gt(0) ? scale : scale.times(literal(SELU_ALPHA)).times(exp(x));
  },
  limits: () => [literal(SELU_SCALE).times(literal(SELU_ALPHA)).neg(), INF, 0, literal(SELU_SCALE)],
  kinks: () => [0],
};

const celu: OracleActivation = {
  name: 'celu',
  defaults: { alpha: 1 },
  value: (x, p) => (x.gt(0) ? x : p.alpha.times(expm1(x.div(p.alpha)))),
  derivative: (x, p) => (x.gt(0) ? ONE() : exp(x.div(p.alpha))),
  limits: (p) => [p.alpha.neg(), INF, 0, 1],
  kinks: () => [0],
};

const softplus: OracleActivation = {
  name: 'softplus',
  defaults: { beta: 1, threshold: 20 },
  value(x, p) {
    const bx = p.beta.times(x);
    if (bx.gt(p.threshold)) return x;
    // bx + log1p(e^-bx) for bx > 0: e^bx itself leaves decimal.js's exponent range past bx ~ 2e15
    // (threshold = Infinity, large x), where it read as Infinity.
    if (bx.gt(0)) return bx.plus(log1p(exp(bx.neg()))).div(p.beta);
    return log1p(exp(bx)).div(p.beta);
  },
  derivative(x, p) {
    const bx = p.beta.times(x);
    return bx.gt(p.threshold) ? ONE() : sigmoid(bx);
  },
  limits: () => [0, INF, 0, 1],
  // No switch to the identity (and no jump) when threshold = Infinity.
  kinks: (p) => {
    const k = p.threshold / p.beta;
    return Number.isFinite(k) ? [k, nextDown(k), nextUp(k)] : [];
  },
};

const swish: OracleActivation = {
  name: 'swish',
  defaults: { beta: 1 },
  value: (x, p) => x.times(sigmoid(p.beta.times(x))),
  // sigmoid(bx) + bx sigmoid(bx) sigmoid(-bx)
  derivative(x, p) {
    const bx = p.beta.times(x);
    return sigmoid(bx).plus(bx.times(sigmoid(bx)).times(sigmoid(bx.neg())));
  },
  limits: () => [-0, INF, -0, 1],
  kinks: () => [],
};

const sigmoidActivation: OracleActivation = {
  name: 'sigmoid',
  defaults: {},
  value: (x) => sigmoid(x),
  derivative: (x) => sigmoid(x).times(sigmoid(x.neg())),
  limits: () => [0, 1, 0, 0],
  kinks: () => [],
};

const tanhActivation: OracleActivation = {
  name: 'tanh',
  defaults: {},
  value: (x) => tanh(x),
  derivative: (x) => sech2(x),
  limits: () => [-1, 1, 0, 0],
  kinks: () => [],
};

const softsign: OracleActivation = {
  name: 'softsign',
  defaults: {},
  value: (x) => x.div(x.abs().plus(1)),
  derivative(x) {
    const d = x.abs().plus(1);
    return ONE().div(d.times(d));
  },
  limits: () => [-1, 1, 0, 0],
  // f' = 1 / (1 + |x|)^2 has a corner at 0 (f'' jumps from 2 to -2).
  kinks: () => [0],
};

const relu6: OracleActivation = {
  name: 'relu6',
  defaults: {},
  value: (x) => (x.lte(0) ? ZERO() : x.gte(6) ? new Dec(6) : x),
  derivative: (x) => (x.gt(0) && x.lt(6) ? ONE() : ZERO()),
  limits: () => [0, 6, 0, 0],
  kinks: () => [0, 6],
};

/**
 * Hard swish, x relu6(x + 3) / 6; derivative as PyTorch's hardswish_backward: 0 for x < -3,
 * x/3 + 1/2 for -3 <= x <= 3, 1 above.
 */
const hardSwish: OracleActivation = {
  name: 'hard_swish',
  defaults: {},
  value: (x) => (x.lte(-3) ? ZERO() : x.gte(3) ? x : x.times(x.plus(3)).div(6)),
  derivative: (x) => (x.lt(-3) ? ZERO() : x.gt(3) ? ONE() : x.div(3).plus(literal('0.5'))),
  limits: () => [0, INF, 0, 1],
  kinks: () => [-3, 3],
};

/**
 * Squareplus, (x + sqrt(x^2 + b)) / 2. For x < 0 written b / (2 (r - x)) with r = sqrt(x^2 + b)
 * (exact: (r + x)(r - x) = b), because x + r cancels to every digit once x^2 >> b; likewise
 * f' = (1 + x/r) / 2 = b / (2 r (r - x)) there.
 */
function squareplusRoot(x: Decimal, b: Decimal): Decimal {
  return x.times(x).plus(b).sqrt();
}

const squareplus: OracleActivation = {
  name: 'squareplus',
  defaults: { b: 4 },
  value(x, p) {
    const r = squareplusRoot(x, p.b);
    return x.gte(0) ? x.plus(r).div(2) : p.b.div(r.minus(x).times(2));
  },
  derivative(x, p) {
    const r = squareplusRoot(x, p.b);
    return x.gte(0) ? x.div(r).plus(1).div(2) : p.b.div(r.times(r.minus(x)).times(2));
  },
  limits: () => [0, INF, 0, 1],
  kinks: () => [],
};

/**
 * The oracle's table, one definition per catalog activation (the compiler names a missing one), in
 * alphabetical order: the catalog's order comes from the registry.
 */
const ORACLE: PerActivation<OracleActivation> = {
  celu,
  egem,
  elu,
  fmish,
  gelu,
  gelu_sigmoid: geluSigmoid,
  gelu_tanh: geluTanh,
  gem,
  golu,
  gompertz,
  hard_swish: hardSwish,
  leaky_relu: leaky('leaky_relu', 0.01),
  mish,
  prelu: leaky('prelu', 0.25),
  relu,
  relu6,
  segem,
  selu,
  sigmoid: sigmoidActivation,
  softplus,
  softsign,
  squareplus,
  swish,
  tanh: tanhActivation,
};

/** The oracle's definitions, in the catalog's order. */
export const oracleActivations: readonly OracleActivation[] = registry.map((spec) => ORACLE[spec.name]);
