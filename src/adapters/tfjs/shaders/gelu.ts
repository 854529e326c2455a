/** Shader bodies of GELU and its tanh and sigmoid approximations (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const geluShaders = {
  gelu: {
    value: `
  // x Phi(x): the normal tail Phi(-|x|) is accurate for both signs; Phi(x) = 1 - tail for x > 0.
  let tail: f32 = ga_normal_tail(x);
  if (x > 0.0) {
    return x * (1.0 - tail);
  }
  return x * tail;`,
    derivative: `
  // Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi).
  let tail: f32 = ga_normal_tail(x);
  let density: f32 = 0.3989423 * ga_exp_neg_half_square(x);
  if (x > 0.0) {
    return 1.0 - tail + x * density;
  }
  return tail + x * density;`,
  },
  gelu_tanh: {
    value: `
  // 0.5 x (1 + tanh(v)) = x sigmoid(2v), v = sqrt(2/pi) (x + 0.044715 x^3); |x| clamped where the gate is 0 or 1.
  let c: f32 = clamp(x, -100.0, 100.0);
  let v: f32 = 0.7978846 * (c + 0.044715 * c * c * c);
  return x * ga_sigmoid(2.0 * v);`,
    derivative: `
  let c: f32 = clamp(x, -100.0, 100.0);
  let v: f32 = 0.7978846 * (c + 0.044715 * c * c * c);
  let dv: f32 = 0.7978846 * (1.0 + 0.134145 * c * c);
  return ga_sigmoid(2.0 * v) + 2.0 * x * ga_sigmoid_derivative(2.0 * v) * dv;`,
  },
  gelu_sigmoid: {
    value: `
  return x * ga_sigmoid(1.702 * x);`,
    derivative: `
  return ga_sigmoid(1.702 * x) + 1.702 * x * ga_sigmoid_derivative(1.702 * x);`,
  },
} satisfies ShaderFamily;
