/**
 * The GoLU repository's latent-variance experiment, on the embedded images: each image passes on its
 * own through a freshly initialised 3x3 convolution with one output channel, then BatchNorm in training
 * mode (batch of one, so it normalises over the feature map), then each activation. We record the mean
 * and variance of every activated map, and pool the values for a density estimate.
 *
 * Conventions follow PyTorch's defaults: Conv2d(1, 1, 3, padding=1) with weights and bias drawn from
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) = U(-1/3, 1/3) (kaiming_uniform with a = sqrt 5), BatchNorm2d with
 * eps = 1e-5, gamma = 1, beta = 0 and the biased (population) variance used for normalising.
 * Plain float64 over typed arrays: no framework needed for one small convolution.
 */
import { activation } from '../../activation.js';
import { createRng } from '../data/random.js';
import { meanVariance, quantileSorted } from './descriptive.js';

export interface VarianceExperimentInput {
  /** Images, n * height * width values (one channel), any scale. */
  pixels: Float32Array | Float64Array;
  n: number;
  height: number;
  width: number;
  activations: readonly { name: string; params?: Readonly<Record<string, number>>; label?: string }[];
  /** Seeds the convolution's weights. */
  seed: number;
  /** 'same' (zero padding 1, map = image size, PyTorch padding=1) or 'valid' (no padding). */
  padding?: 'same' | 'valid';
}

export interface ActivationVarianceSummary {
  activation: string;
  /** Mean over images of the map mean. */
  meanOfMeans: number;
  /** Mean over images of the map variance, with its standard error over images. */
  meanVariance: number;
  semVariance: number;
  medianVariance: number;
  /** Share of images in which this activation's map has the smallest variance of all compared. */
  lowestShare: number;
}

export interface VarianceExperimentResult {
  /** The 3x3 kernel (row-major) and bias used. */
  kernel: number[];
  bias: number;
  /** BatchNorm epsilon. */
  eps: number;
  mapHeight: number;
  mapWidth: number;
  /** Images whose convolved map was constant (all-blank input): BatchNorm maps them to zeros. */
  constantMaps: number;
  perImage: { image: number; stats: { activation: string; mean: number; variance: number }[] }[];
  summary: ActivationVarianceSummary[];
  /** All activated values of all images, per activation (for the KDE). */
  pooled: Map<string, Float64Array>;
}

const BATCHNORM_EPS = 1e-5;

/** 3x3 cross-correlation (what deep-learning "convolution" means) of one image. */
function conv3x3(
  image: ArrayLike<number>,
  offset: number,
  height: number,
  width: number,
  kernel: readonly number[],
  bias: number,
  padding: 'same' | 'valid',
  out: Float64Array,
): { h: number; w: number } {
  const pad = padding === 'same' ? 1 : 0;
  const h = height + 2 * pad - 2;
  const w = width + 2 * pad - 2;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let sum = bias;
      for (let i = 0; i < 3; i++) {
        const y = r + i - pad;
        if (y < 0 || y >= height) continue;
        for (let j = 0; j < 3; j++) {
          const x = c + j - pad;
          if (x < 0 || x >= width) continue;
          sum += kernel[i * 3 + j] * image[offset + y * width + x];
        }
      }
      out[r * w + c] = sum;
    }
  }
  return { h, w };
}

/** Runs the experiment. */
export function latentVarianceExperiment(input: VarianceExperimentInput): VarianceExperimentResult {
  const { pixels, n, height, width, seed } = input;
  const padding = input.padding ?? 'same';
  if (pixels.length !== n * height * width) {
    throw new RangeError(
      `variance experiment: ${pixels.length} pixels is not n*height*width = ${n}*${height}*${width}`,
    );
  }
  if (n < 1) throw new RangeError('variance experiment: need at least one image');
  if (input.activations.length === 0)
    throw new RangeError('variance experiment: need at least one activation');
  const rng = createRng(seed);
  const bound = 1 / Math.sqrt(9);
  const kernel = Array.from({ length: 9 }, () => rng.uniform(-bound, bound));
  const bias = rng.uniform(-bound, bound);
  const acts = input.activations.map((a) => {
    const act = activation(a.name, a.params ?? {});
    return { label: a.label ?? act.name, f: act.value };
  });

  const mapSize = (height + (padding === 'same' ? 2 : 0) - 2) * (width + (padding === 'same' ? 2 : 0) - 2);
  const map = new Float64Array(mapSize);
  const activated = new Float64Array(mapSize);
  const pooled = new Map(acts.map((a) => [a.label, new Float64Array(n * mapSize)]));
  const perImage: VarianceExperimentResult['perImage'] = [];
  let constantMaps = 0;
  let mapHeight = 0;
  let mapWidth = 0;
  for (let k = 0; k < n; k++) {
    const { h, w } = conv3x3(pixels, k * height * width, height, width, kernel, bias, padding, map);
    mapHeight = h;
    mapWidth = w;
    // BatchNorm, training mode, batch of one: statistics over the map.
    const { mean, variance } = meanVariance(map);
    if (variance === 0) constantMaps++;
    const scale = 1 / Math.sqrt(variance + BATCHNORM_EPS);
    for (let i = 0; i < mapSize; i++) map[i] = (map[i] - mean) * scale;
    const stats = acts.map((a) => {
      const store = pooled.get(a.label)!;
      for (let i = 0; i < mapSize; i++) {
        activated[i] = a.f(map[i]);
        store[k * mapSize + i] = activated[i];
      }
      const mv = meanVariance(activated);
      return { activation: a.label, mean: mv.mean, variance: mv.variance };
    });
    perImage.push({ image: k, stats });
  }

  const lowestCount = new Map(acts.map((a) => [a.label, 0]));
  for (const { stats } of perImage) {
    const lowest = Math.min(...stats.map((s) => s.variance));
    for (const s of stats)
      if (s.variance === lowest) lowestCount.set(s.activation, lowestCount.get(s.activation)! + 1);
  }
  const summary = acts.map((a, index) => {
    const variances = Float64Array.from(perImage, (p) => p.stats[index].variance);
    const means = Float64Array.from(perImage, (p) => p.stats[index].mean);
    const v = meanVariance(variances);
    return {
      activation: a.label,
      meanOfMeans: meanVariance(means).mean,
      meanVariance: v.mean,
      // Sample standard deviation over images / sqrt(n).
      semVariance: n > 1 ? Math.sqrt((v.variance * n) / (n - 1) / n) : Number.NaN,
      medianVariance: quantileSorted(variances.sort(), 0.5),
      lowestShare: lowestCount.get(a.label)! / n,
    };
  });
  return { kernel, bias, eps: BATCHNORM_EPS, mapHeight, mapWidth, constantMaps, perImage, summary, pooled };
}
