/**
 * Helpers shared by the activations. Polynomial coefficients: Taylor series (expm1), the atanh series
 * log1p(u) = 2 atanh(u / (2 + u)), and the Chebyshev fit of erfc from Press et al., Numerical Recipes
 * 2nd ed. section 6.2 (fractional error < 1.2e-7).
 */
export const SHADER_HELPERS = `
fn ga_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    // Taylor series to x^9/9!: truncation error < 3e-9 relative on |x| < 0.5; no cancellation.
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666668 + x * (0.008333334
      + x * (0.0013888889 + x * (0.0001984127 + x * (0.0000248016 + x * 0.0000027557))))))));
  }
  return exp(min(x, 80.0)) - 1.0;
}

fn ga_log1p_unit(u: f32) -> f32 {
  // log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, series to s^19.
  let s: f32 = u / (2.0 + u);
  let s2: f32 = s * s;
  let series: f32 = 1.0 + s2 * (0.33333334 + s2 * (0.2 + s2 * (0.14285715 + s2 * (0.11111111
    + s2 * (0.09090909 + s2 * (0.07692308 + s2 * (0.06666667 + s2 * (0.05882353 + s2 * 0.05263158))))))));
  return 2.0 * s * series;
}

fn ga_sigmoid(x: f32) -> f32 {
  let e: f32 = exp(-abs(x));
  let s: f32 = 1.0 / (1.0 + e);
  if (x >= 0.0) {
    return s;
  }
  return e * s;
}

fn ga_sigmoid_derivative(x: f32) -> f32 {
  // sigmoid(x) sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2, no 1 - s cancellation.
  let e: f32 = exp(-abs(x));
  let d: f32 = 1.0 + e;
  return e / (d * d);
}

fn ga_tanh(x: f32) -> f32 {
  // tanh|x| = -m / (2 + m) with m = expm1(-2|x|): exact-ish near 0, exactly 1 for large |x|.
  let m: f32 = ga_expm1(-2.0 * abs(x));
  let t: f32 = -m / (2.0 + m);
  if (x < 0.0) {
    return -t;
  }
  return t;
}

fn ga_sech2(x: f32) -> f32 {
  // 1 - tanh^2 = 4 e^-2|x| / (1 + e^-2|x|)^2.
  let e: f32 = exp(-2.0 * abs(x));
  let d: f32 = 1.0 + e;
  return 4.0 * e / (d * d);
}

fn ga_exp_neg_half_square(x: f32) -> f32 {
  // exp(-x^2 / 2) with x^2 split exactly: xh has 6 fraction bits, so xh^2 is exact in float32 for |x| < 256.
  let a: f32 = min(abs(x), 64.0);
  let xh: f32 = floor(a * 64.0) / 64.0;
  let xl: f32 = a - xh;
  return exp(-0.5 * xh * xh) * exp(-0.5 * xl * (a + xh));
}

fn ga_erfc_scaled_tail(a: f32) -> f32 {
  // erfc(z) / exp(-z^2) for z = a / sqrt(2) >= 0 (Numerical Recipes erfcc without its exp(-z^2)).
  let z: f32 = a * 0.70710677;
  let t: f32 = 1.0 / (1.0 + 0.5 * z);
  let p: f32 = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(p);
}

fn ga_normal_tail(x: f32) -> f32 {
  // Phi(-|x|) = erfc(|x| / sqrt 2) / 2.
  return 0.5 * ga_erfc_scaled_tail(abs(x)) * ga_exp_neg_half_square(x);
}

fn ga_powi(base: f32, k: i32) -> f32 {
  // base^k for 0 <= base <= 1 and 0 <= k < 256 by binary exponentiation (no overflow for base <= 1).
  var result: f32 = 1.0;
  var b: f32 = base;
  var e: i32 = k;
  for (var i: i32 = 0; i < 8; i++) {
    if (e == 0) {
      break;
    }
    if (e % 2 == 1) {
      result = result * b;
    }
    b = b * b;
    e = e / 2;
  }
  return result;
}

fn ga_gate_ratio(x: f32, n: f32, eps: f32) -> f32 {
  // s = x^(2n) / (eps + x^(2n)) for x > 0, via (1/x)^(2n) when x > 1 so nothing overflows.
  let k: i32 = i32(2.0 * n + 0.5);
  if (x > 1.0) {
    let q: f32 = ga_powi(1.0 / x, k);
    return 1.0 / (1.0 + eps * q);
  }
  let p: f32 = ga_powi(x, k);
  return p / (eps + p);
}

fn ga_rational_value(x: f32, n: f32, eps: f32) -> f32 {
  // x^(2n+1) / (eps + x^(2n)) = x s for x > 0.
  return x * ga_gate_ratio(x, n, eps);
}

fn ga_rational_derivative(x: f32, n: f32, eps: f32) -> f32 {
  // x^(2n) ((2n+1) eps + x^(2n)) / (eps + x^(2n))^2 = s (1 + 2n (1 - s)); 1 - s computed without cancellation.
  let k: i32 = i32(2.0 * n + 0.5);
  var s: f32 = 0.0;
  var oneMinusS: f32 = 1.0;
  if (x > 1.0) {
    let q: f32 = ga_powi(1.0 / x, k);
    let d: f32 = 1.0 + eps * q;
    s = 1.0 / d;
    oneMinusS = eps * q / d;
  } else {
    let p: f32 = ga_powi(x, k);
    let d: f32 = eps + p;
    s = p / d;
    oneMinusS = eps / d;
  }
  return s * (1.0 + 2.0 * n * oneMinusS);
}
`;
