/**
 * x * sigmoid(beta x) (Swish/SiLU, and GELU's sigmoid approximation with beta = 1.702) and its derivative.
 * z = beta x is carried as hi + lo: sigmoid(z) for z << 0 is ~e^z, whose relative error is |z| times
 * the error of z, so a rounded beta*x would cost up to ~700 ulp.
 */
import { type DD, expDD, ldexp, twoProd } from './double-double.js';
import { nearRoot, type RootExpansion } from './root-expansion.js';
import { sigmoidPair } from './stable.js';

/** Below z = -700, e^z nears the subnormal range: keep it as mantissa * 2^k until the last step. */
const SCALED_TAIL = -700;
/** Below z = -1e4 every result underflows. */
const UNDERFLOW = -1e4;
/** Above z = 45, sigmoid(z) and d/dz z sigmoid(z) = 1 + (z - 1) e^{-z} round to 1. */
const SATURATION = 45;

function product(beta: number, betaLo: number, x: number): DD {
  const [zh, zl] = twoProd(beta, x);
  return [zh, zl + betaLo * x];
}

/** x sigmoid(beta x); beta + betaLo when the constant itself is not a double (1.702). */
export function xSigmoidValue(x: number, beta: number, betaLo = 0): number {
  if (x !== x) return x;
  const [zh, zl] = product(beta, betaLo, x);
  if (zh > SATURATION) return x;
  if (zh < UNDERFLOW) return -0;
  if (zh < SCALED_TAIL) {
    // sigmoid(z) = e^z (1 - e^z + ...) and e^z < 1e-304: sigmoid(z) = e^z to float64 precision.
    const e = expDD(zh, zl);
    return ldexp(x * (e.m[0] + e.m[1]), e.k);
  }
  // sigmoid(zh + zl) = sigmoid(zh) (1 + zl sigmoid(-zh)) to first order (zl is below ulp(zh)).
  const [s, sNeg] = sigmoidPair(zh);
  return x * (s * (1 + zl * sNeg));
}

/**
 * d/dx x sigmoid(beta x) = G(z), z = beta x, with G(z) = sigmoid(z) (1 + z sigmoid(-z)) = d/dz z sigmoid(z).
 * `root` is the generated expansion of G around its zero z = -1.2785 (where the sum cancels).
 */
export function xSigmoidDerivative(x: number, root: RootExpansion, beta: number, betaLo = 0): number {
  if (x !== x) return x;
  const [zh, zl] = product(beta, betaLo, x);
  if (zh > SATURATION) return 1;
  if (zh < UNDERFLOW) return -0;
  const patched = nearRoot(root, zh, zl);
  if (patched !== undefined) return patched;
  if (zh < SCALED_TAIL) {
    const e = expDD(zh, zl);
    return ldexp((e.m[0] + e.m[1]) * (1 + zh), e.k);
  }
  const [sh, shNeg] = sigmoidPair(zh);
  const s = sh * (1 + zl * shNeg);
  const sNeg = shNeg * (1 - zl * sh);
  return s * (1 + (zh + zl) * sNeg);
}
