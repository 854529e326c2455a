/**
 * Loss landscape and sharpness around trained weights w.
 *
 * - Slices: loss(w + a d1) on a line and loss(w + a d1 + b d2) on a grid, for random Gaussian directions
 *   d1, d2. 'unit': each direction scaled to unit L2 norm over all parameters (as the GoLU code does);
 *   'filter': each filter (output unit) of d scaled to the norm of the same filter of w, biases and
 *   normalisation parameters left at 0 (Li et al., "Visualizing the Loss Landscape of Neural Nets",
 *   NeurIPS 2018), which makes slices of differently scaled networks comparable.
 * - Sharpness: the top Hessian eigenvalue by power iteration on Hessian-vector products, computed
 *   forward-over-reverse (jax-js `jvp` of `grad`), stopping when the Rayleigh quotient changes by less
 *   than a relative tolerance.
 *
 * The loss is the mean cross-entropy on a fixed set of training examples, model in evaluation mode
 * (batch-norm running statistics, no dropout), so every evaluation sees the same function.
 *
 * Results are read back asynchronously (`readNumber`/`readArray`), so this runs on every device the
 * lab starts, webgpu (no synchronous read in Node) and the wasm worker pool included.
 */
// jvp is not among the names src/lab/runtime.ts re-exports; it is the same jax-js instance.
import { jvp } from '@jax-js/jax';
import { createRng } from '../data/random.js';
import type { Model } from '../models/types.js';
import { crossEntropy } from '../nn/loss.js';
import { type ArrayTree, grad, type JaxArray, jit, np, readArray, readNumber, tree } from '../runtime.js';
import { evaluationContext } from '../train/context.js';

export type DirectionNormalization = 'unit' | 'filter';

/** landscape.json in a run folder. */
export interface LandscapeFile {
  version: 1;
  normalization: DirectionNormalization;
  seed: number;
  /** Training examples in the loss batch, as used (at most the training set). */
  examples: number;
  centerLoss: number;
  line: { alphas: number[]; losses: number[] };
  grid?: { alphas: number[]; betas: number[]; losses: number[] };
  hessian?: PowerIterationResult & { examples: number };
}

export interface PowerIterationResult {
  /** Estimate of the eigenvalue of largest magnitude (Rayleigh quotient of the last iterate). */
  eigenvalue: number;
  iterations: number;
  converged: boolean;
  /** Relative change of the estimate at the last iteration. */
  lastChange: number;
  /** Estimate after each iteration. */
  history: number[];
}

export interface PowerIterationOptions {
  maxIterations?: number;
  /** Stop when |lambda_k - lambda_(k-1)| <= tol * |lambda_k| (default 1e-3). */
  tolerance?: number;
}

/** Plain float vectors, so the power iteration can be tested without any framework. */
export interface VectorSpace<V> {
  dot(a: V, b: V): number;
  scale(a: V, s: number): V;
}

/**
 * Power iteration for the eigenvalue of largest magnitude of a symmetric linear map. `start` must be
 * nonzero; `apply` returns A v (or a promise of it, for device arrays read back asynchronously). Each
 * step: w = A v, lambda = v.w (v has unit norm), v = w / |w|.
 */
export async function powerIteration<V>(
  apply: (v: V) => V | Promise<V>,
  start: V,
  space: VectorSpace<V>,
  options: PowerIterationOptions = {},
): Promise<PowerIterationResult> {
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-3;
  const norm0 = Math.sqrt(space.dot(start, start));
  if (!(norm0 > 0)) throw new RangeError('power iteration: the start vector is zero');
  let v = space.scale(start, 1 / norm0);
  const history: number[] = [];
  let lastChange = Number.POSITIVE_INFINITY;
  for (let k = 0; k < maxIterations; k++) {
    const w = await apply(v);
    const lambda = space.dot(v, w);
    const wNorm = Math.sqrt(space.dot(w, w));
    history.push(lambda);
    if (history.length > 1) {
      const previous = history[history.length - 2];
      lastChange = Math.abs(lambda - previous) / Math.max(Math.abs(lambda), Number.MIN_VALUE);
    }
    if (!(wNorm > 0) || !Number.isFinite(wNorm)) {
      return { eigenvalue: lambda, iterations: k + 1, converged: wNorm === 0, lastChange, history };
    }
    v = space.scale(w, 1 / wNorm);
    if (lastChange <= tolerance)
      return { eigenvalue: lambda, iterations: k + 1, converged: true, lastChange, history };
  }
  return {
    eigenvalue: history[history.length - 1],
    iterations: maxIterations,
    converged: false,
    lastChange,
    history,
  };
}

/** Host-side parameter vectors: one Float32Array per leaf, in `tree.leaves` order. */
export type HostTree = Float32Array[];

export const hostSpace: VectorSpace<HostTree> = {
  dot(a, b) {
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      for (let j = 0; j < x.length; j++) sum += x[j] * y[j];
    }
    return sum;
  },
  scale(a, s) {
    return a.map((x) => x.map((v) => v * s));
  },
};

/**
 * A random Gaussian direction shaped like `weights`. 'unit': the whole vector has L2 norm 1.
 * 'filter': per filter (first axis of a matrix [in, out] is the input, so a filter is a column;
 * for a conv kernel [kh, kw, in, out] also the last axis) scaled to the filter's norm in `weights`;
 * tensors with fewer than 2 dimensions get 0.
 */
export function randomDirection(
  weights: HostTree,
  shapes: readonly (readonly number[])[],
  normalization: DirectionNormalization,
  seed: number,
): HostTree {
  const rng = createRng(seed);
  const d = weights.map((w) => rng.fillNormal(new Float32Array(w.length)));
  if (normalization === 'unit') {
    const norm = Math.sqrt(hostSpace.dot(d, d));
    return hostSpace.scale(d, 1 / norm);
  }
  return d.map((dir, k) => {
    const shape = shapes[k];
    if (shape.length < 2) return new Float32Array(dir.length);
    // The lab's dense and conv weights keep output units on the last axis.
    const outputs = shape[shape.length - 1];
    const w = weights[k];
    const dNorm = new Float64Array(outputs);
    const wNorm = new Float64Array(outputs);
    for (let i = 0; i < dir.length; i++) {
      dNorm[i % outputs] += dir[i] * dir[i];
      wNorm[i % outputs] += w[i] * w[i];
    }
    const out = new Float32Array(dir.length);
    for (let i = 0; i < dir.length; i++) {
      const f = i % outputs;
      out[i] = dNorm[f] > 0 ? (dir[i] * Math.sqrt(wNorm[f])) / Math.sqrt(dNorm[f]) : 0;
    }
    return out;
  });
}

/** A fixed evaluation batch and the model's loss on it, as functions of host or device weights. */
export interface LossSurface {
  /** Loss at w + sum_i c_i d_i (host vectors). */
  lossAt(
    weights: HostTree,
    directions: readonly HostTree[],
    coefficients: readonly number[],
  ): Promise<number>;
  /** Hessian-vector product at w (forward-over-reverse), host in, host out. */
  hvp(weights: HostTree, v: HostTree): Promise<HostTree>;
  dispose(): void;
}

/**
 * Builds the loss on (x, y) for `model` with model state `state`. `like` is a parameter tree of the
 * model (for its structure; not consumed). x and y are consumed by `dispose()`.
 */
export function lossSurface(
  model: Model,
  like: ArrayTree,
  state: ArrayTree,
  x: JaxArray,
  y: JaxArray,
): LossSurface {
  const structure = tree.structure(like as never);
  const shapes = (tree.leaves(like as never) as JaxArray[]).map((leaf) => [...leaf.shape]);
  const toTree = (host: HostTree) =>
    tree.unflatten(
      structure,
      host.map((values, i) => np.array(values, { shape: shapes[i] })),
    ) as ArrayTree;
  const lossOf = (params: ArrayTree, s: ArrayTree, xb: JaxArray, yb: JaxArray) => {
    const ctx = evaluationContext();
    const out = model.apply(params, s, xb, ctx);
    tree.dispose(out.state as never);
    return crossEntropy(out.logits, yb.reshape([-1]));
  };
  const compiledLoss = jit(lossOf as never) as unknown as ((...args: unknown[]) => JaxArray) & {
    dispose(): void;
  };
  return {
    lossAt(weights, directions, coefficients) {
      const moved = weights.map((w, i) => {
        const out = Float32Array.from(w);
        directions.forEach((d, k) => {
          const c = coefficients[k];
          if (c === 0) return;
          const di = d[i];
          for (let j = 0; j < out.length; j++) out[j] += c * di[j];
        });
        return out;
      });
      return readNumber(compiledLoss(toTree(moved), tree.ref(state as never), x.ref, y.ref));
    },
    async hvp(weights, v) {
      const loss = (p: ArrayTree) => lossOf(p, tree.ref(state as never) as ArrayTree, x.ref, y.ref);
      const gradient = (grad as (f: unknown) => (p: ArrayTree) => ArrayTree)(loss);
      // jvp of the gradient map at w in direction v = H v.
      const [g, hv] = jvpTree(gradient, toTree(weights), toTree(v));
      tree.dispose(g as never);
      const leaves = tree.leaves(hv as never) as JaxArray[];
      return Promise.all(leaves.map(async (leaf) => Float32Array.from(await readArray(leaf))));
    },
    dispose() {
      compiledLoss.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

/** jax-js jvp for a function of one tree argument. */
function jvpTree(
  f: (p: ArrayTree) => unknown,
  primal: ArrayTree,
  tangent: ArrayTree,
): [ArrayTree, ArrayTree] {
  return jvp(f as never, [primal] as never, [tangent] as never) as unknown as [ArrayTree, ArrayTree];
}

export interface LandscapeOptions {
  normalization?: DirectionNormalization;
  /** Slices cover [-range, range] along each direction (default 1). */
  range?: number;
  /** Points of the 1-D slice (default 41). */
  linePoints?: number;
  /** Points per axis of the 2-D slice; 0 skips it (default 21). */
  gridPoints?: number;
  /** Training examples in the fixed loss batch (default 512). */
  examples?: number;
  /** Seeds the directions and the batch (default 0). */
  seed?: number;
  /** Estimate the top Hessian eigenvalue (default true). */
  hessian?: boolean;
  /** Examples for the Hessian-vector products (default 256; each product is a full forward-over-reverse pass). */
  hessianExamples?: number;
  power?: PowerIterationOptions;
  /** Called after each loss evaluation / power step, for progress output. */
  onProgress?: (what: string, done: number, total: number) => void;
}

function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * The landscape of a trained model around its weights. `batch(k)` returns k training examples as
 * device arrays (consumed). `weights`/`state` are the saved host leaves in `tree.leaves` order of
 * `paramsLike`/`stateLike` (fresh inits of the same model, used for structure only; not consumed).
 */
export async function computeLandscape(
  model: Model,
  paramsLike: ArrayTree,
  state: ArrayTree,
  weights: HostTree,
  batch: (examples: number) => [JaxArray, JaxArray],
  options: LandscapeOptions = {},
): Promise<LandscapeFile> {
  const normalization = options.normalization ?? 'unit';
  const range = options.range ?? 1;
  const linePoints = options.linePoints ?? 41;
  const gridPoints = options.gridPoints ?? 21;
  const examples = options.examples ?? 512;
  const seed = options.seed ?? 0;
  const progress = options.onProgress ?? (() => {});
  if (!(range > 0) || !Number.isFinite(range))
    throw new RangeError(`landscape: range must be > 0, got ${range}`);
  if (!Number.isInteger(linePoints) || linePoints < 3)
    throw new RangeError(`landscape: need >= 3 line points, got ${linePoints}`);
  if (!Number.isInteger(gridPoints) || (gridPoints !== 0 && gridPoints < 3)) {
    throw new RangeError(`landscape: grid points must be 0 (off) or >= 3, got ${gridPoints}`);
  }
  const shapes = (tree.leaves(paramsLike as never) as JaxArray[]).map((leaf) => [...leaf.shape]);
  // Weights of another model would be reshaped silently into garbage (a huge, meaningless loss).
  if (weights.length !== shapes.length) {
    throw new RangeError(`landscape: ${weights.length} weight tensors given, the model has ${shapes.length}`);
  }
  shapes.forEach((shape, k) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (weights[k].length !== size) {
      throw new RangeError(
        `landscape: weight tensor ${k} has ${weights[k].length} values, the model's [${shape}] needs ${size}`,
      );
    }
  });
  const d1 = randomDirection(weights, shapes, normalization, seed * 2 + 1);
  const d2 = randomDirection(weights, shapes, normalization, seed * 2 + 2);

  const [x, y] = batch(examples);
  // What was used, not what was asked: batch() takes at most the training set.
  const examplesUsed = x.shape[0];
  const surface = lossSurface(model, paramsLike, state, x, y);
  let result: LandscapeFile;
  try {
    const centerLoss = await surface.lossAt(weights, [], []);
    const alphas = linspace(-range, range, linePoints);
    const line: number[] = [];
    for (const a of alphas) {
      line.push(await surface.lossAt(weights, [d1], [a]));
      progress('line', line.length, alphas.length);
    }
    result = {
      version: 1,
      normalization,
      seed,
      examples: examplesUsed,
      centerLoss,
      line: { alphas, losses: line },
    };
    if (gridPoints > 0) {
      const axis = linspace(-range, range, gridPoints);
      const losses: number[] = [];
      for (const b of axis) {
        for (const a of axis) {
          losses.push(await surface.lossAt(weights, [d1, d2], [a, b]));
          progress('grid', losses.length, axis.length * axis.length);
        }
      }
      result.grid = { alphas: axis, betas: axis, losses };
    }
  } finally {
    surface.dispose();
  }
  if (options.hessian ?? true) {
    const hessianExamples = options.hessianExamples ?? 256;
    const [hx, hy] = batch(hessianExamples);
    const hessianExamplesUsed = hx.shape[0];
    const curvature = lossSurface(model, paramsLike, state, hx, hy);
    try {
      const start = randomDirection(weights, shapes, 'unit', seed * 2 + 3);
      let step = 0;
      const power = await powerIteration(
        async (v) => {
          const hv = await curvature.hvp(weights, v);
          progress('hessian', ++step, options.power?.maxIterations ?? 50);
          return hv;
        },
        start,
        hostSpace,
        options.power,
      );
      result.hessian = { ...power, examples: hessianExamplesUsed };
    } finally {
      curvature.dispose();
    }
  }
  return result;
}
