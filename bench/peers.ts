/**
 * The peers of `npm run bench`: what a TypeScript user has without gatelab.
 *
 * - TensorFlow.js 4.22, cpu and wasm backends: the built-in op where tfjs has one (relu, relu6,
 *   leakyRelu, prelu, elu, selu, sigmoid, softplus, tanh), tfjs-layers' activation where it has one
 *   (gelu, gelu_new, mish, swish, softsign: op composites), else the composite a user would write
 *   (GoLU = x * exp(-exp(-x)) from exp/neg/mul, ...). Backward: tf.grad of the same function.
 * - jax-js 0.1.25 on its wasm device: `jit` of the composite (jax-jit), and `jit` of its own
 *   nn.* function where it has one (jax-nn: relu, relu6, sigmoid, softplus, softSign, silu,
 *   leakyRelu, elu, celu, selu, gelu (exact and tanh), mish, tanh, hardSwish, squareplus). Backward: jit(grad(sum(f(x) dy))).
 *
 * Peers are timed tensor in -> tensor out on their own device (the result is materialized there,
 * not copied back to a JS array), default parameters throughout.
 */
import type * as TF from '@tensorflow/tfjs';
import type { PerActivation } from '../src/activations/index.js';

type Tensor = TF.Tensor;

export interface PeerRunner {
  /** Runs once and releases the result. */
  forward(): Promise<void>;
  backward(): Promise<void>;
  dispose(): void;
}

export interface Peer {
  readonly id: string;
  readonly description: string;
  /** Whether the peer has an implementation of this activation. */
  has(name: string): boolean;
  /** null when the peer has nothing for this activation. */
  make(name: string, x: Float32Array, dy: Float32Array): PeerRunner | null;
}

// ---------------- TensorFlow.js ----------------

type TfFn = (t: Tensor) => Tensor;

export function tfFunctions(tf: typeof TF): PerActivation<TfFn> {
  const layer = (activation: string): TfFn => {
    const l = tf.layers.activation({ activation: activation as never });
    return (t) => l.apply(t) as Tensor;
  };
  const relu3 = (r: Tensor, eps: number) => r.mul(r).mul(r).div(r.square().add(eps));
  return {
    golu: (t) => t.mul(tf.exp(tf.neg(tf.exp(tf.neg(t))))),
    gompertz: (t) => tf.exp(tf.neg(tf.exp(tf.neg(t)))),
    gelu: layer('gelu'),
    gelu_tanh: layer('gelu_new'),
    gelu_sigmoid: (t) => t.mul(tf.sigmoid(t.mul(1.702))),
    gem: (t) => relu3(tf.relu(t), 1),
    egem: (t) => relu3(tf.relu(t), 1e-4),
    // Both branches through relu so tf.grad works (tfjs has no gradient for Less/Greater).
    segem: (t) => relu3(tf.relu(t), 1e-4).sub(relu3(tf.relu(tf.neg(t)), 1e-4).mul(0.01)),
    fmish: (t) => t.mul(tf.scalar(1).sub(tf.tanh(tf.softplus(tf.neg(t))))),
    relu: (t) => tf.relu(t),
    leaky_relu: (t) => tf.leakyRelu(t, 0.01),
    prelu: (t) => tf.prelu(t, tf.scalar(0.25)),
    elu: (t) => tf.elu(t),
    selu: (t) => tf.selu(t),
    celu: (t) => tf.relu(t).add(tf.minimum(tf.expm1(t), 0)),
    softplus: (t) => tf.softplus(t),
    swish: layer('swish'),
    mish: layer('mish'),
    sigmoid: (t) => tf.sigmoid(t),
    tanh: (t) => tf.tanh(t),
    softsign: layer('softsign'),
    relu6: (t) => tf.relu6(t),
    hard_swish: (t) => t.mul(tf.relu6(t.add(3))).div(6),
    squareplus: (t) => t.add(tf.sqrt(t.square().add(4))).mul(0.5),
  };
}

/** Which kind of tfjs implementation an activation gets (for the report). */
export const TFJS_KIND: PerActivation<'op' | 'layers' | 'composite'> = {
  golu: 'composite',
  gompertz: 'composite',
  gelu: 'layers',
  gelu_tanh: 'layers',
  gelu_sigmoid: 'composite',
  gem: 'composite',
  egem: 'composite',
  segem: 'composite',
  fmish: 'composite',
  relu: 'op',
  leaky_relu: 'op',
  prelu: 'op',
  elu: 'op',
  selu: 'op',
  celu: 'composite',
  softplus: 'op',
  swish: 'layers',
  mish: 'layers',
  sigmoid: 'op',
  tanh: 'op',
  softsign: 'layers',
  relu6: 'op',
  hard_swish: 'composite',
  squareplus: 'composite',
};

export async function tfjsPeer(backend: 'cpu' | 'wasm'): Promise<Peer> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  const fns: Readonly<Record<string, TfFn | undefined>> = tfFunctions(tf);
  return {
    id: `tfjs-${backend}`,
    description: `TensorFlow.js ${tf.version.tfjs} ${backend} backend`,
    has: (name) => fns[name] !== undefined,
    make(name, x, dy) {
      const f = fns[name];
      if (f === undefined) return null;
      let xt: Tensor | undefined;
      let dyt: Tensor | undefined;
      const grad = tf.grad((t: Tensor) => f(t));
      const ensure = async () => {
        if (tf.getBackend() !== backend) {
          await tf.setBackend(backend);
          await tf.ready();
        }
        if (xt === undefined || xt.isDisposed) {
          xt = tf.tensor1d(x);
          dyt = tf.tensor1d(dy);
        }
      };
      return {
        async forward() {
          await ensure();
          const y = tf.tidy(() => f(xt as Tensor));
          y.dispose();
        },
        async backward() {
          await ensure();
          const g = tf.tidy(() => grad(xt as Tensor, dyt as Tensor));
          g.dispose();
        },
        dispose() {
          xt?.dispose();
          dyt?.dispose();
          xt = undefined;
        },
      };
    },
  };
}

// ---------------- jax-js ----------------

type Jax = typeof import('@jax-js/jax');
type JArray = import('@jax-js/jax').Array;
type JaxFn = (x: JArray) => JArray;

export function jaxComposites(jax: Jax): PerActivation<JaxFn> {
  const np = jax.numpy;
  const sigmoid = (z: JArray) => np.reciprocal(np.exp(z.neg()).add(1));
  const softplus = (z: JArray) => np.log1p(np.exp(z));
  const relu3 = (r: JArray, eps: number) => r.ref.mul(r.ref).mul(r.ref).div(r.mul(r.ref).add(eps));
  return {
    golu: (x) => x.ref.mul(np.exp(np.exp(x.neg()).neg())),
    gompertz: (x) => np.exp(np.exp(x.neg()).neg()),
    gelu: (x) => x.ref.mul(0.5).mul(jax.lax.erf(x.mul(Math.SQRT1_2)).add(1)),
    gelu_tanh: (x) =>
      x.ref
        .mul(0.5)
        .mul(np.tanh(x.ref.add(x.ref.mul(x.ref).mul(x).mul(0.044715)).mul(0.7978845608028654)).add(1)),
    gelu_sigmoid: (x) => x.ref.mul(sigmoid(x.mul(1.702))),
    gem: (x) => {
      const r = np.maximum(x, 0);
      return r.ref.mul(r.ref).mul(r.ref).div(r.ref.mul(r).add(1));
    },
    egem: (x) => relu3(np.maximum(x, 0), 1e-4),
    segem: (x) => relu3(x.ref, 1e-4).mul(np.where(x.less(0), 0.01, 1)),
    fmish: (x) => x.ref.mul(np.tanh(softplus(x.neg())).neg().add(1)),
    relu: (x) => np.maximum(x, 0),
    leaky_relu: (x) => np.where(x.ref.greater(0), x.ref, x.mul(0.01)),
    prelu: (x) => np.where(x.ref.greater(0), x.ref, x.mul(0.25)),
    elu: (x) => np.where(x.ref.greater(0), x.ref, np.expm1(x)),
    selu: (x) =>
      np.where(x.ref.greater(0), x.ref, np.expm1(x).mul(1.6732632423543772)).mul(1.0507009873554805),
    celu: (x) => np.where(x.ref.greater(0), x.ref, np.expm1(x)),
    softplus: (x) => softplus(x),
    swish: (x) => x.ref.mul(sigmoid(x)),
    mish: (x) => x.ref.mul(np.tanh(softplus(x))),
    sigmoid: (x) => sigmoid(x),
    tanh: (x) => np.tanh(x),
    softsign: (x) => x.ref.div(np.abs(x).add(1)),
    relu6: (x) => np.clip(x, 0, 6),
    hard_swish: (x) => x.ref.mul(np.clip(x.add(3), 0, 6)).div(6),
    squareplus: (x) => x.ref.add(np.sqrt(np.square(x).add(4))).mul(0.5),
  };
}

/** jax-js's own nn.* functions, where it has one. */
export function jaxBuiltins(jax: Jax): Partial<PerActivation<JaxFn>> {
  const nn = jax.nn;
  return {
    relu: (x) => nn.relu(x),
    relu6: (x) => nn.relu6(x),
    sigmoid: (x) => nn.sigmoid(x),
    softplus: (x) => nn.softplus(x),
    softsign: (x) => nn.softSign(x),
    swish: (x) => nn.silu(x),
    leaky_relu: (x) => nn.leakyRelu(x, 0.01),
    elu: (x) => nn.elu(x),
    celu: (x) => nn.celu(x),
    selu: (x) => nn.selu(x),
    gelu: (x) => nn.gelu(x, { approximate: false }),
    gelu_tanh: (x) => nn.gelu(x, { approximate: true }),
    mish: (x) => nn.mish(x),
    tanh: (x) => jax.numpy.tanh(x),
    hard_swish: (x) => nn.hardSwish(x),
    squareplus: (x) => nn.squareplus(x),
  };
}

export async function jaxPeer(kind: 'jit' | 'nn'): Promise<Peer> {
  const { ensureFloat16ArrayGlobal } = await import('../src/adapters/jax/runtime.js');
  ensureFloat16ArrayGlobal();
  const jax = await import('@jax-js/jax');
  await jax.init('wasm');
  jax.defaultDevice('wasm');
  const fns: Readonly<Record<string, JaxFn | undefined>> =
    kind === 'jit' ? jaxComposites(jax) : jaxBuiltins(jax);
  return {
    id: `jax-${kind}`,
    description:
      kind === 'jit'
        ? 'jax-js 0.1.25 wasm device, jit(composite of numpy ops)'
        : 'jax-js 0.1.25 wasm device, jit(nn.* built-in)',
    has: (name) => fns[name] !== undefined,
    make(name, x, dy) {
      const f = fns[name];
      if (f === undefined) return null;
      const fwd = jax.jit((v: JArray) => f(v));
      const bwd = jax.jit(jax.grad((v: JArray, g: JArray) => f(v).mul(g).sum()));
      const xa = jax.numpy.array(x);
      const dya = jax.numpy.array(dy);
      return {
        async forward() {
          const y = fwd(xa.ref);
          await y.blockUntilReady();
          y.dispose();
        },
        async backward() {
          const g = bwd(xa.ref, dya.ref) as JArray;
          await g.blockUntilReady();
          g.dispose();
        },
        dispose() {
          xa.dispose();
          dya.dispose();
          fwd.dispose();
          bwd.dispose();
        },
      };
    },
  };
}
