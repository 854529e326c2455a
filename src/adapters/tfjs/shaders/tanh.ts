/** Shader bodies of tanh and softsign (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

export const tanhShaders = {
  tanh: {
    value: `
  return ga_tanh(x);`,
    derivative: `
  return ga_sech2(x);`,
  },
  softsign: {
    value: `
  return x / (1.0 + abs(x));`,
    derivative: `
  let d: f32 = 1.0 + abs(x);
  return 1.0 / (d * d);`,
  },
} satisfies ShaderFamily;
