// The loops: one per (operation, mode) after inlining. `act32`/`act64` pick the activation for a
// constant op id; `run32`/`run64` stream an array through it. Every element, including the 1-3
// element tail, goes through the same vector code, so results do not depend on where an array is
// split (the worker pool relies on this). Pointers may have any alignment; outputs may alias inputs.
import { BOTH, DERIVATIVE, FORWARD, derivativeOut, param0, param1, param2, param3, param4, paramN } from './common';
import { elu32, elu64 } from './elu';
import { gelu32, gelu64, geluTanh32, geluTanh64 } from './gelu';
import { gem32, gem64 } from './gem';
import {
  OP_CELU, OP_EGEM, OP_ELU, OP_FMISH, OP_GELU, OP_GELU_SIGMOID, OP_GELU_TANH, OP_GEM, OP_GOLU,
  OP_GOMPERTZ, OP_LEAKY_RELU, OP_MISH, OP_PRELU, OP_RELU, OP_RELU6, OP_SEGEM, OP_SELU, OP_SIGMOID,
  OP_SOFTPLUS, OP_SOFTSIGN, OP_SWISH, OP_TANH,
} from './generated/ops';
import { golu32, golu64, gompertz32, gompertz64 } from './golu';
import { fmish32, fmish64, mish32, mish64 } from './mish';
import { leakyRelu32, leakyRelu64, relu32, relu64, relu6_32, relu6_64 } from './relu';
import { sigmoid32, sigmoid64, softplus32, softplus64, softsign32, softsign64, tanh32, tanh64 } from './sigmoid';
import { xSigmoid32, xSigmoid64 } from './swish';

@inline export function act32(op: i32, mode: i32, x: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, n: i32): v128 {
  switch (op) {
    case OP_GOLU: return golu32(x, mode, p0, p1, p2, p3, p4);
    case OP_GOMPERTZ: return gompertz32(x, mode, p0, p1, p2, p3, p4);
    case OP_GELU: return gelu32(x, mode);
    case OP_GELU_TANH: return geluTanh32(x, mode);
    case OP_GELU_SIGMOID: return xSigmoid32(x, mode, p0);
    case OP_GEM: return gem32(x, mode, p0, p1, p2, n, false);
    case OP_EGEM: return gem32(x, mode, p0, p1, p2, n, false);
    case OP_SEGEM: return gem32(x, mode, p0, p1, p2, n, true);
    case OP_FMISH: return fmish32(x, mode);
    case OP_RELU: return relu32(x, mode);
    case OP_LEAKY_RELU: return leakyRelu32(x, mode, p0);
    case OP_PRELU: return leakyRelu32(x, mode, p0);
    case OP_ELU: return elu32(x, mode, p0, p1, p2, false, false);
    case OP_SELU: return elu32(x, mode, p0, p1, p2, true, false);
    case OP_CELU: return elu32(x, mode, p0, p1, p2, false, true);
    case OP_SOFTPLUS: return softplus32(x, mode, p0, p1);
    case OP_SWISH: return xSigmoid32(x, mode, p0);
    case OP_MISH: return mish32(x, mode);
    case OP_SIGMOID: return sigmoid32(x, mode);
    case OP_TANH: return tanh32(x, mode);
    case OP_SOFTSIGN: return softsign32(x, mode);
    case OP_RELU6: return relu6_32(x, mode);
  }
  return x;
}

@inline export function act64(op: i32, mode: i32, x: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, n: i32): v128 {
  switch (op) {
    case OP_GOLU: return golu64(x, mode, p0, p1, p2, p3, p4);
    case OP_GOMPERTZ: return gompertz64(x, mode, p0, p1, p2, p3, p4);
    case OP_GELU: return gelu64(x, mode);
    case OP_GELU_TANH: return geluTanh64(x, mode);
    case OP_GELU_SIGMOID: return xSigmoid64(x, mode, p0);
    case OP_GEM: return gem64(x, mode, p0, p1, p2, n, false);
    case OP_EGEM: return gem64(x, mode, p0, p1, p2, n, false);
    case OP_SEGEM: return gem64(x, mode, p0, p1, p2, n, true);
    case OP_FMISH: return fmish64(x, mode);
    case OP_RELU: return relu64(x, mode);
    case OP_LEAKY_RELU: return leakyRelu64(x, mode, p0);
    case OP_PRELU: return leakyRelu64(x, mode, p0);
    case OP_ELU: return elu64(x, mode, p0, p1, p2, false, false);
    case OP_SELU: return elu64(x, mode, p0, p1, p2, true, false);
    case OP_CELU: return elu64(x, mode, p0, p1, p2, false, true);
    case OP_SOFTPLUS: return softplus64(x, mode, p0, p1);
    case OP_SWISH: return xSigmoid64(x, mode, p0);
    case OP_MISH: return mish64(x, mode);
    case OP_SIGMOID: return sigmoid64(x, mode);
    case OP_TANH: return tanh64(x, mode);
    case OP_SOFTSIGN: return softsign64(x, mode);
    case OP_RELU6: return relu6_64(x, mode);
  }
  return x;
}

/** 1-3 float32 lanes from ptr (the rest 0), without reading past the array. */
@inline function loadPartial32(ptr: usize, count: usize): v128 {
  let v = i32x4.splat(0);
  v = v128.load32_lane(ptr, v, 0);
  if (count > 1) v = v128.load32_lane(ptr, v, 1, 4);
  if (count > 2) v = v128.load32_lane(ptr, v, 2, 8);
  return v;
}

@inline function storePartial32(ptr: usize, v: v128, count: usize): void {
  v128.store32_lane(ptr, v, 0);
  if (count > 1) v128.store32_lane(ptr, v, 1, 4);
  if (count > 2) v128.store32_lane(ptr, v, 2, 8);
}

/**
 * The loop of one op and one mode (FORWARD: y = f(x); DERIVATIVE: out = dy * f'(x);
 * BOTH: y = f(x), d = f'(x)). All arguments but the pointers are constants after inlining.
 */
@inline export function run32(op: i32, mode: i32, xp: usize, dyp: usize, yp: usize, dp: usize, n: i32): void {
  const p0 = f32x4.splat(<f32>param0);
  const p1 = f32x4.splat(<f32>param1);
  const p2 = f32x4.splat(<f32>param2);
  const p3 = f32x4.splat(<f32>param3);
  const p4 = f32x4.splat(<f32>param4);
  const k = paramN;
  const bytes = <usize>n << 2;
  const vectorBytes = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i < vectorBytes; i += 16) {
    const x = v128.load(xp + i, 0, 4);
    if (mode == FORWARD) {
      v128.store(yp + i, act32(op, FORWARD, x, p0, p1, p2, p3, p4, k), 0, 4);
    } else if (mode == DERIVATIVE) {
      const dy = v128.load(dyp + i, 0, 4);
      v128.store(yp + i, f32x4.mul(dy, act32(op, DERIVATIVE, x, p0, p1, p2, p3, p4, k)), 0, 4);
    } else {
      const y = act32(op, BOTH, x, p0, p1, p2, p3, p4, k);
      const d = derivativeOut;
      v128.store(yp + i, y, 0, 4);
      v128.store(dp + i, d, 0, 4);
    }
  }
  if (i < bytes) {
    const count = (bytes - i) >> 2;
    const x = loadPartial32(xp + i, count);
    if (mode == FORWARD) {
      storePartial32(yp + i, act32(op, FORWARD, x, p0, p1, p2, p3, p4, k), count);
    } else if (mode == DERIVATIVE) {
      const dy = loadPartial32(dyp + i, count);
      storePartial32(yp + i, f32x4.mul(dy, act32(op, DERIVATIVE, x, p0, p1, p2, p3, p4, k)), count);
    } else {
      const y = act32(op, BOTH, x, p0, p1, p2, p3, p4, k);
      const d = derivativeOut;
      storePartial32(yp + i, y, count);
      storePartial32(dp + i, d, count);
    }
  }
}

@inline export function run64(op: i32, mode: i32, xp: usize, dyp: usize, yp: usize, dp: usize, n: i32): void {
  const p0 = f64x2.splat(param0);
  const p1 = f64x2.splat(param1);
  const p2 = f64x2.splat(param2);
  const p3 = f64x2.splat(param3);
  const p4 = f64x2.splat(param4);
  const k = paramN;
  const bytes = <usize>n << 3;
  const vectorBytes = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i < vectorBytes; i += 16) {
    const x = v128.load(xp + i, 0, 8);
    if (mode == FORWARD) {
      v128.store(yp + i, act64(op, FORWARD, x, p0, p1, p2, p3, p4, k), 0, 8);
    } else if (mode == DERIVATIVE) {
      const dy = v128.load(dyp + i, 0, 8);
      v128.store(yp + i, f64x2.mul(dy, act64(op, DERIVATIVE, x, p0, p1, p2, p3, p4, k)), 0, 8);
    } else {
      const y = act64(op, BOTH, x, p0, p1, p2, p3, p4, k);
      const d = derivativeOut;
      v128.store(yp + i, y, 0, 8);
      v128.store(dp + i, d, 0, 8);
    }
  }
  if (i < bytes) {
    // One float64 left: lane 0 (lane 1 is 0 and discarded).
    const x = v128.load64_zero(xp + i, 0, 8);
    if (mode == FORWARD) {
      v128.store64_lane(yp + i, act64(op, FORWARD, x, p0, p1, p2, p3, p4, k), 0, 0, 8);
    } else if (mode == DERIVATIVE) {
      const dy = v128.load64_zero(dyp + i, 0, 8);
      v128.store64_lane(yp + i, f64x2.mul(dy, act64(op, DERIVATIVE, x, p0, p1, p2, p3, p4, k)), 0, 0, 8);
    } else {
      const y = act64(op, BOTH, x, p0, p1, p2, p3, p4, k);
      const d = derivativeOut;
      v128.store64_lane(yp + i, y, 0, 0, 8);
      v128.store64_lane(dp + i, d, 0, 0, 8);
    }
  }
}

