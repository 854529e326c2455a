/**
 * How each activation's SIMD kernel is reached from the generated AssemblyScript: the call of its lane
 * function (exported by src/kernels/assembly/<family>.ts, the spec's family) and the per-call
 * parameter preparation.
 * scripts/build-wasm.ts turns this table into src/kernels/assembly/generated/dispatch.ts (the generic
 * `act<T>` switch and `prepareParams`). Build-time only: nothing at run time imports this module.
 */
import type { PerActivation } from '../activations/index.js';

export interface SimdDispatch {
  /**
   * The lane function call, generic over the lane type `T` (f32: f32x4 lanes, f64: f64x2; one
   * source serves both precisions). In scope: `x`, `mode`, the splatted parameters `p0`..`p4` and the
   * integer parameter `n`.
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
    call: 'golu<T>(x, mode, p0, p1, p2, p3, p4)',
    prepare: 'prepareGompertz(wide, a, b, c, true);',
  },
  gompertz: {
    call: 'gompertz<T>(x, mode, p0, p1, p2, p3, p4)',
    prepare: 'prepareGompertz(wide, a, b, c, false);',
  },
  gelu: { call: 'gelu<T>(x, mode)' },
  gelu_tanh: { call: 'geluTanh<T>(x, mode)' },
  gelu_sigmoid: { call: 'geluSigmoid<T>(x, mode, p0)', prepare: 'param0 = GELU_SIGMOID_BETA;' },
  gem: { call: 'gem<T>(x, mode, p0, p1, p2, n, false)', prepare: 'prepareGem(a, 1.0, 0.0);' },
  egem: { call: 'gem<T>(x, mode, p0, p1, p2, n, false)', prepare: 'prepareGem(a, b, 0.0);' },
  segem: { call: 'gem<T>(x, mode, p0, p1, p2, n, true)', prepare: 'prepareGem(a, b, c);' },
  fmish: { call: 'fmish<T>(x, mode)' },
  relu: { call: 'relu<T>(x, mode)' },
  leaky_relu: { call: 'leakyRelu<T>(x, mode, p0)', prepare: 'param0 = a;' },
  prelu: { call: 'leakyRelu<T>(x, mode, p0)', prepare: 'param0 = a;' },
  elu: {
    call: 'elu<T>(x, mode, p0, p1, p2, false, false)',
    prepare: 'param0 = 1.0; param1 = a;',
  },
  selu: {
    call: 'elu<T>(x, mode, p0, p1, p2, true, false)',
    prepare: 'param0 = SELU_SCALE; param1 = SELU_SCALE * SELU_ALPHA;',
  },
  celu: {
    call: 'elu<T>(x, mode, p0, p1, p2, false, true)',
    prepare: 'param0 = 1.0; param1 = a; param2 = a;',
  },
  softplus: { call: 'softplus<T>(x, mode, p0, p1)', prepare: 'param0 = a; param1 = b;' },
  swish: { call: 'xSigmoid<T>(x, mode, p0)', prepare: 'param0 = a;' },
  mish: { call: 'mish<T>(x, mode)' },
  sigmoid: { call: 'sigmoid<T>(x, mode)' },
  tanh: { call: 'tanh<T>(x, mode)' },
  softsign: { call: 'softsign<T>(x, mode)' },
  relu6: { call: 'relu6<T>(x, mode)' },
  hard_swish: { call: 'hardSwish<T>(x, mode)' },
  squareplus: { call: 'squareplus<T>(x, mode)', prepare: 'param0 = a;' },
};
