/**
 * The activations as float32 shader functions, written once and emitted as GLSL ES 3.0 (WebGL) and WGSL
 * (WebGPU). The source dialect is a small subset shared by both languages: WGSL-style `fn` signatures and
 * typed `let`/`var` declarations (`let t: f32 = ...`), braces on every `if`, float literals with a dot,
 * no ternaries. `toGlsl` rewrites the only differing pieces (signatures, declarations, casts).
 *
 * Stability rules (GPU exp of a large argument may be Inf or undefined, and GLSL/WGSL only promise
 * absolute accuracy for log near 1): every exp argument is <= 0 or clamped, expm1/log1p/tanh/erfc are
 * built from polynomials and exp rather than from log, and every formula is branched on the sign of x
 * the same way as the float64 catalog (src/activations) so both round the same pieces.
 */

import type { PerActivation } from '../../activations/index.js';

/** One activation in the shader dialect: the function names and the parameters they take, in order. */
export interface ShaderActivation {
  /** Name of `fn f(x: f32, params...) -> f32`. */
  readonly value: string;
  /** Name of `fn df(x: f32, params...) -> f32`, the derivative f'(x). */
  readonly derivative: string;
  /** Catalog parameter names passed after x, in order (uniforms named `p_<param>`). */
  readonly params: readonly string[];
  /** The dialect source defining both functions (helpers come from `SHADER_HELPERS`). */
  readonly source: string;
}

/**
 * Helpers shared by the activations. Polynomial coefficients: Taylor series (expm1), the atanh series
 * log1p(u) = 2 atanh(u / (2 + u)), and the Chebyshev fit of erfc from Press et al., Numerical Recipes
 * 2nd ed. section 6.2 (fractional error < 1.2e-7).
 */
export const SHADER_HELPERS = `
fn ga_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    // Taylor series to x^9/9!: truncation error < 3e-9 relative on |x| < 0.5; no cancellation.
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666668 + x * (0.008333334
      + x * (0.0013888889 + x * (0.0001984127 + x * (0.0000248016 + x * 0.0000027557))))))));
  }
  return exp(min(x, 80.0)) - 1.0;
}

fn ga_log1p_unit(u: f32) -> f32 {
  // log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, series to s^19.
  let s: f32 = u / (2.0 + u);
  let s2: f32 = s * s;
  let series: f32 = 1.0 + s2 * (0.33333334 + s2 * (0.2 + s2 * (0.14285715 + s2 * (0.11111111
    + s2 * (0.09090909 + s2 * (0.07692308 + s2 * (0.06666667 + s2 * (0.05882353 + s2 * 0.05263158))))))));
  return 2.0 * s * series;
}

fn ga_sigmoid(x: f32) -> f32 {
  let e: f32 = exp(-abs(x));
  let s: f32 = 1.0 / (1.0 + e);
  if (x >= 0.0) {
    return s;
  }
  return e * s;
}

fn ga_sigmoid_derivative(x: f32) -> f32 {
  // sigmoid(x) sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2, no 1 - s cancellation.
  let e: f32 = exp(-abs(x));
  let d: f32 = 1.0 + e;
  return e / (d * d);
}

fn ga_tanh(x: f32) -> f32 {
  // tanh|x| = -m / (2 + m) with m = expm1(-2|x|): exact-ish near 0, exactly 1 for large |x|.
  let m: f32 = ga_expm1(-2.0 * abs(x));
  let t: f32 = -m / (2.0 + m);
  if (x < 0.0) {
    return -t;
  }
  return t;
}

fn ga_sech2(x: f32) -> f32 {
  // 1 - tanh^2 = 4 e^-2|x| / (1 + e^-2|x|)^2.
  let e: f32 = exp(-2.0 * abs(x));
  let d: f32 = 1.0 + e;
  return 4.0 * e / (d * d);
}

fn ga_exp_neg_half_square(x: f32) -> f32 {
  // exp(-x^2 / 2) with x^2 split exactly: xh has 6 fraction bits, so xh^2 is exact in float32 for |x| < 256.
  let a: f32 = min(abs(x), 64.0);
  let xh: f32 = floor(a * 64.0) / 64.0;
  let xl: f32 = a - xh;
  return exp(-0.5 * xh * xh) * exp(-0.5 * xl * (a + xh));
}

fn ga_erfc_scaled_tail(a: f32) -> f32 {
  // erfc(z) / exp(-z^2) for z = a / sqrt(2) >= 0 (Numerical Recipes erfcc without its exp(-z^2)).
  let z: f32 = a * 0.70710677;
  let t: f32 = 1.0 / (1.0 + 0.5 * z);
  let p: f32 = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(p);
}

fn ga_normal_tail(x: f32) -> f32 {
  // Phi(-|x|) = erfc(|x| / sqrt 2) / 2.
  return 0.5 * ga_erfc_scaled_tail(abs(x)) * ga_exp_neg_half_square(x);
}

fn ga_powi(base: f32, k: i32) -> f32 {
  // base^k for 0 <= base <= 1 and 0 <= k < 256 by binary exponentiation (no overflow for base <= 1).
  var result: f32 = 1.0;
  var b: f32 = base;
  var e: i32 = k;
  for (var i: i32 = 0; i < 8; i++) {
    if (e == 0) {
      break;
    }
    if (e % 2 == 1) {
      result = result * b;
    }
    b = b * b;
    e = e / 2;
  }
  return result;
}

fn ga_gate_ratio(x: f32, n: f32, eps: f32) -> f32 {
  // s = x^(2n) / (eps + x^(2n)) for x > 0, via (1/x)^(2n) when x > 1 so nothing overflows.
  let k: i32 = i32(2.0 * n + 0.5);
  if (x > 1.0) {
    let q: f32 = ga_powi(1.0 / x, k);
    return 1.0 / (1.0 + eps * q);
  }
  let p: f32 = ga_powi(x, k);
  return p / (eps + p);
}

fn ga_rational_value(x: f32, n: f32, eps: f32) -> f32 {
  // x^(2n+1) / (eps + x^(2n)) = x s for x > 0.
  return x * ga_gate_ratio(x, n, eps);
}

fn ga_rational_derivative(x: f32, n: f32, eps: f32) -> f32 {
  // x^(2n) ((2n+1) eps + x^(2n)) / (eps + x^(2n))^2 = s (1 + 2n (1 - s)); 1 - s computed without cancellation.
  let k: i32 = i32(2.0 * n + 0.5);
  var s: f32 = 0.0;
  var oneMinusS: f32 = 1.0;
  if (x > 1.0) {
    let q: f32 = ga_powi(1.0 / x, k);
    let d: f32 = 1.0 + eps * q;
    s = 1.0 / d;
    oneMinusS = eps * q / d;
  } else {
    let p: f32 = ga_powi(x, k);
    let d: f32 = eps + p;
    s = p / d;
    oneMinusS = eps / d;
  }
  return s * (1.0 + 2.0 * n * oneMinusS);
}
`;

const SELU_SCALE = '1.0507009873554805';
const SELU_ALPHA = '1.6732632423543772';

function unit(
  value: string,
  derivative: string,
  params: readonly string[],
  source: string,
): ShaderActivation {
  return { value, derivative, params, source };
}

/** Shader forms of every catalog activation, keyed by canonical name. */
export const SHADER_ACTIVATIONS: PerActivation<ShaderActivation> = {
  golu: unit(
    'golu_f',
    'golu_df',
    ['alpha', 'beta', 'gamma'],
    `
fn golu_f(x: f32, p_alpha: f32, p_beta: f32, p_gamma: f32) -> f32 {
  // alpha x exp(-beta e^u), u = -gamma x; u is clamped at 40, where the gate exp(-beta e^40) is already 0 in float32.
  let e: f32 = exp(min(-p_gamma * x, 40.0));
  return p_alpha * x * exp(-p_beta * e);
}
fn golu_df(x: f32, p_alpha: f32, p_beta: f32, p_gamma: f32) -> f32 {
  // alpha (g + beta gamma x e^u g), with e^u g = exp(u - beta e^u) so no Inf * 0.
  let u: f32 = min(-p_gamma * x, 40.0);
  let e: f32 = exp(u);
  let g: f32 = exp(-p_beta * e);
  let h: f32 = exp(u - p_beta * e);
  return p_alpha * (g + p_beta * p_gamma * x * h);
}
`,
  ),
  gompertz: unit(
    'gompertz_f',
    'gompertz_df',
    ['alpha', 'beta', 'gamma'],
    `
fn gompertz_f(x: f32, p_alpha: f32, p_beta: f32, p_gamma: f32) -> f32 {
  let e: f32 = exp(min(-p_gamma * x, 40.0));
  return p_alpha * exp(-p_beta * e);
}
fn gompertz_df(x: f32, p_alpha: f32, p_beta: f32, p_gamma: f32) -> f32 {
  let u: f32 = min(-p_gamma * x, 40.0);
  return p_alpha * p_beta * p_gamma * exp(u - p_beta * exp(u));
}
`,
  ),
  gelu: unit(
    'gelu_f',
    'gelu_df',
    [],
    `
fn gelu_f(x: f32) -> f32 {
  // x Phi(x): the normal tail Phi(-|x|) is accurate for both signs; Phi(x) = 1 - tail for x > 0.
  let tail: f32 = ga_normal_tail(x);
  if (x > 0.0) {
    return x * (1.0 - tail);
  }
  return x * tail;
}
fn gelu_df(x: f32) -> f32 {
  // Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi).
  let tail: f32 = ga_normal_tail(x);
  let density: f32 = 0.3989423 * ga_exp_neg_half_square(x);
  if (x > 0.0) {
    return 1.0 - tail + x * density;
  }
  return tail + x * density;
}
`,
  ),
  gelu_tanh: unit(
    'gelu_tanh_f',
    'gelu_tanh_df',
    [],
    `
fn gelu_tanh_f(x: f32) -> f32 {
  // 0.5 x (1 + tanh(v)) = x sigmoid(2v), v = sqrt(2/pi) (x + 0.044715 x^3); |x| clamped where the gate is 0 or 1.
  let c: f32 = clamp(x, -100.0, 100.0);
  let v: f32 = 0.7978846 * (c + 0.044715 * c * c * c);
  return x * ga_sigmoid(2.0 * v);
}
fn gelu_tanh_df(x: f32) -> f32 {
  let c: f32 = clamp(x, -100.0, 100.0);
  let v: f32 = 0.7978846 * (c + 0.044715 * c * c * c);
  let dv: f32 = 0.7978846 * (1.0 + 0.134145 * c * c);
  return ga_sigmoid(2.0 * v) + 2.0 * x * ga_sigmoid_derivative(2.0 * v) * dv;
}
`,
  ),
  gelu_sigmoid: unit(
    'gelu_sigmoid_f',
    'gelu_sigmoid_df',
    [],
    `
fn gelu_sigmoid_f(x: f32) -> f32 {
  return x * ga_sigmoid(1.702 * x);
}
fn gelu_sigmoid_df(x: f32) -> f32 {
  return ga_sigmoid(1.702 * x) + 1.702 * x * ga_sigmoid_derivative(1.702 * x);
}
`,
  ),
  gem: unit(
    'gem_f',
    'gem_df',
    ['n'],
    `
fn gem_f(x: f32, p_n: f32) -> f32 {
  if (x > 0.0) {
    return ga_rational_value(x, p_n, 1.0);
  }
  return 0.0;
}
fn gem_df(x: f32, p_n: f32) -> f32 {
  if (x > 0.0) {
    return ga_rational_derivative(x, p_n, 1.0);
  }
  return 0.0;
}
`,
  ),
  egem: unit(
    'egem_f',
    'egem_df',
    ['n', 'epsilon'],
    `
fn egem_f(x: f32, p_n: f32, p_epsilon: f32) -> f32 {
  if (x > 0.0) {
    return ga_rational_value(x, p_n, p_epsilon);
  }
  return 0.0;
}
fn egem_df(x: f32, p_n: f32, p_epsilon: f32) -> f32 {
  if (x > 0.0) {
    return ga_rational_derivative(x, p_n, p_epsilon);
  }
  return 0.0;
}
`,
  ),
  segem: unit(
    'segem_f',
    'segem_df',
    ['n', 'epsilon', 'lambda'],
    `
fn segem_f(x: f32, p_n: f32, p_epsilon: f32, p_lambda: f32) -> f32 {
  if (x > 0.0) {
    return ga_rational_value(x, p_n, p_epsilon);
  }
  if (x < 0.0) {
    return -p_lambda * ga_rational_value(-x, p_n, p_epsilon);
  }
  return x;
}
fn segem_df(x: f32, p_n: f32, p_epsilon: f32, p_lambda: f32) -> f32 {
  if (x > 0.0) {
    return ga_rational_derivative(x, p_n, p_epsilon);
  }
  if (x < 0.0) {
    return p_lambda * ga_rational_derivative(-x, p_n, p_epsilon);
  }
  return 0.0;
}
`,
  ),
  fmish: unit(
    'fmish_f',
    'fmish_df',
    [],
    `
fn fmish_f(x: f32) -> f32 {
  // 2x / (e^-2x + 2e^-x + 2), rescaled by e^2x for x < 0 so no exponential overflows.
  if (x >= 0.0) {
    let v: f32 = exp(-x);
    return 2.0 * x / (v * (v + 2.0) + 2.0);
  }
  let p: f32 = exp(x);
  return 2.0 * x * p * p / (1.0 + 2.0 * p * (1.0 + p));
}
fn fmish_df(x: f32) -> f32 {
  if (x >= 0.0) {
    let v: f32 = exp(-x);
    let d: f32 = v * (v + 2.0) + 2.0;
    return 2.0 / d + 4.0 * x * v * (v + 1.0) / (d * d);
  }
  let p: f32 = exp(x);
  let e: f32 = 1.0 + 2.0 * p * (1.0 + p);
  return 2.0 * p * p * (e + 2.0 * x * (1.0 + p)) / (e * e);
}
`,
  ),
  relu: unit(
    'relu_f',
    'relu_df',
    [],
    `
fn relu_f(x: f32) -> f32 {
  if (x > 0.0) {
    return x;
  }
  return 0.0;
}
fn relu_df(x: f32) -> f32 {
  if (x > 0.0) {
    return 1.0;
  }
  return 0.0;
}
`,
  ),
  leaky_relu: unit(
    'leaky_relu_f',
    'leaky_relu_df',
    ['slope'],
    `
fn leaky_relu_f(x: f32, p_slope: f32) -> f32 {
  if (x > 0.0) {
    return x;
  }
  return p_slope * x;
}
fn leaky_relu_df(x: f32, p_slope: f32) -> f32 {
  if (x > 0.0) {
    return 1.0;
  }
  return p_slope;
}
`,
  ),
  prelu: unit(
    'prelu_f',
    'prelu_df',
    ['slope'],
    `
fn prelu_f(x: f32, p_slope: f32) -> f32 {
  if (x > 0.0) {
    return x;
  }
  return p_slope * x;
}
fn prelu_df(x: f32, p_slope: f32) -> f32 {
  if (x > 0.0) {
    return 1.0;
  }
  return p_slope;
}
`,
  ),
  elu: unit(
    'elu_f',
    'elu_df',
    ['alpha'],
    `
fn elu_f(x: f32, p_alpha: f32) -> f32 {
  if (x > 0.0) {
    return x;
  }
  return p_alpha * ga_expm1(x);
}
fn elu_df(x: f32, p_alpha: f32) -> f32 {
  if (x > 0.0) {
    return 1.0;
  }
  return p_alpha * exp(x);
}
`,
  ),
  selu: unit(
    'selu_f',
    'selu_df',
    [],
    `
fn selu_f(x: f32) -> f32 {
  if (x > 0.0) {
    return ${SELU_SCALE} * x;
  }
  return ${SELU_SCALE} * ${SELU_ALPHA} * ga_expm1(x);
}
fn selu_df(x: f32) -> f32 {
  if (x > 0.0) {
    return ${SELU_SCALE};
  }
  return ${SELU_SCALE} * ${SELU_ALPHA} * exp(x);
}
`,
  ),
  celu: unit(
    'celu_f',
    'celu_df',
    ['alpha'],
    `
fn celu_f(x: f32, p_alpha: f32) -> f32 {
  if (x > 0.0) {
    return x;
  }
  return p_alpha * ga_expm1(x / p_alpha);
}
fn celu_df(x: f32, p_alpha: f32) -> f32 {
  if (x > 0.0) {
    return 1.0;
  }
  return exp(x / p_alpha);
}
`,
  ),
  softplus: unit(
    'softplus_f',
    'softplus_df',
    ['beta', 'threshold'],
    `
fn softplus_f(x: f32, p_beta: f32, p_threshold: f32) -> f32 {
  // (max(z, 0) + log1p(e^-|z|)) / beta, z = beta x; x itself above the threshold (PyTorch).
  let z: f32 = p_beta * x;
  if (z > p_threshold) {
    return x;
  }
  return (max(z, 0.0) + ga_log1p_unit(exp(-abs(z)))) / p_beta;
}
fn softplus_df(x: f32, p_beta: f32, p_threshold: f32) -> f32 {
  let z: f32 = p_beta * x;
  if (z > p_threshold) {
    return 1.0;
  }
  return ga_sigmoid(z);
}
`,
  ),
  swish: unit(
    'swish_f',
    'swish_df',
    ['beta'],
    `
fn swish_f(x: f32, p_beta: f32) -> f32 {
  return x * ga_sigmoid(p_beta * x);
}
fn swish_df(x: f32, p_beta: f32) -> f32 {
  return ga_sigmoid(p_beta * x) + p_beta * x * ga_sigmoid_derivative(p_beta * x);
}
`,
  ),
  mish: unit(
    'mish_f',
    'mish_df',
    [],
    `
fn mish_f(x: f32) -> f32 {
  // tanh(softplus(x)) = n / (n + 2), n = e^x (e^x + 2); for x > 0 rewritten in e^-x so nothing overflows.
  if (x > 0.0) {
    let v: f32 = exp(-x);
    let m: f32 = 1.0 + 2.0 * v;
    return x * m / (m + 2.0 * v * v);
  }
  let u: f32 = exp(x);
  let n: f32 = u * (u + 2.0);
  return x * n / (n + 2.0);
}
fn mish_df(x: f32) -> f32 {
  // t + x sech^2(sp(x)) sigmoid(x) = n/d + 4 x u (u + 1) / d^2 (scaled by e^-2x for x > 0).
  if (x > 0.0) {
    let v: f32 = exp(-x);
    let m: f32 = 1.0 + 2.0 * v;
    let d: f32 = m + 2.0 * v * v;
    return m / d + 4.0 * x * v * v * (1.0 + v) / (d * d);
  }
  let u: f32 = exp(x);
  let n: f32 = u * (u + 2.0);
  let d: f32 = n + 2.0;
  return n / d + 4.0 * x * u * (u + 1.0) / (d * d);
}
`,
  ),
  sigmoid: unit(
    'sigmoid_f',
    'sigmoid_df',
    [],
    `
fn sigmoid_f(x: f32) -> f32 {
  return ga_sigmoid(x);
}
fn sigmoid_df(x: f32) -> f32 {
  return ga_sigmoid_derivative(x);
}
`,
  ),
  tanh: unit(
    'tanh_f',
    'tanh_df',
    [],
    `
fn tanh_f(x: f32) -> f32 {
  return ga_tanh(x);
}
fn tanh_df(x: f32) -> f32 {
  return ga_sech2(x);
}
`,
  ),
  softsign: unit(
    'softsign_f',
    'softsign_df',
    [],
    `
fn softsign_f(x: f32) -> f32 {
  return x / (1.0 + abs(x));
}
fn softsign_df(x: f32) -> f32 {
  let d: f32 = 1.0 + abs(x);
  return 1.0 / (d * d);
}
`,
  ),
  relu6: unit(
    'relu6_f',
    'relu6_df',
    [],
    `
fn relu6_f(x: f32) -> f32 {
  return clamp(x, 0.0, 6.0);
}
fn relu6_df(x: f32) -> f32 {
  if (x > 0.0 && x < 6.0) {
    return 1.0;
  }
  return 0.0;
}
`,
  ),
};

/** The shader form of a canonical activation name; throws for a name without one. */
export function shaderActivation(name: string): ShaderActivation {
  const found = (SHADER_ACTIVATIONS as Readonly<Record<string, ShaderActivation | undefined>>)[name];
  if (found === undefined) throw new Error(`gatelab/tfjs: no shader form for activation '${name}'`);
  return found;
}

const GLSL_TYPES: Readonly<Record<string, string>> = { f32: 'float', i32: 'int' };

function glslType(type: string): string {
  const glsl = GLSL_TYPES[type];
  if (glsl === undefined) throw new Error(`gatelab/tfjs: shader dialect type '${type}' has no GLSL form`);
  return glsl;
}

/** Rewrites dialect source as GLSL ES 3.0: signatures, typed declarations and casts. */
export function toGlsl(source: string): string {
  return source
    .replace(/fn (\w+)\(([^)]*)\) -> (\w+) \{/g, (_match, name: string, args: string, ret: string) => {
      const glslArgs = args
        .split(',')
        .map((arg) => arg.trim())
        .filter((arg) => arg.length > 0)
        .map((arg) => {
          const [argName, argType] = arg.split(':').map((part) => part.trim());
          return `${glslType(argType)} ${argName}`;
        })
        .join(', ');
      return `${glslType(ret)} ${name}(${glslArgs}) {`;
    })
    .replace(
      /\b(?:let|var) (\w+): (\w+)/g,
      (_match, name: string, type: string) => `${glslType(type)} ${name}`,
    )
    .replace(/\bf32\(/g, 'float(')
    .replace(/\bi32\(/g, 'int(');
}

/** The dialect is already valid WGSL. */
export function toWgsl(source: string): string {
  return source;
}
