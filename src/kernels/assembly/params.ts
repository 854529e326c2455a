// Per-call parameter preparation: the caller passes up to three raw catalog parameters
// (in the order of src/kernels/ops.ts); derived constants are formed here once, in float64.
import { param0, param1, param2, param3, param4, param5, paramN } from './common';
import {
  OP_CELU, OP_EGEM, OP_ELU, OP_GELU_SIGMOID, OP_GEM, OP_GOLU, OP_GOMPERTZ, OP_LEAKY_RELU, OP_PRELU,
  OP_SEGEM, OP_SELU, OP_SOFTPLUS, OP_SWISH,
} from './generated/ops';

// Klambauer et al.'s SELU constants, as PyTorch.
@inline const SELU_SCALE: f64 = 1.0507009873554804934193349852946;
@inline const SELU_ALPHA: f64 = 1.6732632423543772848170429916717;
// GELU's sigmoid approximation x sigmoid(1.702 x).
@inline const GELU_SIGMOID_BETA: f64 = 1.702;

/**
 * Sets param0..param5 / paramN for `op`. `wide` selects float64 limits (the cap on GoLU's inner
 * exponential must make beta * cap exceed the format's underflow threshold).
 */
export function prepareParams(op: i32, wide: bool, a: f64, b: f64, c: f64): void {
  param0 = 0; param1 = 0; param2 = 0; param3 = 0; param4 = 0; param5 = 0; paramN = 0;
  if (op == OP_GOLU || op == OP_GOMPERTZ) {
    param0 = a;
    param1 = b;
    param2 = -c;
    const cap = (wide ? 746.0 : 88.0) / b;
    const maxFinite = wide ? 1.7976931348623157e308 : 3.4028234663852886e38;
    param3 = cap < maxFinite ? cap : maxFinite;
    param4 = op == OP_GOLU ? b * c : a * b * c;
  } else if (op == OP_GELU_SIGMOID) {
    param0 = GELU_SIGMOID_BETA;
  } else if (op == OP_SWISH) {
    param0 = a;
  } else if (op == OP_GEM || op == OP_EGEM || op == OP_SEGEM) {
    paramN = <i32>a;
    param0 = op == OP_GEM ? 1.0 : b;
    param1 = 2.0 * a;
    param2 = op == OP_SEGEM ? c : 0.0;
  } else if (op == OP_LEAKY_RELU || op == OP_PRELU) {
    param0 = a;
  } else if (op == OP_ELU) {
    param0 = 1.0;
    param1 = a;
  } else if (op == OP_SELU) {
    param0 = SELU_SCALE;
    param1 = SELU_SCALE * SELU_ALPHA;
  } else if (op == OP_CELU) {
    param0 = 1.0;
    param1 = a;
    param2 = a;
  } else if (op == OP_SOFTPLUS) {
    param0 = a;
    param1 = b;
  }
}
