// The loop: one per (operation, mode, lane type) after inlining. `run<T, Lanes>` streams an array
// through `Lanes.act<T>`, the activation of one op (its marker class in generated/dispatch.ts). Every element,
// including the tail (1-3 float32 or 1 float64 element), goes through the same vector code, so results
// do not depend on where an array is split (the worker pool relies on this). Pointers may have any
// alignment; outputs may alias inputs.
import { BOTH, DERIVATIVE, FORWARD, derivativeOut, param0, param1, param2, param3, param4, paramN } from './common';
import { isNarrow, splat } from './math';

/** The tail lanes from ptr (the rest 0), without reading past the array. */
@inline function loadTail<T>(ptr: usize, count: usize): v128 {
  // One float64 left: lane 0 (lane 1 is 0 and discarded).
  if (!isNarrow<T>()) return v128.load64_zero(ptr, 0, 8);
  let v = i32x4.splat(0);
  v = v128.load32_lane(ptr, v, 0);
  if (count > 1) v = v128.load32_lane(ptr, v, 1, 4);
  if (count > 2) v = v128.load32_lane(ptr, v, 2, 8);
  return v;
}

@inline function storeTail<T>(ptr: usize, v: v128, count: usize): void {
  if (!isNarrow<T>()) {
    v128.store64_lane(ptr, v, 0, 0, 8);
    return;
  }
  v128.store32_lane(ptr, v, 0);
  if (count > 1) v128.store32_lane(ptr, v, 1, 4);
  if (count > 2) v128.store32_lane(ptr, v, 2, 8);
}

/**
 * The loop of one op and one mode (FORWARD: y = f(x); DERIVATIVE: out = dy * f'(x);
 * BOTH: y = f(x), d = f'(x)). All arguments but the pointers are constants after inlining.
 */
@inline export function run<T, Lanes>(mode: i32, xp: usize, dyp: usize, yp: usize, dp: usize, n: i32): void {
  // Lanes' act has no state: a null reference of the marker class only selects the function.
  const lanes = changetype<Lanes>(0);
  const p0 = splat<T>(param0);
  const p1 = splat<T>(param1);
  const p2 = splat<T>(param2);
  const p3 = splat<T>(param3);
  const p4 = splat<T>(param4);
  const k = paramN;
  const bytes = <usize>n << alignof<T>();
  const vectorBytes = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i < vectorBytes; i += 16) {
    const x = v128.load(xp + i, 0, sizeof<T>());
    if (mode == FORWARD) {
      v128.store(yp + i, lanes.act<T>(FORWARD, x, p0, p1, p2, p3, p4, k), 0, sizeof<T>());
    } else if (mode == DERIVATIVE) {
      const dy = v128.load(dyp + i, 0, sizeof<T>());
      v128.store(yp + i, v128.mul<T>(dy, lanes.act<T>(DERIVATIVE, x, p0, p1, p2, p3, p4, k)), 0, sizeof<T>());
    } else {
      const y = lanes.act<T>(BOTH, x, p0, p1, p2, p3, p4, k);
      const d = derivativeOut;
      v128.store(yp + i, y, 0, sizeof<T>());
      v128.store(dp + i, d, 0, sizeof<T>());
    }
  }
  if (i < bytes) {
    const count = (bytes - i) >> alignof<T>();
    const x = loadTail<T>(xp + i, count);
    if (mode == FORWARD) {
      storeTail<T>(yp + i, lanes.act<T>(FORWARD, x, p0, p1, p2, p3, p4, k), count);
    } else if (mode == DERIVATIVE) {
      const dy = loadTail<T>(dyp + i, count);
      storeTail<T>(yp + i, v128.mul<T>(dy, lanes.act<T>(DERIVATIVE, x, p0, p1, p2, p3, p4, k)), count);
    } else {
      const y = lanes.act<T>(BOTH, x, p0, p1, p2, p3, p4, k);
      const d = derivativeOut;
      storeTail<T>(yp + i, y, count);
      storeTail<T>(dp + i, d, count);
    }
  }
}
