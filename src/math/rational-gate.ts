/**
 * The GEM family's positive branch r(x) = x^(2n+1) / (epsilon + x^(2n)) for x > 0 and its derivative
 * r'(x) = x^(2n) ((2n+1) epsilon + x^(2n)) / (epsilon + x^(2n))^2  (GEM is epsilon = 1).
 *
 * Overflow-free: for x >= 1 we divide through by x^(2n) (x / (1 + epsilon x^-2n)); for x < 1 we write
 * x = m 2^e (m in [0.5, 1)) and scale by 2^e only at the end, so x^(2n) never becomes a subnormal that
 * has lost digits before it is divided by a small epsilon.
 */
import { ldexp } from './double-double.js';

/** x = m * 2^e with m in [0.5, 1), for finite x > 0. */
export function frexp(x: number): [m: number, e: number] {
  let e = Math.max(-1073, Math.floor(Math.log2(x)) + 1);
  let m = ldexp(x, -e);
  // log2 can be off by one near powers of two; fix up.
  while (m < 0.5) {
    m *= 2;
    e -= 1;
  }
  while (m >= 1) {
    m /= 2;
    e += 1;
  }
  return [m, e];
}

/** r(x) for x > 0 (finite or +Inf). */
export function rationalGateValue(x: number, n: number, epsilon: number): number {
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x >= 1) return x / (1 + epsilon * x ** (-2 * n));
  const [m, e] = frexp(x);
  const p = ldexp(m ** (2 * n), 2 * n * e);
  return ldexp(m ** (2 * n + 1) / (epsilon + p), (2 * n + 1) * e);
}

/** r'(x) for x > 0 (finite or +Inf). */
export function rationalGateDerivative(x: number, n: number, epsilon: number): number {
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x >= 1) {
    const r = epsilon * x ** (-2 * n);
    const d = 1 + r;
    return (1 + (2 * n + 1) * r) / d / d;
  }
  const [m, e] = frexp(x);
  const pm = m ** (2 * n);
  const p = ldexp(pm, 2 * n * e);
  const d = epsilon + p;
  return ldexp(((pm / d) * ((2 * n + 1) * epsilon + p)) / d, 2 * n * e);
}
