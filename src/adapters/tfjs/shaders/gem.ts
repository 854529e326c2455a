/** Shader bodies of the GEM family (GEM, E-GEM, SE-GEM) (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const gemShaders = {
  gem: {
    value: `
  if (x > 0.0) {
    return ga_rational_value(x, p_n, 1.0);
  }
  return 0.0;`,
    derivative: `
  if (x > 0.0) {
    return ga_rational_derivative(x, p_n, 1.0);
  }
  return 0.0;`,
  },
  egem: {
    value: `
  if (x > 0.0) {
    return ga_rational_value(x, p_n, p_epsilon);
  }
  return 0.0;`,
    derivative: `
  if (x > 0.0) {
    return ga_rational_derivative(x, p_n, p_epsilon);
  }
  return 0.0;`,
  },
  segem: {
    value: `
  if (x > 0.0) {
    return ga_rational_value(x, p_n, p_epsilon);
  }
  if (x < 0.0) {
    return -p_lambda * ga_rational_value(-x, p_n, p_epsilon);
  }
  return x;`,
    derivative: `
  if (x > 0.0) {
    return ga_rational_derivative(x, p_n, p_epsilon);
  }
  if (x < 0.0) {
    return p_lambda * ga_rational_derivative(-x, p_n, p_epsilon);
  }
  return 0.0;`,
  },
} satisfies ShaderFamily;
