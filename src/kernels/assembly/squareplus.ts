// Squareplus (Barron 2021, p0 = b > 0): (x + sqrt(x^2 + b)) / 2, and b / (2 (sqrt(x^2 + b) - x)) for
// x < 0, the same value without the cancellation of x + sqrt(x^2 + b) for large negative x.
// f'(x) = (1 + x / r) / 2 with r = sqrt(x^2 + b), in one of two forms (one division either way):
//   x + r/2 >= 0 (f' >= 1/4): 1/2 + (x / r) / 2; the rounding errors of r and of the division land in
//     the smaller term (<= 1.5 ulp measured). f / r, which rounds f and r - x first, reached 4.4 ulp just
//     below x = 0, where f' is just below 1/2 and an ulp is half as wide.
//   below (1 + x / r cancels): b / (2 r (r - x)) = b / (2 (b + |x| (|x| + r))), since for x < 0
//     r (r - x) = r^2 + |x| r = b + x^2 + |x| r: r enters once, weighted <= 1/2 (<= 3.6 ulp measured).
//     Past |x| = 2^500, where |x| (|x| + r) overflows: f / r (f is accurate there, f' ~ 1/x^2 tiny).
// Float64 lanes; float32 lanes are widened to float64 and rounded once at the end (no x^2 overflow for
// any float32 x). In float64, |x| > 2^500 takes r = |x| sqrt(1 + (b / |x|) / |x|), since x^2 overflows.
import { BOTH, FORWARD, derivativeOut, param0, valueOrDerivative } from './common';
import { isNarrow, magnitude, where } from './math';

@inline const BIG: f64 = 3.273390607896142e150; // 2^500

@inline function squareplus64(x: v128, mode: i32): v128 {
  const b = f64x2.splat(param0);
  const a = magnitude<f64>(x);
  const rSmall = f64x2.sqrt(f64x2.add(f64x2.mul(x, x), b));
  const rBig = f64x2.mul(a, f64x2.sqrt(f64x2.add(f64x2.splat(1.0), f64x2.div(f64x2.div(b, a), a))));
  const big = f64x2.gt(a, f64x2.splat(BIG));
  const r = where(big, rBig, rSmall);
  const positive = f64x2.add(f64x2.mul(x, f64x2.splat(0.5)), f64x2.mul(r, f64x2.splat(0.5)));
  const negative = f64x2.div(f64x2.mul(b, f64x2.splat(0.5)), f64x2.sub(r, x));
  const y = where(f64x2.ge(x, f64x2.splat(0.0)), positive, negative);
  if (mode == FORWARD) return y;
  const half = f64x2.splat(0.5);
  // NaN and -Inf (-Inf + Inf) fall below; +Inf gives NaN above and is set to its limit 1.
  const upper = f64x2.ge(f64x2.add(x, f64x2.mul(r, half)), f64x2.splat(0.0));
  const lowerDenominator = f64x2.mul(f64x2.splat(2.0), f64x2.add(b, f64x2.mul(a, f64x2.add(a, r))));
  const q = f64x2.div(where(upper, x, where(big, y, b)), where(v128.or(upper, big), r, lowerDenominator));
  const dUpper = f64x2.add(half, f64x2.mul(q, half));
  const d = where(f64x2.eq(x, f64x2.splat(Infinity)), f64x2.splat(1.0), where(upper, dUpper, q));
  return valueOrDerivative(mode, y, d);
}

/** Both float32 halves through the float64 kernel, each rounded once. */
@inline function squareplus32(x: v128, mode: i32): v128 {
  const low = squareplus64(f64x2.promote_low_f32x4(x), mode);
  const lowDerivative = derivativeOut;
  const high = squareplus64(f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)), mode);
  const y = i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
  if (mode != BOTH) return y;
  derivativeOut = i32x4.shuffle(
    f32x4.demote_f64x2_zero(lowDerivative),
    f32x4.demote_f64x2_zero(derivativeOut),
    0, 1, 4, 5,
  );
  return y;
}

@inline export function squareplus<T>(x: v128, mode: i32): v128 {
  return isNarrow<T>() ? squareplus32(x, mode) : squareplus64(x, mode);
}
