/**
 * `npx tsx bench/wasm-simd.ts`: why gatelab/jax's first-order forms avoid bit-casts and divisions outside
 * small kernels of their own. jax-js 0.1.25's wasm backend compiles a fused elementwise kernel to SIMD code
 * (f32x4) only when every operation in it is add, sub, mul, min, max, floor, ceil, sqrt, compare or where; a
 * single bit-cast (or division, or jax-js's exp) makes the whole kernel scalar. Times a degree-32 polynomial
 * with and without one bit-cast round trip in front (the value is unchanged), and a power of two built from
 * compares and selects (vectorisable) against the bit-cast one, over 131,072 float32 elements: median process
 * CPU time per element, interleaved. Nothing here asserts a time.
 */
import { jit, lax, numpy as np } from '@jax-js/jax';
import { initJax } from '../src/adapters/jax/index.js';
import { polynomial } from '../src/adapters/jax/math.js';

await initJax({ devices: ['wasm'], defaultDevice: 'wasm' });
const n = 131072;
const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
const exponents = Float32Array.from({ length: n }, (_, i) => (i % 254) - 126);
const coefficients = Array.from({ length: 33 }, (_, i) => 1 / (i + 1));
const bitCastRoundTrip = (x: np.Array) =>
  lax.bitcastConvertType(lax.bitcastConvertType(x, np.int32), np.float32);
/** 2^k from the exponent bits (two bit-casts and a shift): scalar code. */
const powerOfTwoBits = (k: np.Array) => {
  const bits = lax.bitcastConvertType(k.add(127 + 12582912), np.int32);
  return lax.bitcastConvertType(np.leftShift(bits, np.array(23, { dtype: np.int32 })), np.float32);
};
/** 2^k from the bits of k + 126 taken by compares and selects: vectorisable. */
const powerOfTwoSelects = (k: np.Array) => {
  let rest = k.add(126);
  let scale: np.Array | null = null;
  for (const bit of [128, 64, 32, 16, 8, 4, 2, 1]) {
    const below = rest.ref.less(bit);
    scale =
      scale === null
        ? np.where(below.ref, 2 ** -126, 2 ** (bit - 126))
        : scale.mul(np.where(below.ref, 1, 2 ** bit));
    rest = np.where(below, rest.ref, rest.sub(bit));
  }
  rest.dispose();
  return scale as np.Array;
};
const cases: [string, (x: np.Array) => np.Array, Float32Array][] = [
  ['copy (x * 2)', (x) => x.mul(2), data],
  ['polynomial, degree 32 (SIMD)', (x) => polynomial(x, coefficients), data],
  ['the same after a bit-cast (scalar)', (x) => polynomial(bitCastRoundTrip(x), coefficients), data],
  ['2^k by bit-cast (scalar)', powerOfTwoBits, exponents],
  ['2^k by compares and selects (SIMD)', powerOfTwoSelects, exponents],
];
const compiled = cases.map(([, f]) => jit(f));
const times: number[][] = cases.map(() => []);
for (let round = 0; round < 60; round++) {
  compiled.forEach((f, i) => {
    const x = np.array(cases[i][2]);
    const c0 = process.cpuUsage();
    f(x).dataSync();
    const c = process.cpuUsage(c0);
    if (round >= 5) times[i].push((c.user + c.system) / 1000);
  });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
cases.forEach(([name], i) => {
  console.log(
    `${name.padEnd(38)} ${((median(times[i]) * 1e6) / n).toFixed(1)} ns/element (CPU, incl. copy in/out)`,
  );
});
