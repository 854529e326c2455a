/** Shader bodies of Mish and flipped Mish (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const mishShaders = {
  fmish: {
    value: `
  // 2x / (e^-2x + 2e^-x + 2), rescaled by e^2x for x < 0 so no exponential overflows.
  if (x >= 0.0) {
    let v: f32 = exp(-x);
    return 2.0 * x / (v * (v + 2.0) + 2.0);
  }
  let p: f32 = exp(x);
  return 2.0 * x * p * p / (1.0 + 2.0 * p * (1.0 + p));`,
    derivative: `
  if (x >= 0.0) {
    let v: f32 = exp(-x);
    let d: f32 = v * (v + 2.0) + 2.0;
    return 2.0 / d + 4.0 * x * v * (v + 1.0) / (d * d);
  }
  let p: f32 = exp(x);
  let e: f32 = 1.0 + 2.0 * p * (1.0 + p);
  return 2.0 * p * p * (e + 2.0 * x * (1.0 + p)) / (e * e);`,
  },
  mish: {
    value: `
  // tanh(softplus(x)) = n / (n + 2), n = e^x (e^x + 2); for x > 0 rewritten in e^-x so nothing overflows.
  if (x > 0.0) {
    let v: f32 = exp(-x);
    let m: f32 = 1.0 + 2.0 * v;
    return x * m / (m + 2.0 * v * v);
  }
  let u: f32 = exp(x);
  let n: f32 = u * (u + 2.0);
  return x * n / (n + 2.0);`,
    derivative: `
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
  return n / d + 4.0 * x * u * (u + 1.0) / (d * d);`,
  },
} satisfies ShaderFamily;
