/**
 * Squareplus (Barron 2021) in float64: f(x) = (x + r) / 2 with r = sqrt(x^2 + b), and its derivative
 * f'(x) = (1 + x / r) / 2 = f(x) / r.
 *
 * - No cancellation: for x < 0, x + r loses every digit once x^2 >> b, so f is formed as
 *   b / (2 (r - x)) there (the same value: (r + x)(r - x) = b), and f' as f / r, never 1 + x / r.
 * - r in double-double: x^2 (exact by twoProd) + b summed exactly, then one Newton step on sqrt, so
 *   r carries ~2^-100 relative error and f and f' round about once (measured <= 1 ulp and <= 2 ulp).
 * - No overflow: x^2 overflows for |x| > 2^511 and x^2 + b for b near the float64 maximum, so for
 *   |x| > 2^500 or b > 2^1000 the computation runs on x 2^-600 and b 2^-1200 and scales back exactly.
 */
import { twoProd, twoSum } from './double-double.js';

const BIG_X = 2 ** 500;
const BIG_B = 2 ** 1000;
/** Scale factors: x 2^-600 <= 2^424, so its square stays finite; b 2^-1200 is exact wherever b matters. */
const DOWN = 2 ** -600;
const UP = 2 ** 600;

interface SquareplusParts {
  /** f(x) */
  value: number;
  /** f'(x) */
  derivative: number;
}

/** f(x) and f'(x) of squareplus with parameter b > 0; NaN in gives NaN out, limits at +-Infinity. */
export function squareplusParts(x: number, b: number): SquareplusParts {
  if (x !== x) return { value: x, derivative: x };
  if (x === Number.POSITIVE_INFINITY) return { value: x, derivative: 1 };
  if (x === Number.NEGATIVE_INFINITY) return { value: 0, derivative: 0 };
  const bBig = b > BIG_B;
  const scaled = bBig || Math.abs(x) > BIG_X;
  const xs = scaled ? x * DOWN : x;
  const bs = scaled ? b * DOWN * DOWN : b;
  // r^2 = xs^2 + bs as a double-double (sum, sumLo), then r = r0 + rLo by one Newton step.
  const [square, squareLo] = twoProd(xs, xs);
  const [head, headLo] = twoSum(square, bs);
  const tail = headLo + squareLo;
  const sum = head + tail;
  const sumLo = tail - (sum - head);
  const r0 = Math.sqrt(sum);
  const [r0Square, r0SquareLo] = twoProd(r0, r0);
  const rLo = (sum - r0Square - r0SquareLo + sumLo) / (2 * r0);
  if (xs >= 0) {
    // (x + r) / 2, summed exactly before the one rounding.
    const [s, sLo] = twoSum(xs, r0);
    const half = 0.5 * (s + (sLo + rLo));
    // f / r = half / (r0 + rLo), to first order in rLo / r0.
    const derivative = (half / r0) * (1 - rLo / r0);
    return { value: scaled ? half * UP : half, derivative };
  }
  // b / (2 (r - x)): r - x = r + |x| without cancellation.
  const [d, dLo] = twoSum(r0, -xs);
  const difference = d + (dLo + rLo);
  const correction = 1 - rLo / r0;
  if (!scaled) {
    const value = (0.5 * b) / difference;
    return { value, derivative: (value / r0) * correction };
  }
  if (bBig) {
    // b 2^-1200 is exact (b > 2^1000): f = q 2^600 and f' = q / r_scaled.
    const q = (0.5 * bs) / difference;
    return { value: q * UP, derivative: (q / r0) * correction };
  }
  // Only x is large: b itself may be tiny, so it stays unscaled; r - x = difference 2^600.
  const q = (0.5 * b) / difference;
  return { value: q * DOWN, derivative: (q / r0) * correction * DOWN * DOWN };
}
