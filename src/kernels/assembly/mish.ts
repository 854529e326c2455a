// Mish and FMish (flipped Mish), both from w = e^-|x| with one division for the value and
// the derivative: every numerator and denominator is a sum of positive terms (no cancellation).
//
// Mish gate G = tanh(softplus(x)):  x <= 0: n = w(w+2), G = n/(n+2), 1-G = 2/(n+2);
//                                   x >  0: n = 1+2w,  G = n/(n+2w^2), 1-G = 2w^2/(n+2w^2).
//   y' = G + x (1-G)(1+G) sigmoid(x).
// FMish gate g = 2/(v^2+2v+2), v = e^-x:  x >= 0: g = 2/D0, D0 = w^2+2w+2;
//                                         x <  0: g = 2w^2/D1, D1 = 2w^2+2w+1.
//   y' = g + x g h, h = 2w(w+1)/D0 (x >= 0) or 2(1+w)/D1 (x < 0).
import { FORWARD, valueOrDerivative } from './common';
import { clampFinite, expNegAbs, finiteBelow, splat, where } from './math';

@inline export function mish<T>(x: v128, mode: i32): v128 {
  const one = splat<T>(1.0);
  const two = splat<T>(2.0);
  const w = expNegAbs<T>(x);
  const w2 = v128.mul<T>(w, w);
  const positive = v128.gt<T>(x, splat<T>(0.0));
  const num = where(positive, v128.add<T>(one, v128.add<T>(w, w)), v128.mul<T>(w, v128.add<T>(w, two)));
  const den = v128.add<T>(num, where(positive, v128.add<T>(w2, w2), two));
  const inv = v128.div<T>(one, den);
  const gate = v128.mul<T>(num, inv);
  const y = v128.mul<T>(finiteBelow<T>(x), gate);
  if (mode == FORWARD) return y;
  const oneMinusGate = v128.mul<T>(where(positive, v128.add<T>(w2, w2), two), inv);
  const sig = v128.div<T>(where(positive, one, w), v128.add<T>(one, w));
  const xc = clampFinite<T>(x);
  const d = v128.add<T>(gate, v128.mul<T>(xc, v128.mul<T>(v128.mul<T>(oneMinusGate, v128.add<T>(one, gate)), sig)));
  return valueOrDerivative(mode, y, d);
}

@inline export function fmish<T>(x: v128, mode: i32): v128 {
  const one = splat<T>(1.0);
  const two = splat<T>(2.0);
  const w = expNegAbs<T>(x);
  const w2 = v128.mul<T>(w, w);
  const nonNegative = v128.ge<T>(x, splat<T>(0.0));
  // D0 = w(w+2) + 2, D1 = 1 + 2w(1+w)
  const wPlus1 = v128.add<T>(w, one);
  const den = where(nonNegative, v128.add<T>(v128.mul<T>(w, v128.add<T>(w, two)), two), v128.add<T>(one, v128.mul<T>(v128.add<T>(w, w), wPlus1)));
  const inv = v128.div<T>(one, den);
  const gate = v128.mul<T>(where(nonNegative, two, v128.add<T>(w2, w2)), inv);
  const y = v128.mul<T>(finiteBelow<T>(x), gate);
  if (mode == FORWARD) return y;
  const h = v128.mul<T>(where(nonNegative, v128.mul<T>(v128.add<T>(w, w), wPlus1), v128.add<T>(wPlus1, wPlus1)), inv);
  const xc = clampFinite<T>(x);
  const d = v128.add<T>(gate, v128.mul<T>(xc, v128.mul<T>(gate, h)));
  return valueOrDerivative(mode, y, d);
}
