/**
 * erf and erfc in float64, accurate to about 1 ulp (measured by `npm run accuracy` against the
 * decimal.js oracle). The piecewise rational approximations and their coefficients are the ones
 * published with Sun Microsystems' fdlibm (s_erf.c); the code here is our own.
 *
 * Intervals: |x| < 0.84375 (odd series), [0.84375, 1.25) (around 1), [1.25, 1/0.35) and
 * [1/0.35, 28) (erfc = exp(-x^2 - 0.5625 + R/S) / x, with x^2 split so exp gets an exact argument).
 */
import { expDD } from './double-double.js';

const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const PP = [
  1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2,
  -5.77027029648944159157e-3, -2.37630166566501626084e-5,
];
const QQ = [
  3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4,
  -3.9602282787753681232e-6,
];
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
  3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.166375594868790843e-3,
];
const QA = [
  1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1,
  1.36370839120290507362e-2, 1.1984499846799107417e-2,
];
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
  -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1,
  -9.81432934416914548592,
];
const SA = [
  1.96512716674392571292e1, 1.376577541435190426e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
  4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
];
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
  -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
  2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1,
];

/** c[0] + z c[1] + z^2 c[2] + ... */
function poly(c: readonly number[], z: number): number {
  let acc = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) acc = acc * z + c[i];
  return acc;
}

/** 1 + z c[0] + z^2 c[1] + ... */
function poly1(c: readonly number[], z: number): number {
  return 1 + z * poly(c, z);
}

const scratch = new DataView(new ArrayBuffer(8));

/** x with the low 32 bits of its significand cleared, so that z*z is exact. */
function truncateLow32(x: number): number {
  scratch.setFloat64(0, x);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/** exp(-x^2 - 0.5625 + R/S) / x for 1.25 <= x < 28: the common tail of erf and erfc. */
function tailOverX(x: number): number {
  const s = 1 / (x * x);
  const ratio = x < 1 / 0.35 ? poly(RA, s) / poly1(SA, s) : poly(RB, s) / poly1(SB, s);
  const z = truncateLow32(x);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - x) * (z + x) + ratio)) / x;
}

/**
 * erfc(x) for x >= 26 as mantissa * 2^k, so callers can multiply before the result becomes
 * subnormal (erfc(27) ~ 5e-319): the same formula as erfc with exp(-z^2 - 0.5625) kept scaled.
 */
export function erfcLargeScaled(x: number): { m: number; k: number } {
  const s = 1 / (x * x);
  const ratio = poly(RB, s) / poly1(SB, s);
  const z = truncateLow32(x);
  const head = expDD(-z * z - 0.5625, 0);
  return { m: ((head.m[0] + head.m[1]) * Math.exp((z - x) * (z + x) + ratio)) / x, k: head.k };
}

/** The error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt. */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + EFX * x;
    const z = x * x;
    return x + x * (poly(PP, z) / poly1(QQ, z));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const r = ERX + poly(PA, s) / poly1(QA, s);
    return x >= 0 ? r : -r;
  }
  if (ax >= 6) return x > 0 ? 1 : -1;
  const r = 1 - tailOverX(ax);
  return x >= 0 ? r : -r;
}

/** The complementary error function erfc(x) = 1 - erf(x), without cancellation for large x. */
export function erfc(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(PP, z) / poly1(QQ, z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const r = poly(PA, s) / poly1(QA, s);
    return x >= 0 ? 1 - ERX - r : 1 + (ERX + r);
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const t = tailOverX(ax);
    return x > 0 ? t : 2 - t;
  }
  return x > 0 ? 0 : 2;
}
