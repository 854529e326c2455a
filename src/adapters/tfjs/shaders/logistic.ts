/** Shader bodies of the logistic family (sigmoid, Swish / SiLU, softplus) (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const logisticShaders = {
  softplus: {
    value: `
  // (max(z, 0) + log1p(e^-|z|)) / beta, z = beta x; x itself above the threshold (PyTorch).
  let z: f32 = p_beta * x;
  if (z > p_threshold) {
    return x;
  }
  return (max(z, 0.0) + ga_log1p_unit(exp(-abs(z)))) / p_beta;`,
    derivative: `
  let z: f32 = p_beta * x;
  if (z > p_threshold) {
    return 1.0;
  }
  return ga_sigmoid(z);`,
  },
  swish: {
    value: `
  return x * ga_sigmoid(p_beta * x);`,
    derivative: `
  return ga_sigmoid(p_beta * x) + p_beta * x * ga_sigmoid_derivative(p_beta * x);`,
  },
  sigmoid: {
    value: `
  return ga_sigmoid(x);`,
    derivative: `
  return ga_sigmoid_derivative(x);`,
  },
} satisfies ShaderFamily;
