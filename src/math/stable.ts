/**
 * Numerically stable building blocks shared by the activations (float64).
 */

/** sigmoid(x) = 1 / (1 + exp(-x)), branched on sign so exp never overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * [sigmoid(x), sigmoid(-x)] from one exp: both share e = e^-|x| (bit-identical to two sigmoid calls).
 */
export function sigmoidPair(x: number): [number, number] {
  const e = Math.exp(-Math.abs(x));
  const big = 1 / (1 + e);
  const small = e / (1 + e);
  return x >= 0 ? [big, small] : [small, big];
}

/** sigmoid'(x) = sigmoid(x) sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2, with no 1 - s cancellation. */
export function sigmoidDerivative(x: number): number {
  const e = Math.exp(-Math.abs(x));
  const d = 1 + e;
  return e / d / d;
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no underflow loss for small. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * 1 - tanh(x) = 2 e^-2x / (1 + e^-2x) for x >= 0 (no cancellation), 1 - tanh(x) directly for x < 0.
 */
export function oneMinusTanh(x: number): number {
  if (x < 0) return 1 - Math.tanh(x);
  const e = Math.exp(-2 * x);
  return (2 * e) / (1 + e);
}

/** sech^2(x) = 1 - tanh^2(x) = 4 e^-2|x| / (1 + e^-2|x|)^2, accurate where tanh^2 rounds to 1. */
export function sech2(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  const d = 1 + e;
  return (4 * e) / d / d;
}

/** Keeps NaN as NaN; returns true when x is NaN (x !== x), so callers can return it untouched. */
export function isNaNNumber(x: number): boolean {
  return x !== x;
}
