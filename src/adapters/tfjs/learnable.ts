/**
 * Ops with tensor-valued (learnable) parameters. The kernels take parameters as scalar attributes, so
 * these are built from tfjs ops with hand-written gradients (tf.customGrad) in the same stable form as
 * the catalog: nothing overflows and no Inf * 0 appears for any finite input.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { requireTf, type Tfjs } from './state.js';

/** Where -gamma x is clamped: exp(-beta e^40) is 0 in float32 for any beta > 1e-15, so values are unchanged. */
const EXPONENT_CLAMP = 40;

/** Sums `grad` down to `shape` (the inverse of broadcasting a parameter of that shape against x). */
function reduceToShape(tf: Tfjs, grad: Tensor, shape: number[]): Tensor {
  let reduced = grad;
  const leading = reduced.rank - shape.length;
  if (leading > 0) reduced = tf.sum(reduced, [...Array(leading).keys()]);
  const axes = shape.flatMap((dim, axis) => (dim === 1 && reduced.shape[axis] !== 1 ? [axis] : []));
  if (axes.length > 0) reduced = tf.sum(reduced, axes, true);
  return tf.reshape(reduced, shape);
}

/**
 * GoLU with tensor parameters: alpha x exp(-beta exp(-gamma x)), alpha/beta/gamma broadcast against x
 * (shape [1] for one shared value, [channels] for one per last-axis channel). Differentiable in all four.
 *
 * With u = -gamma x, g = exp(-beta e^u) and h = e^u g = exp(u - beta e^u):
 * d/dx = alpha (g + beta gamma x h), d/dalpha = x g, d/dbeta = -alpha x h, d/dgamma = alpha beta x^2 h.
 */
export function goluWithTensors(x: Tensor, alpha: Tensor, beta: Tensor, gamma: Tensor): Tensor {
  const tf = requireTf('goluWithTensors');
  const f = tf.customGrad((...args: unknown[]) => {
    const [xt, a, b, g, save] = args as [Tensor, Tensor, Tensor, Tensor, (tensors: Tensor[]) => void];
    const u = tf.minimum(tf.neg(tf.mul(g, xt)), EXPONENT_CLAMP);
    const betaE = tf.mul(b, tf.exp(u));
    const gate = tf.exp(tf.neg(betaE));
    const h = tf.exp(tf.minimum(tf.sub(u, betaE), EXPONENT_CLAMP));
    save([xt, a, b, g, gate, h]);
    return {
      value: tf.mul(a, tf.mul(xt, gate)),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const dyt = Array.isArray(dy) ? dy[0] : dy;
        const [sx, sa, sb, sg, sgate, sh] = saved;
        const xh = tf.mul(sx, sh);
        const dx = tf.mul(dyt, tf.mul(sa, tf.add(sgate, tf.mul(tf.mul(sb, sg), xh))));
        const da = tf.mul(dyt, tf.mul(sx, sgate));
        const db = tf.neg(tf.mul(dyt, tf.mul(sa, xh)));
        const dg = tf.mul(dyt, tf.mul(tf.mul(sa, sb), tf.mul(sx, xh)));
        return [
          dx,
          reduceToShape(tf, da, sa.shape),
          reduceToShape(tf, db, sb.shape),
          reduceToShape(tf, dg, sg.shape),
        ];
      },
    };
  });
  return (f as unknown as (...t: Tensor[]) => Tensor)(x, alpha, beta, gamma);
}

/**
 * PReLU with a tensor slope: x > 0 ? x : slope x, f'(0) = slope (PyTorch's convention). tf.prelu already
 * has exactly this gradient for x and slope.
 */
export function preluWithTensor(x: Tensor, slope: Tensor): Tensor {
  const tf = requireTf('preluWithTensor');
  return tf.prelu(x, slope);
}
