/**
 * x * sigmoid(beta x) (Swish/SiLU, and GELU's sigmoid approximation with beta = 1.702) and its derivative.
 * z = beta x is carried as hi + lo: sigmoid(z) for z << 0 is ~e^z, whose relative error is |z| times
 * the error of z, so a rounded beta*x would cost up to ~700 ulp.
 */
import { twoProd } from './double-double.js';
import { sigmoid } from './stable.js';

/** x sigmoid(beta x); beta = beta + betaLo when the constant itself is not a double (1.702). */
export function xSigmoidValue(x: number, beta: number, betaLo = 0): number {
  if (x !== x) return x;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === Number.NEGATIVE_INFINITY) return -0;
  const [zh, zProdLo] = twoProd(beta, x);
  const zl = zProdLo + betaLo * x;
  // sigmoid(zh + zl) = sigmoid(zh) (1 + zl sigmoid(-zh)) to first order (zl is below ulp(zh)).
  return x * (sigmoid(zh) * (1 + zl * sigmoid(-zh)));
}

/** d/dx x sigmoid(beta x) = sigmoid(z) (1 + z sigmoid(-z)), z = beta x. */
export function xSigmoidDerivative(x: number, beta: number, betaLo = 0): number {
  if (x !== x) return x;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return -0;
  const [zh, zProdLo] = twoProd(beta, x);
  const zl = zProdLo + betaLo * x;
  const s = sigmoid(zh) * (1 + zl * sigmoid(-zh));
  const sNeg = sigmoid(-zh) * (1 - zl * sigmoid(zh));
  return s * (1 + (zh + zl) * sNeg);
}
