/** Shader bodies of GoLU and the Gompertz gate (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const goluShaders = {
  golu: {
    value: `
  // alpha x exp(-beta e^u), u = -gamma x; u is clamped at 40, where the gate exp(-beta e^40) is already 0 in float32.
  let e: f32 = exp(min(-p_gamma * x, 40.0));
  return p_alpha * x * exp(-p_beta * e);`,
    derivative: `
  // alpha (g + beta gamma x e^u g), with e^u g = exp(u - beta e^u) so no Inf * 0.
  let u: f32 = min(-p_gamma * x, 40.0);
  let e: f32 = exp(u);
  let g: f32 = exp(-p_beta * e);
  let h: f32 = exp(u - p_beta * e);
  return p_alpha * (g + p_beta * p_gamma * x * h);`,
  },
  gompertz: {
    value: `
  let e: f32 = exp(min(-p_gamma * x, 40.0));
  return p_alpha * exp(-p_beta * e);`,
    derivative: `
  let u: f32 = min(-p_gamma * x, 40.0);
  return p_alpha * p_beta * p_gamma * exp(u - p_beta * exp(u));`,
  },
} satisfies ShaderFamily;
