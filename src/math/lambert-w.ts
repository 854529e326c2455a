/**
 * W(1/beta), the principal branch of Lambert's W at 1/beta (v e^v = 1/beta, v > 0), to about 2^-150
 * relative, as three doubles.
 *
 * Why more than double-double: GoLU's derivative vanishes at w0 = -W(1/beta) (w = gamma x), and the
 * doubles next to it have |w - w0| down to ~1e-17 |w0| (less by chance). There f' is proportional to
 * d = w - w0, so an error e in w0 is a relative error e / |d| in f'; 4 ulp needs e below ~1e-33 |w0|.
 * Double-double Newton (expDD's ln 2 is known to 2^-86) gave ~1e-26 and misses of ~1e6 ulp.
 *
 * Method: float64 Newton to a double v0 within a few ulp of the root; then the residual
 * eps = beta v0 e^(v0) - 1 computed exactly enough in BigInt fixed point (the one quantity that needs
 * more than 106 bits; computed once per beta); then a second-order step in u = ln v, where
 * psi(u) = u + e^u + ln beta is nearly linear: psi(u0) = log1p(eps), psi' = 1 + v0, psi'' = v0, so
 * u* - u0 = -s - v0 s^2 / (2 (1 + v0)) + O(s^3) with s = log1p(eps) / (1 + v0), a few times 1e-16;
 * the series below keep the third-order terms, so what is dropped is ~1e-60 relative.
 */
import { type DD, ddAdd, ddDiv, ddMulNumber, twoSum } from './double-double.js';

/** Fixed-point precision of the BigInt residual: 256 bits leave >80 bits of margin over 2^-150. */
const PRECISION = 256;
const P = BigInt(PRECISION);
const ONE = 1n << P;

let ln2Fixed: bigint | undefined;

/** ln 2 * 2^PRECISION, from ln 2 = 2 atanh(1/3) = 2 sum 1 / ((2k+1) 3^(2k+1)) (3.2 bits per term). */
function ln2(): bigint {
  if (ln2Fixed !== undefined) return ln2Fixed;
  const guard = 32n;
  let power = (ONE << guard) / 3n;
  let sum = 0n;
  for (let k = 0n; power > 0n; k++) {
    sum += power / (2n * k + 1n);
    power /= 9n;
  }
  ln2Fixed = (2n * sum) >> guard;
  return ln2Fixed;
}

const bits = new DataView(new ArrayBuffer(8));

/** A positive finite double as m * 2^e exactly (m an integer below 2^53). */
function decompose(x: number): { m: bigint; e: number } {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const field = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (field === 0) return { m: fraction, e: -1074 };
  return { m: fraction | (1n << 52n), e: field - 1075 };
}

/** e^x as m * 2^e for a double 0 <= x < 1000, relative error ~2^-240. */
function expBig(x: number): { m: bigint; e: number } {
  const { m, e } = decompose(x);
  const shift = e + PRECISION;
  const fixed = shift >= 0 ? m << BigInt(shift) : m >> BigInt(-shift);
  const k = Math.round(x / Math.LN2);
  // r = x - k ln 2 in [-0.35, 0.35]; exp(r) = exp(r / 2^8)^(2^8), Taylor series for the small part.
  const reduced = (fixed - BigInt(k) * ln2()) >> 8n;
  let term = ONE;
  let sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * reduced) / (n << P);
    sum += term;
  }
  for (let i = 0; i < 8; i++) sum = (sum * sum) >> P;
  return { m: sum, e: k - PRECISION };
}

/** A BigInt times 2^e as the double-double nearest to it (n = hi + lo, |lo| <= ulp(hi) / 2). */
function bigToDD(n: bigint, e: number): DD {
  const hi = Number(n);
  const lo = Number(n - BigInt(hi));
  return [hi * 2 ** e, lo * 2 ** e];
}

/** beta v e^v - 1 for doubles beta, v > 0 (v e^v near 1/beta), to ~2^-240 absolute. */
export function lambertResidual(beta: number, v: number): DD {
  const b = decompose(beta);
  const a = decompose(v);
  const ev = expBig(v);
  const n = b.m * a.m * ev.m;
  const exponent = b.e + a.e + ev.e; // the product is n * 2^exponent, near 1, so exponent < 0
  // exponent is about -(53 + 53 + 256) for every beta, so difference * 2^exponent stays a normal double.
  return bigToDD(n - (1n << BigInt(-exponent)), exponent);
}

/** A double within a few ulp of W(1/beta), by Newton's method (beta > 0 finite). */
function lambertFloat(beta: number): number {
  const logZ = -Math.log(beta); // ln(1/beta), finite even where 1/beta overflows (subnormal beta)
  if (logZ <= 1) {
    // v e^v = z <= e: Newton on v e^v - z, from log1p(z) >= W(z); no overflow.
    const z = 1 / beta;
    let v = Math.log1p(z);
    for (let i = 0; i < 100; i++) {
      const ev = Math.exp(v);
      const step = (v * ev - z) / (ev * (1 + v));
      v -= step;
      if (!(Math.abs(step) > 1e-17 * v)) break;
    }
    return v;
  }
  // u = ln v solves u + e^u = ln z: convex in u, Newton from ln(ln z) (to the right of the root) is monotone.
  let u = Math.log(logZ);
  for (let i = 0; i < 100; i++) {
    const ev = Math.exp(u);
    const step = (u + ev - logZ) / (1 + ev);
    u -= step;
    if (!(Math.abs(step) > 1e-17 * Math.max(1, Math.abs(u)))) break;
  }
  return Math.exp(u);
}

/**
 * W(1/beta) for a positive finite beta as v0 + v1 + v2 (decreasing magnitudes), relative error
 * ~2^-150. v0 is the float64 Newton result (within a few ulp of the root, not always the nearest double).
 */
export function lambertWOfReciprocal(beta: number): readonly [number, number, number] {
  const v0 = lambertFloat(beta);
  const eps = lambertResidual(beta, v0);
  // psi(u0) = log1p(eps); eps ~ (1 + v0) * (v0's relative error) <= ~1e-12, so eps^4 is below 2^-150.
  const e = eps[0];
  const psi = ddAdd(eps, [e * e * (-1 / 2 + e * (1 / 3 - e / 4)), 0]);
  const a = twoSum(1, v0); // psi'(u0); psi'' = psi''' = v0
  const s = ddDiv(psi, a);
  // Series reversion of psi(u0 + t) = 0: t = -s - (v0 / 2a) s^2 + (v0 / 6a - v0^2 / 2a^2) s^3 + O(s^4).
  const s2 = s[0] * s[0];
  const higher = -(v0 / (2 * a[0])) * s2 + (v0 / (6 * a[0]) - (v0 * v0) / (2 * a[0] * a[0])) * s2 * s[0];
  const du = ddAdd([-s[0], -s[1]], [higher, 0]);
  // v* = v0 e^du = v0 (1 + du + du^2 / 2 + du^3 / 6 + O(du^4)).
  const d0 = du[0];
  const correction = ddAdd(ddMulNumber(du, v0), [v0 * d0 * d0 * (1 / 2 + d0 / 6), 0]);
  const [r0, t] = twoSum(v0, correction[0]);
  const [r1, r2] = twoSum(t, correction[1]);
  return [r0, r1, r2];
}
