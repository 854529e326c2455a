/** Shader bodies of squareplus (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const squareplusShaders = {
  squareplus: {
    helpers: `
fn squareplus_root(x: f32, p_b: f32) -> f32 {
  // sqrt(x^2 + b); x^2 overflows float32 beyond ~1.8e19, so |x| sqrt(1 + (b / |x|) / |x|) there.
  let a: f32 = abs(x);
  if (a > 1.0e18) {
    return a * sqrt(1.0 + p_b / a / a);
  }
  return sqrt(x * x + p_b);
}`,
    value: `
  // (x + r) / 2, and b / (2 (r - x)) for x < 0 (the same value, no cancellation).
  let r: f32 = squareplus_root(x, p_b);
  if (x >= 0.0) {
    return 0.5 * x + 0.5 * r;
  }
  return 0.5 * p_b / (r - x);`,
    derivative: `
  // f / r = (1 + x / r) / 2; 1 in float32 beyond 1e18 (and at +Inf, where f / r is Inf / Inf).
  if (x > 1.0e18) {
    return 1.0;
  }
  return squareplus_f(x, p_b) / squareplus_root(x, p_b);`,
  },
} satisfies ShaderFamily;
