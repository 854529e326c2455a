/** Shader bodies of ELU, SELU and CELU (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

const SELU_SCALE = '1.0507009873554805';
const SELU_ALPHA = '1.6732632423543772';

export const eluShaders = {
  elu: {
    value: `
  if (x > 0.0) {
    return x;
  }
  return p_alpha * ga_expm1(x);`,
    derivative: `
  if (x > 0.0) {
    return 1.0;
  }
  return p_alpha * exp(x);`,
  },
  selu: {
    value: `
  if (x > 0.0) {
    return ${SELU_SCALE} * x;
  }
  return ${SELU_SCALE} * ${SELU_ALPHA} * ga_expm1(x);`,
    derivative: `
  if (x > 0.0) {
    return ${SELU_SCALE};
  }
  return ${SELU_SCALE} * ${SELU_ALPHA} * exp(x);`,
  },
  celu: {
    value: `
  if (x > 0.0) {
    return x;
  }
  return p_alpha * ga_expm1(x / p_alpha);`,
    derivative: `
  if (x > 0.0) {
    return 1.0;
  }
  return exp(x / p_alpha);`,
  },
} satisfies ShaderFamily;
