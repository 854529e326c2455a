/** Shader bodies of the rectifiers (ReLU, leaky ReLU, PReLU, ReLU6, hard swish) (see ./dialect.ts). */
import type { ShaderFamily } from './dialect.js';

/** Leaky ReLU and PReLU share one unit: x for x > 0, slope x otherwise; f'(0) = slope. */
const SLOPE_RECTIFIER = {
  value: `
  if (x > 0.0) {
    return x;
  }
  return p_slope * x;`,
  derivative: `
  if (x > 0.0) {
    return 1.0;
  }
  return p_slope;`,
};

export const rectifiersShaders = {
  relu: {
    value: `
  if (x > 0.0) {
    return x;
  }
  return 0.0;`,
    derivative: `
  if (x > 0.0) {
    return 1.0;
  }
  return 0.0;`,
  },
  leaky_relu: SLOPE_RECTIFIER,
  prelu: SLOPE_RECTIFIER,
  relu6: {
    value: `
  return clamp(x, 0.0, 6.0);`,
    derivative: `
  if (x > 0.0 && x < 6.0) {
    return 1.0;
  }
  return 0.0;`,
  },
  hard_swish: {
    value: `
  if (x <= -3.0) {
    return 0.0;
  }
  if (x >= 3.0) {
    return x;
  }
  return x * (x + 3.0) / 6.0;`,
    derivative: `
  // (2x + 3) / 6 on [-3, 3] including both ends (PyTorch's hardswish_backward).
  if (x < -3.0) {
    return 0.0;
  }
  if (x > 3.0) {
    return 1.0;
  }
  return (x + x + 3.0) / 6.0;`,
  },
} satisfies ShaderFamily;
