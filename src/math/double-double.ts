/**
 * Double-double helpers: a value carried as hi + lo with |lo| <= ulp(hi)/2, giving about 106 bits.
 * Used where float64 rounding would be amplified, e.g. GoLU's exp(-beta*exp(-gamma*x)) whose relative
 * error is beta*exp(-gamma*x) times the error of the inner exp (up to ~745x near underflow).
 * Error-free transformations after Knuth (twoSum) and Dekker/Veltkamp (split, twoProd).
 */

/** A double-double number hi + lo. */
export type DD = readonly [hi: number, lo: number];

const SPLITTER = 134217729; // 2^27 + 1

/** s + e == a + b exactly. */
export function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** s + e == a + b exactly, when |a| >= |b|. */
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

/** p + e == a * b exactly (barring overflow). Veltkamp split, since JS has no fma. */
export function twoProd(a: number, b: number): DD {
  const p = a * b;
  if (!Number.isFinite(p)) return [p, 0];
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  // The split overflows for |a| or |b| above ~1e300; the error term is then below any use we make of it.
  return [p, e === e ? e : 0];
}

export function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  return quickTwoSum(s, e + a[1] + b[1]);
}

export function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

/** a * b for a double-double a and a double b. */
export function ddMulNumber(a: DD, b: number): DD {
  const [p, e] = twoProd(a[0], b);
  return quickTwoSum(p, e + a[1] * b);
}

/** a / n for a small positive integer n (Taylor coefficients). */
function ddDivInt(a: DD, n: number): DD {
  const q1 = a[0] / n;
  const [p, e] = twoProd(q1, n);
  const q2 = (a[0] - p - e + a[1]) / n;
  return quickTwoSum(q1, q2);
}

// ln 2 = LN2_HI + LN2_LO + O(2^-86); LN2_HI has 21 trailing zero bits so k * LN2_HI is exact for |k| < 2^21.
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;

/**
 * exp(hi + lo) as mantissa * 2^k with the mantissa a double-double in [0.7, 1.42], so callers can
 * multiply further before a single final scaling (no premature underflow). Relative error ~1e-26.
 * Requires finite hi with |hi| < 1e5.
 */
export function expDD(hi: number, lo: number): { m: DD; k: number } {
  const k = Math.round(hi / Math.LN2);
  // r = hi + lo - k ln2, as a double-double: k*LN2_HI is exact and hi - k*LN2_HI cancels exactly.
  const head = hi - k * LN2_HI;
  const [ph, pl] = twoProd(k, LN2_LO);
  const [s, e] = twoSum(head, -ph);
  const r: DD = quickTwoSum(s, e - pl + lo);
  return { m: ddAdd([1, 0], expm1DD(r)), k };
}

/**
 * expm1(r) for a double-double |r| <= 0.35 (expDD's reduced range), relative error ~1e-30 for every r,
 * tiny ones included: no 1 is added and subtracted.
 */
export function expm1DD(r: DD): DD {
  // exp(r) = (exp(r / 2^9))^(2^9); Taylor series of expm1 on |u| <= 7e-4 needs 8 terms for 1e-32.
  const u: DD = [r[0] / 512, r[1] / 512];
  let series: DD = [1, 0];
  for (let n = 9; n >= 2; n--) series = ddAdd([1, 0], ddDivInt(ddMul(u, series), n));
  let em1 = ddMul(u, series);
  // Square 9 times in expm1 form: expm1(2u) = expm1(u) * (expm1(u) + 2), no cancellation.
  for (let i = 0; i < 9; i++) em1 = ddMul(em1, ddAdd(em1, [2, 0]));
  return em1;
}

/** a / b for double-doubles (b nonzero), relative error ~1e-32. */
export function ddDiv(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  const [p, e] = twoProd(q1, b[0]);
  const q2 = (a[0] - p - e + a[1] - q1 * b[1]) / b[0];
  return twoSum(q1, q2);
}

/** x * 2^k, with at most one rounding (into the subnormal range). */
export function ldexp(x: number, k: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  // Beyond +-2200 every finite nonzero x over- or underflows; also keeps the loops below short.
  if (!(k < 2200)) return k > 0 ? x * Number.POSITIVE_INFINITY : x * 0;
  if (!(k > -2200)) return x * 0;
  // Apply the scale in steps that are exact powers of two and never overflow an intermediate.
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    // Keep the final step the only rounding: stop early if x would already leave the normal range.
    if (Math.abs(x) < 2 ** -22) break;
    x *= 2 ** -1000;
    k += 1000;
  }
  if (k >= -1022) return x * 2 ** k;
  // 2^k is subnormal or underflows: split so the last multiply alone rounds.
  return x * 2 ** -1022 * 2 ** (k + 1022);
}
