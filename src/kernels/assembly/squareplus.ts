// Squareplus (Barron 2021, p0 = b > 0): (x + sqrt(x^2 + b)) / 2, and b / (2 (sqrt(x^2 + b) - x)) for
// x < 0, the same value without the cancellation of x + sqrt(x^2 + b) for large negative x.
// f'(x) = (1 + x / r) / 2 = f(x) / r with r = sqrt(x^2 + b): one division, no cancellation either.
// Float64 lanes; float32 lanes are widened to float64 and rounded once at the end (no x^2 overflow for
// any float32 x). In float64, |x| > 2^500 takes r = |x| sqrt(1 + (b / |x|) / |x|), since x^2 overflows.
import { DERIVATIVE, FORWARD, derivativeOut, param0 } from './common';
import { abs64, select64 } from './math64';

@inline const BIG: f64 = 3.273390607896142e150; // 2^500

@inline export function squareplus64(x: v128, mode: i32): v128 {
  const b = f64x2.splat(param0);
  const a = abs64(x);
  const rSmall = f64x2.sqrt(f64x2.add(f64x2.mul(x, x), b));
  const rBig = f64x2.mul(a, f64x2.sqrt(f64x2.add(f64x2.splat(1.0), f64x2.div(f64x2.div(b, a), a))));
  const r = select64(f64x2.gt(a, f64x2.splat(BIG)), rBig, rSmall);
  const positive = f64x2.add(f64x2.mul(x, f64x2.splat(0.5)), f64x2.mul(r, f64x2.splat(0.5)));
  const negative = f64x2.div(f64x2.mul(b, f64x2.splat(0.5)), f64x2.sub(r, x));
  const y = select64(f64x2.ge(x, f64x2.splat(0.0)), positive, negative);
  if (mode == FORWARD) return y;
  // f / r; at +Inf that is Inf / Inf, the limit is 1.
  const d = select64(f64x2.eq(x, f64x2.splat(Infinity)), f64x2.splat(1.0), f64x2.div(y, r));
  if (mode == DERIVATIVE) return d;
  derivativeOut = d;
  return y;
}

@inline export function squareplus32(x: v128, mode: i32): v128 {
  const low = squareplus64(f64x2.promote_low_f32x4(x), mode);
  const lowDerivative = derivativeOut;
  const high = squareplus64(f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)), mode);
  const y = i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
  if (mode == FORWARD || mode == DERIVATIVE) return y;
  derivativeOut = i32x4.shuffle(
    f32x4.demote_f64x2_zero(lowDerivative),
    f32x4.demote_f64x2_zero(derivativeOut),
    0, 1, 4, 5,
  );
  return y;
}
