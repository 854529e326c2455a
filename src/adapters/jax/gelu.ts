/**
 * GELU (exact) and its two approximations for jax-js.
 */
import { lax, numpy as np } from '@jax-js/jax';
import { type ActivationFunction, defineActivation } from './define.js';
import {
  finiteBelow,
  type JaxArray,
  normalCdf,
  normalCdfAndPdf,
  normalPdf,
  selfGatedWithDerivative,
  sigmoid,
  sigmoidWithDerivative,
  withInfiniteLimits,
} from './math.js';

/** sqrt(2/pi), the tanh approximation's slope. */
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;
/** For |x| > 30 the tanh-approximation gate is exactly 0 or 1 in float32 (argument beyond 1900). */
const GELU_TANH_SATURATION = 30;
const QUICK_GELU_SCALE = 1.702;

/** |x| beyond which phi(x) = 0 in float32 (e^-144); clamping there keeps x^2 finite. */
const PDF_CLAMP = 17;

/**
 * GELU, exact: `gelu(x) = x * Phi(x) = x/2 * erfc(-x/sqrt(2))`.
 *
 * Phi is this adapter's float32 normal CDF (fdlibm rational pieces, relative accuracy in the left
 * tail), not jax-js's Abramowitz-Stegun erf (1.5e-7 absolute error, which leaves GELU(-5) wrong in
 * the second digit). Hendrycks & Gimpel, arXiv:1606.08415.
 *
 * Derivatives are the closed forms, attached with stop_gradient (u = x - sg(x) is 0 but carries
 * the tangent): y = F(s) + u F'(s) + u^2/2 F''(s), s = sg(x), F' = Phi + x phi, F'' = phi (2 - x^2).
 * So grad, jvp and second derivatives (Hessian-vector products) are exact and cheap; third and
 * higher derivatives are 0. Autodiff through the rational pieces would also be accurate, but its
 * reverse pass costs 3x the forward and jax-js took 21 s to compile its Hessian-vector product.
 */
export const gelu: ActivationFunction<Record<string, never>> = defineActivation(
  'gelu',
  (x) =>
    // At +-Infinity u = x - sg(x) would be Inf - Inf = NaN: the limits (0 and x, slopes 0 and 1) are set there.
    withInfiniteLimits(
      x,
      (finite) => {
        const s = lax.stopGradient(finite.ref);
        const u = finite.sub(s.ref);
        const cdf = normalCdf(s.ref);
        const sc = np.clip(s.ref, -PDF_CLAMP, PDF_CLAMP);
        const pdf = normalPdf(sc.ref);
        const first = cdf.ref.add(sc.ref.mul(pdf.ref));
        const second = pdf.mul(sc.ref.mul(sc).neg().add(2));
        const correction = u.ref.mul(first.add(u.mul(second).mul(0.5)));
        return s.mul(cdf).add(correction);
      },
      'zero',
    ),
  (x) => {
    // gelu' = Phi(x) + x phi(x), both from one e^(-x^2/2).
    const { cdf, pdf } = normalCdfAndPdf(x.ref);
    const value = x.ref.mul(cdf.ref);
    return { value, derivative: x.mul(pdf).add(cdf) };
  },
);

/**
 * GELU, tanh approximation (`gelu_new`): `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`,
 * evaluated as x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)) so the left tail keeps relative accuracy.
 */
export const geluTanh: ActivationFunction<Record<string, never>> = defineActivation(
  'gelu_tanh',
  (x) => {
    const xs = np.clip(x.ref, -GELU_TANH_SATURATION, GELU_TANH_SATURATION);
    const inner = xs.ref
      .mul(xs.ref)
      .mul(CUBIC)
      .add(1)
      .mul(xs)
      .mul(2 * SQRT_2_OVER_PI);
    return finiteBelow(x).mul(sigmoid(inner));
  },
  (x) => {
    // f' = s + x s'(u) u'(x), u = 2 sqrt(2/pi) (x + 0.044715 x^3), u' = 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2);
    // beyond the clamp u is constant, so u' = 0 there (as autodiff of the clamped form gives).
    const xs = np.clip(x.ref, -GELU_TANH_SATURATION, GELU_TANH_SATURATION);
    const square = xs.ref.mul(xs.ref);
    const inner = square.ref
      .mul(CUBIC)
      .add(1)
      .mul(xs.ref)
      .mul(2 * SQRT_2_OVER_PI);
    const slope = square
      .mul(3 * CUBIC)
      .add(1)
      .mul(2 * SQRT_2_OVER_PI);
    const inside = np.abs(x.ref).less(GELU_TANH_SATURATION);
    const gate = sigmoidWithDerivative(inner);
    xs.dispose();
    const value = x.ref.mul(gate.value.ref);
    const derivative = x
      .mul(gate.derivative)
      .mul(np.where(inside, slope, 0))
      .add(gate.value);
    return { value, derivative };
  },
);

/** GELU, sigmoid approximation (`quick_gelu`): `x * sigmoid(1.702 x)`. */
export const geluSigmoid: ActivationFunction<Record<string, never>> = defineActivation(
  'gelu_sigmoid',
  (x: JaxArray) => finiteBelow(x.ref).mul(sigmoid(x.mul(QUICK_GELU_SCALE))),
  (x) => selfGatedWithDerivative(x, QUICK_GELU_SCALE),
);

export { geluSigmoid as quickGelu, geluTanh as geluNew };
