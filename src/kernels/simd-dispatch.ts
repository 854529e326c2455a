/**
 * How each activation's SIMD kernel is reached from the generated AssemblyScript: the family file in
 * src/kernels/assembly/, the call of its lane function and the per-call parameter preparation.
 * scripts/build-wasm.ts turns this table into src/kernels/assembly/generated/dispatch.ts (the `act32` /
 * `act64` switches and `prepareParams`). Build-time only: nothing at run time imports this module.
 */
import type { PerActivation } from '../activations/index.js';

export interface SimdDispatch {
  /** The family file, src/kernels/assembly/<family>.ts, that exports the lane functions. */
  readonly family: string;
  /**
   * The lane function call, `#` standing for the lane width (32: f32x4, 64: f64x2). In scope: `x`,
   * `mode`, the splatted parameters `p0`..`p4` and the integer parameter `n`.
   */
  readonly call: string;
  /**
   * AssemblyScript statements run once per call, before the loop: they set the slots param0..param5
   * and paramN (src/kernels/assembly/common.ts) from the raw catalog arguments `a`, `b`, `c` (in the
   * order of src/kernels/ops.ts) and `wide` (true for float64 lanes). Omitted: no parameters.
   */
  readonly prepare?: string;
}

export const SIMD_DISPATCH: PerActivation<SimdDispatch> = {
  golu: {
    family: 'golu',
    call: 'golu#(x, mode, p0, p1, p2, p3, p4)',
    prepare: 'prepareGompertz(wide, a, b, c, true);',
  },
  gompertz: {
    family: 'golu',
    call: 'gompertz#(x, mode, p0, p1, p2, p3, p4)',
    prepare: 'prepareGompertz(wide, a, b, c, false);',
  },
  gelu: { family: 'gelu', call: 'gelu#(x, mode)' },
  gelu_tanh: { family: 'gelu', call: 'geluTanh#(x, mode)' },
  gelu_sigmoid: { family: 'swish', call: 'xSigmoid#(x, mode, p0)', prepare: 'param0 = GELU_SIGMOID_BETA;' },
  gem: { family: 'gem', call: 'gem#(x, mode, p0, p1, p2, n, false)', prepare: 'prepareGem(a, 1.0, 0.0);' },
  egem: { family: 'gem', call: 'gem#(x, mode, p0, p1, p2, n, false)', prepare: 'prepareGem(a, b, 0.0);' },
  segem: { family: 'gem', call: 'gem#(x, mode, p0, p1, p2, n, true)', prepare: 'prepareGem(a, b, c);' },
  fmish: { family: 'mish', call: 'fmish#(x, mode)' },
  relu: { family: 'relu', call: 'relu#(x, mode)' },
  leaky_relu: { family: 'relu', call: 'leakyRelu#(x, mode, p0)', prepare: 'param0 = a;' },
  prelu: { family: 'relu', call: 'leakyRelu#(x, mode, p0)', prepare: 'param0 = a;' },
  elu: {
    family: 'elu',
    call: 'elu#(x, mode, p0, p1, p2, false, false)',
    prepare: 'param0 = 1.0; param1 = a;',
  },
  selu: {
    family: 'elu',
    call: 'elu#(x, mode, p0, p1, p2, true, false)',
    prepare: 'param0 = SELU_SCALE; param1 = SELU_SCALE * SELU_ALPHA;',
  },
  celu: {
    family: 'elu',
    call: 'elu#(x, mode, p0, p1, p2, false, true)',
    prepare: 'param0 = 1.0; param1 = a; param2 = a;',
  },
  softplus: { family: 'sigmoid', call: 'softplus#(x, mode, p0, p1)', prepare: 'param0 = a; param1 = b;' },
  swish: { family: 'swish', call: 'xSigmoid#(x, mode, p0)', prepare: 'param0 = a;' },
  mish: { family: 'mish', call: 'mish#(x, mode)' },
  sigmoid: { family: 'sigmoid', call: 'sigmoid#(x, mode)' },
  tanh: { family: 'sigmoid', call: 'tanh#(x, mode)' },
  softsign: { family: 'sigmoid', call: 'softsign#(x, mode)' },
  relu6: { family: 'relu', call: 'relu6_#(x, mode)' },
};
