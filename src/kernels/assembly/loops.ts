// The loops: one per (operation, mode) after inlining. `act32`/`act64` (generated/dispatch.ts) pick
// the activation for a constant op id; `run32`/`run64` stream an array through it. Every element, including the 1-3
// element tail, goes through the same vector code, so results do not depend on where an array is
// split (the worker pool relies on this). Pointers may have any alignment; outputs may alias inputs.
import { BOTH, DERIVATIVE, FORWARD, derivativeOut, param0, param1, param2, param3, param4, paramN } from './common';
import { act32, act64 } from './generated/dispatch';

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

