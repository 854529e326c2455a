/**
 * Per-layer diagnostics through the models' `tap(name, x)` hook: one extra compiled forward/backward that
 * returns every tapped activation, the gradient of the loss with respect to it, and every parameter's
 * gradient. Training itself never pays for this: it runs only when a caller asks (e.g. every N steps via
 * the trainer's `onDiagnostics`).
 *
 * The activation gradient uses a zero "probe" input per tap: the tap returns x + probe, so the forward is
 * unchanged and d loss / d probe = d loss / d x.
 */
import type { Model } from '../models/types.js';
import { crossEntropy } from '../nn/loss.js';
import { type ArrayTree, type JaxArray, jit, np, random, tree, valueAndGrad } from '../runtime.js';
import { trainContext } from './context.js';

export interface LayerRecord {
  name: string;
  shape: number[];
  /** The tapped activation (e.g. `block0.act`), for the whole batch. */
  value: Float32Array;
  /** d loss / d activation, same shape. */
  grad: Float32Array;
}

export interface ParamRecord {
  /** Path in the parameter tree, e.g. `blocks.0.linear.w`. */
  path: string;
  shape: number[];
  value: Float32Array;
  grad: Float32Array;
}

export interface ProbeResult {
  loss: number;
  layers: LayerRecord[];
  params: ParamRecord[];
}

/** Leaves of a tree with dotted paths, in jax-js's leaf order (object keys in insertion order). */
export function namedLeaves(t: ArrayTree, prefix = ''): { path: string; leaf: JaxArray }[] {
  if (Array.isArray(t))
    return t.flatMap((child, i) => namedLeaves(child, prefix ? `${prefix}.${i}` : String(i)));
  if (t !== null && typeof t === 'object' && !('shape' in t)) {
    const obj = t as Record<string, ArrayTree>;
    return Object.keys(obj).flatMap((key) => namedLeaves(obj[key], prefix ? `${prefix}.${key}` : key));
  }
  return [{ path: prefix, leaf: t as JaxArray }];
}

export interface Probe {
  /** Records one batch. Does not consume params or modelState; consumes x and y. */
  run(params: ArrayTree, modelState: ArrayTree, x: JaxArray, y: JaxArray): ProbeResult;
  dispose(): void;
}

/** A probe for `model` (compiled on first use for the batch shape it sees). */
export function createProbe(model: Model): Probe {
  let shapes: Map<string, number[]> | null = null;
  let compiled: ReturnType<typeof jit> | null = null;

  const lossWithProbes = (
    params: ArrayTree,
    probes: Record<string, JaxArray>,
    modelState: ArrayTree,
    x: JaxArray,
    y: JaxArray,
  ) => {
    const taps: Record<string, JaxArray> = {};
    const ctx = trainContext(random.key(0), (name, h) => {
      const probe = probes[name];
      if (probe === undefined) return h;
      taps[name] = h.ref;
      return h.add(probe);
    });
    const { logits, state } = model.apply(params, modelState, x, ctx);
    ctx.finish();
    tree.dispose(state as never);
    return [crossEntropy(logits, y.reshape([-1])), taps] as [JaxArray, Record<string, JaxArray>];
  };

  function discover(params: ArrayTree, modelState: ArrayTree, x: JaxArray): Map<string, number[]> {
    const found = new Map<string, number[]>();
    const ctx = trainContext(random.key(0), (name, h) => {
      found.set(name, h.shape);
      return h;
    });
    const { logits, state } = model.apply(tree.ref(params as never), tree.ref(modelState as never), x, ctx);
    ctx.finish();
    logits.dispose();
    tree.dispose(state as never);
    return found;
  }

  return {
    run(params, modelState, x, y) {
      if (shapes === null) shapes = discover(params, modelState, x.ref);
      if (compiled === null) {
        compiled = jit(((
          p: ArrayTree,
          probes: Record<string, JaxArray>,
          s: ArrayTree,
          xb: JaxArray,
          yb: JaxArray,
        ) => {
          const [[loss, taps], [gParams, gProbes]] = (valueAndGrad as any)(lossWithProbes, {
            argnums: [0, 1],
            hasAux: true,
          })(p, probes, s, xb, yb);
          return { loss, taps, gParams, gProbes };
        }) as any);
      }
      const probes = Object.fromEntries([...shapes].map(([name, shape]) => [name, np.zeros(shape)]));
      const out = (compiled as any)(
        tree.ref(params as never),
        probes,
        tree.ref(modelState as never),
        x,
        y,
      ) as {
        loss: JaxArray;
        taps: Record<string, JaxArray>;
        gParams: ArrayTree;
        gProbes: Record<string, JaxArray>;
      };
      const layers: LayerRecord[] = [...shapes.keys()].map((name) => ({
        name,
        shape: out.taps[name].shape,
        value: out.taps[name].dataSync() as Float32Array,
        grad: out.gProbes[name].dataSync() as Float32Array,
      }));
      const values = namedLeaves(params);
      const grads = namedLeaves(out.gParams);
      const paramRecords: ParamRecord[] = values.map(({ path, leaf }, i) => ({
        path,
        shape: leaf.shape,
        value: leaf.ref.dataSync() as Float32Array,
        grad: grads[i].leaf.dataSync() as Float32Array,
      }));
      return { loss: out.loss.item(), layers, params: paramRecords };
    },
    dispose() {
      (compiled as { dispose?: () => void } | null)?.dispose?.();
      compiled = null;
    },
  };
}

/** Simple per-layer statistics of a probe (the analysis module builds richer ones). */
export interface LayerSummary {
  name: string;
  mean: number;
  variance: number;
  /** Fraction of units (last axis) whose |value| <= deadThreshold for every example in the batch. */
  deadFraction: number;
  /** L2 norm of d loss / d activation. */
  gradNorm: number;
}

export function summarizeLayers(result: ProbeResult, deadThreshold = 1e-6): LayerSummary[] {
  return result.layers.map((layer) => {
    const v = layer.value;
    const n = v.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += v[i];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (v[i] - mean) ** 2;
    variance /= n;
    const units = layer.shape[layer.shape.length - 1];
    const alive = new Uint8Array(units);
    for (let i = 0; i < n; i++) if (Math.abs(v[i]) > deadThreshold) alive[i % units] = 1;
    const dead = units - alive.reduce((a, b) => a + b, 0);
    let g2 = 0;
    for (let i = 0; i < layer.grad.length; i++) g2 += layer.grad[i] ** 2;
    return { name: layer.name, mean, variance, deadFraction: dead / units, gradNorm: Math.sqrt(g2) };
  });
}

/** Histogram of values in `bins` equal-width bins over [min, max] (for weight histograms). */
export function histogram(values: Float32Array, bins = 20): { edges: number[]; counts: number[] } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1;
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}
