/**
 * The fast kernels against the exact path: every activation, float32 and float64, default and
 * non-default parameters, on a stratified sample and special values; fused/forward/backward
 * agreement; in-place; odd lengths and misaligned views; zero-copy on a caller-owned memory.
 */
import { describe, expect, it } from 'vitest';
import { oracleDerivative } from '../scripts/oracle/index.js';
import { referenceFromDecimal } from '../scripts/oracle/reference.js';
import type { ActivationSpec, Params } from '../src/index.js';
import { getSpec, registry, resolveParams } from '../src/index.js';
import {
  fastBackward,
  fastForward,
  fastForwardWithDerivative,
  kernelBackend,
  STAGING_BYTES,
} from '../src/kernels/fast.js';
import { KERNEL_OPS } from '../src/kernels/ops.js';
import { withinKernelTolerance } from '../src/kernels/tolerance.js';
import { instantiateKernels, simdSupported } from '../src/kernels/wasm.js';
import { ulp, ulpError } from '../src/math/float.js';

type FloatArray = Float32Array | Float64Array;
/** Float32Array or Float64Array, as one constructor type (TypeScript cannot call through the union). */
interface FloatCtor {
  new (length: number): FloatArray;
  from(values: ArrayLike<number>, map?: (v: number, i: number) => number): FloatArray;
  readonly name: string;
}
const CTORS: readonly FloatCtor[] = [Float32Array, Float64Array];

/** Non-default parameters per activation (within their ranges), to exercise every parameter. */
const OTHER_PARAMS: Record<string, Record<string, number>> = {
  golu: { alpha: 1.5, beta: 0.5, gamma: 2 },
  gompertz: { alpha: 0.8, beta: 2, gamma: 0.7 },
  gem: { n: 3 },
  egem: { n: 2, epsilon: 0.05 },
  segem: { n: 2, epsilon: 0.01, lambda: 0.3 },
  leaky_relu: { slope: 0.2 },
  prelu: { slope: 0.05 },
  elu: { alpha: 0.5 },
  celu: { alpha: 2.5 },
  softplus: { beta: 2, threshold: 10 },
  swish: { beta: 1.7 },
};

/** Deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIALS = [
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  1,
  -1,
  6,
  -6,
  20,
  -20,
  88,
  -88,
  100,
  -100,
  1e30,
  -1e30,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1e-30,
  -1e-30,
  1e-40,
  -1e-40,
  1.401298464324817e-45,
  -1.401298464324817e-45,
  2 ** -126,
  -(2 ** -126),
  -0.5671432904097838,
  -0.7517915634084,
  0.5,
  -0.5,
];

/** A stratified sample: every binade from 2^-40 to 2^9 of both signs, a dense band, and specials. */
function sample(seed: number): number[] {
  const r = rng(seed);
  const xs = [...SPECIALS];
  for (let e = -40; e <= 9; e++) {
    for (let k = 0; k < 40; k++) {
      const v = 2 ** e * (1 + r());
      xs.push(v, -v);
    }
  }
  for (let k = 0; k < 4000; k++) xs.push((r() - 0.5) * 30);
  return xs;
}

interface Check {
  readonly kind: 'forward' | 'derivative';
  readonly format: 'float32' | 'float64';
}

/** Violations of the kernel tolerance (NaN/Inf must match exactly), as readable strings. */
function violations(spec: ActivationSpec, p: Params, x: FloatArray, got: FloatArray, check: Check): string[] {
  const out: string[] = [];
  const f = check.kind === 'forward' ? (v: number) => spec.value(v, p) : (v: number) => spec.derivative(v, p);
  for (let i = 0; i < x.length; i++) {
    const t = f(x[i]);
    const rounded = check.format === 'float32' ? Math.fround(t) : t;
    const c = got[i];
    if (Number.isNaN(t) || Number.isNaN(c)) {
      if (Number.isNaN(t) !== Number.isNaN(c)) out.push(`x=${x[i]}: got ${c}, exact ${t}`);
      continue;
    }
    if (!Number.isFinite(rounded) || !Number.isFinite(c)) {
      if (rounded !== c) out.push(`x=${x[i]}: got ${c}, exact ${t}`);
      continue;
    }
    const absError = Math.abs(c - t);
    const ulpError = absError / ulp(t, check.format);
    if (!withinKernelTolerance({ ...check, x: x[i], ulpError, absError })) {
      out.push(`x=${x[i]}: got ${c}, exact ${t} (${ulpError.toFixed(1)} ulp)`);
    }
  }
  return out;
}

function sameBits(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

describe('kernel op table', () => {
  it('has one row per catalog activation, in registry order, passing every parameter', () => {
    expect(KERNEL_OPS.map((op) => op.name)).toEqual(registry.map((s) => s.name));
    for (const op of KERNEL_OPS) {
      const spec = getSpec(op.name);
      expect([...op.params].sort(), op.name).toEqual(spec.params.map((p) => p.name).sort());
    }
  });

  it('runs on WebAssembly SIMD here', () => {
    expect(simdSupported()).toBe(true);
    expect(kernelBackend()).toBe('wasm-simd');
  });
});

describe.each(['float32', 'float64'] as const)('fast == exact within tolerance (%s)', (format) => {
  const Ctor: FloatCtor = format === 'float32' ? Float32Array : Float64Array;
  const x = Ctor.from(sample(format === 'float32' ? 7 : 8));
  for (const spec of registry) {
    const paramSets = [{}, ...(OTHER_PARAMS[spec.name] ? [OTHER_PARAMS[spec.name]] : [])];
    for (const given of paramSets) {
      it(`${spec.name} ${JSON.stringify(given)}`, () => {
        const p = resolveParams(spec, given);
        const { y, dydx } = fastForwardWithDerivative(spec, p, x, new Ctor(x.length), new Ctor(x.length));
        expect(violations(spec, p, x, y, { kind: 'forward', format }).slice(0, 5)).toEqual([]);
        expect(violations(spec, p, x, dydx, { kind: 'derivative', format }).slice(0, 5)).toEqual([]);
        // forward-only and backward loops give the same bits as the fused one.
        expect(sameBits(fastForward(spec, p, x, new Ctor(x.length)), y)).toBe(true);
        const r = rng(3);
        const dy = Ctor.from(x, () => r() * 4 - 2);
        const dx = fastBackward(spec, p, x, dy, new Ctor(x.length));
        const expected = Ctor.from(dydx, (d, i) => dy[i] * d);
        expect(sameBits(dx, expected)).toBe(true);
      });
    }
  }
});

describe('fast path against the oracle where the exact path is too close to judge', () => {
  // The catalog itself is a few ulp off here, so the sample above cannot see a 4.4 ulp fast result:
  // squareplus's float64 f' just below x = 0 (f' just below 1/2, where an ulp is half as wide), once
  // formed as f / r (4.39 and 4.36 ulp at the first two points, found by `npm run accuracy -- --path
  // fast`), and a band out to x = -1e3 where 1 + x / r cancels.
  it('squareplus float64 derivative within the kernel tolerance of the true value', () => {
    const spec = getSpec('squareplus');
    const p = resolveParams(spec, {});
    const r = rng(11);
    const points = [-4.38671504083632e-5, -9.243258117817701e-5, -132.4132101472954];
    for (let k = 0; k < 300; k++) points.push(-(10 ** (-6 + 9 * r())));
    const x = Float64Array.from(points);
    const { dydx } = fastForwardWithDerivative(
      spec,
      p,
      x,
      new Float64Array(x.length),
      new Float64Array(x.length),
    );
    const misses: string[] = [];
    x.forEach((v, i) => {
      const reference = referenceFromDecimal(oracleDerivative('squareplus', v), 'float64');
      const error = ulpError(dydx[i], reference);
      const absError = Math.abs(dydx[i] - reference.rounded);
      const check = { kind: 'derivative', format: 'float64', x: v, ulpError: error, absError } as const;
      if (!withinKernelTolerance(check)) misses.push(`x=${v}: ${error.toFixed(2)} ulp`);
    });
    expect(misses).toEqual([]);
  });
});

describe('array handling', () => {
  const golu = getSpec('golu');
  const gelu = getSpec('gelu');
  const p = resolveParams(golu, {});
  const pg = resolveParams(gelu, {});

  it('works in place (out aliases x, dx aliases x or dy)', () => {
    for (const Ctor of CTORS) {
      const r = rng(11);
      const x = Ctor.from({ length: 1029 }, () => (r() - 0.5) * 12);
      const dy = Ctor.from({ length: 1029 }, () => r() - 0.5);
      const y = fastForward(golu, p, x, new Ctor(x.length));
      const dx = fastBackward(golu, p, x, dy, new Ctor(x.length));
      const inPlace = x.slice();
      fastForward(golu, p, inPlace, inPlace);
      expect(sameBits(inPlace, y)).toBe(true);
      const xCopy = x.slice();
      fastBackward(golu, p, xCopy, dy, xCopy);
      expect(sameBits(xCopy, dx)).toBe(true);
      const dyCopy = dy.slice();
      fastBackward(golu, p, x, dyCopy, dyCopy);
      expect(sameBits(dyCopy, dx)).toBe(true);
      const fusedInPlace = x.slice();
      const d = new Ctor(x.length);
      fastForwardWithDerivative(golu, p, fusedInPlace, fusedInPlace, d);
      expect(sameBits(fusedInPlace, y)).toBe(true);
    }
  });

  it('gives the same bits for odd lengths and misaligned views as for the whole array', () => {
    for (const Ctor of CTORS) {
      const r = rng(5);
      const big = Ctor.from({ length: 1100 }, () => (r() - 0.5) * 16);
      const whole = fastForward(gelu, pg, big, new Ctor(big.length));
      const wholeD = fastForwardWithDerivative(
        gelu,
        pg,
        big,
        new Ctor(big.length),
        new Ctor(big.length),
      ).dydx;
      for (const length of [0, 1, 3, 4, 5, 1023]) {
        for (const offset of [0, 1, 2, 3, 7]) {
          const x = big.subarray(offset, offset + length);
          const out = new Ctor(length + 3).subarray(1, 1 + length); // misaligned output too
          fastForward(gelu, pg, x, out as typeof x);
          expect(
            sameBits(out, whole.subarray(offset, offset + length)),
            `${Ctor.name} ${length}@${offset}`,
          ).toBe(true);
          const d = new Ctor(length + 2).subarray(2);
          fastForwardWithDerivative(gelu, pg, x, new Ctor(length), d as typeof x);
          expect(sameBits(d, wholeD.subarray(offset, offset + length))).toBe(true);
        }
      }
    }
  });

  it('streams arrays longer than the staging buffer', () => {
    const n = (3 * STAGING_BYTES) / 4 + 5;
    const r = rng(9);
    const x = Float32Array.from({ length: n }, () => (r() - 0.5) * 10);
    const y = fastForward(golu, p, x, new Float32Array(n));
    const pieces = new Float32Array(n);
    for (let start = 0; start < n; start += 1000) {
      const end = Math.min(n, start + 1000);
      fastForward(golu, p, x.subarray(start, end), pieces.subarray(start, end));
    }
    expect(sameBits(y, pieces)).toBe(true);
  });
});

describe('zero-copy kernels on a caller-owned memory', () => {
  it('reads and writes only the given ranges, at any alignment', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const bytes = new Uint8Array(memory.buffer);
    bytes.fill(0xab);
    const kernels = instantiateKernels(memory).bind('golu', resolveParams(getSpec('golu'), { beta: 2 }));
    const n = 1023;
    const xOffset = 4 * 3 + 64; // not 16-byte aligned
    const yOffset = xOffset + n * 4 + 4;
    const r = rng(2);
    const x = new Float32Array(memory.buffer, xOffset, n);
    for (let i = 0; i < n; i++) x[i] = (r() - 0.5) * 10;
    kernels.forward('f32', xOffset, yOffset, n);
    const y = new Float32Array(memory.buffer, yOffset, n);
    const expected = fastForward(
      getSpec('golu'),
      resolveParams(getSpec('golu'), { beta: 2 }),
      x.slice(),
      new Float32Array(n),
    );
    expect(sameBits(y, expected)).toBe(true);
    // Guard bytes around the output are untouched.
    expect(bytes[yOffset - 1]).toBe(0xab);
    expect(bytes[yOffset + n * 4]).toBe(0xab);
    expect(bytes[yOffset + n * 4 + 100]).toBe(0xab);
    // No data segment: nothing below the arrays was written on instantiation.
    expect(bytes.subarray(0, 64).every((b) => b === 0xab)).toBe(true);
  });

  it('runs backward and fused in place on the memory (float64)', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const spec = getSpec('mish');
    const p = resolveParams(spec, {});
    const kernels = instantiateKernels(memory).bind('mish', p);
    const n = 5;
    const x = new Float64Array(memory.buffer, 8, n);
    x.set([-3, -0.5, 0, 0.5, 3]);
    const dy = new Float64Array(memory.buffer, 8 + 8 * n, n);
    dy.set([1, 2, 3, 4, 5]);
    const expected = fastBackward(spec, p, x.slice(), dy.slice(), new Float64Array(n));
    kernels.backward('f64', 8, 8 + 8 * n, 8 + 8 * n, n);
    expect(sameBits(dy, expected)).toBe(true);
  });

  it('names unknown activations and missing parameters', () => {
    const k = instantiateKernels(new WebAssembly.Memory({ initial: 1 }));
    expect(() => k.bind('nope', {})).toThrow(/no fast kernel for activation 'nope'/);
    expect(() => k.bind('golu', { alpha: 1 })).toThrow(/needs parameter 'beta'/);
  });
});
