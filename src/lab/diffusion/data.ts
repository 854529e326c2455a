/**
 * The diffusion task's data: an image Dataset (NHWC, pixels in [0, 1]) turned into denoising batches
 * for the lab's trainer, and its evaluation (samples, FID, label entropies, the sample grid).
 *
 * - A batch's input is x_t with its timestep as an extra channel ([rows, H, W, C + 1], the ddpm-unet's
 *   input), its target the noise eps that made it ([rows, H, W, C]); x_0 = 2 * pixel - 1 (Ho et al.).
 * - Training batches: the lab's shuffled batches of the training split; t and eps from the project RNG
 *   seeded by (run seed, epoch, batch index), so a resumed run sees the same draws.
 * - Evaluation batches: the split in order; each image's t and eps seeded by (split, image index) alone,
 *   so every run, activation and evaluation batch size sees the same noisy images: the test loss is
 *   Ho et al.'s L_simple on one fixed draw per image.
 * - Evaluation (each validation pass and the final test): `samples` images drawn with the task's
 *   sampler (DDIM, eta 0, `sampleSteps` steps; or ancestral DDPM over all T), from the same starting
 *   noise at every evaluation and in every run; their features from the cached feature classifier
 *   (./feature-classifier.ts) give the FID against the split's real images (all of them) and the two
 *   label entropies; the first 64 samples make the figure.
 */
import {
  batchCount,
  createRng,
  type Dataset,
  deriveSeed,
  iterateBatches,
  type Split,
} from '../data/index.js';
import type { EvalSplit, HostBatch, TaskEvaluation, TrainingData } from '../data/training-data.js';
import { frechetDistance, gaussianStats, labelEntropies } from '../metrics/frechet.js';
import { packTimesteps } from '../models/ddpm-unet.js';
import { type FeatureClassifier, loadFeatureClassifier } from './feature-classifier.js';
import type { DiffusionSettings } from './options.js';
import { noisyBatch, sample } from './process.js';
import { sampleGridSvg } from './sample-grid.js';
import { noiseSchedule } from './schedule.js';

/** Seed streams of the diffusion data (distinct from the trainer's init and dropout streams). */
const TRAIN_NOISE_STREAM = 21;
const EVAL_NOISE_SEED = 20250201;
const SAMPLE_SEED = 20250301;
/** Samples shown in the figure. */
const GRID_SAMPLES = 64;

export interface DiffusionDataOptions {
  /** Where the feature classifier is cached (default: labCacheDir()). */
  cacheDir?: string;
}

/** [0, 1] pixels -> [-1, 1]. */
function toModelScale(pixels: Float32Array): Float32Array {
  return pixels.map((v) => 2 * v - 1);
}

/** [-1, 1] samples -> [0, 1] pixels (clipped), what the classifier was trained on. */
function toPixels(samples: Float32Array): Float32Array {
  return samples.map((v) => (v >= 1 ? 1 : v <= -1 ? 0 : (v + 1) / 2));
}

export function diffusionData(
  dataset: Dataset,
  settings: DiffusionSettings,
  options: DiffusionDataOptions = {},
): TrainingData {
  if (dataset.layout !== 'NHWC' && dataset.inputShape[0] !== 1) {
    throw new Error(`the diffusion data needs ${dataset.name} loaded with layout 'NHWC'`);
  }
  if (dataset.normalization.kind !== 'unit') {
    throw new Error(`the diffusion data needs pixels in [0, 1], got ${dataset.name} standardised`);
  }
  const [c, h, w] = dataset.inputShape;
  const size = h * w * c;
  const schedule = noiseSchedule(settings.schedule, settings.timesteps);
  const splits: Record<'train' | EvalSplit, Split> = {
    train: dataset.train,
    val: dataset.val,
    test: dataset.test,
  };
  const denoising = (x: Float32Array, rows: number, draw: Parameters<typeof noisyBatch>[3]): HostBatch => {
    const { xt, t, noise } = noisyBatch(schedule, toModelScale(x), rows, draw);
    return { x: packTimesteps(xt, t, rows, c), y: noise, rows };
  };
  /** One fixed (t, eps) per image of an evaluation split. */
  const evalDraw = (split: EvalSplit, first: number, rows: number) => {
    const t = new Int32Array(rows);
    const noise = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) {
      const rng = createRng(deriveSeed(EVAL_NOISE_SEED, split === 'val' ? 1 : 2, first + r));
      t[r] = rng.int(schedule.timesteps);
      rng.fillNormal(noise.subarray(r * size, (r + 1) * size));
    }
    return { t, noise };
  };
  let classifier: Promise<FeatureClassifier> | null = null;
  const reference = new Map<EvalSplit, Promise<ReturnType<typeof gaussianStats>>>();
  const sampler =
    settings.sampler === 'ddpm' ? 'ancestral DDPM, all T steps' : `DDIM eta 0, ${settings.sampleSteps} steps`;
  return {
    kind: 'diffusion',
    description: `${dataset.name} (${dataset.source}): ${dataset.train.n} train / ${dataset.val.n} val / ${dataset.test.n} test, ${h}x${w}x${c}, as denoising pairs (x_t and t, eps) of a ${settings.schedule} schedule with T = ${settings.timesteps}; ${settings.samples} samples per evaluation by ${sampler}`,
    inputShape: [h, w, c + 1],
    inputDtype: 'float32',
    outputSize: c,
    target: { shape: [h, w, c], dtype: 'float32' },
    trainSize: dataset.train.n,
    stepsPerEpoch: (batchSize) => batchCount(dataset.train.n, batchSize, true),
    *trainBatches(epoch, batchSize, seed, startBatch = 0) {
      for (const b of iterateBatches(splits.train, { batchSize, seed, epoch, dropLast: true, startBatch })) {
        yield denoising(b.x, b.n, createRng(deriveSeed(seed, TRAIN_NOISE_STREAM, epoch, b.index)));
      }
    },
    *evalBatches(split, batchSize) {
      let first = 0;
      for (const b of iterateBatches(splits[split], { batchSize, shuffle: false })) {
        yield denoising(b.x, b.n, evalDraw(split, first, b.n));
        first += b.n;
      }
    },
    evaluation(split): TaskEvaluation {
      return {
        add() {
          // The loss over the split is the trainer's; the sample metrics need the model, not these outputs.
        },
        async finish(model) {
          classifier ??= loadFeatureClassifier(dataset, { cacheDir: options.cacheDir, note: model.note });
          const features = await classifier;
          let real = reference.get(split);
          if (real === undefined) {
            const s = splits[split];
            real = features
              .evaluate(s.x, s.n)
              .then((f) => gaussianStats(f.features, s.n, f.features.length / s.n));
            reference.set(split, real);
          }
          const count = settings.samples;
          const samples = await sample(
            schedule,
            async (xt, t, rows) =>
              model.predict(packTimesteps(xt, new Int32Array(rows).fill(t), rows, c), rows),
            count,
            size,
            { sampler: settings.sampler, steps: settings.sampleSteps, seed: SAMPLE_SEED },
          );
          const own = await features.evaluate(toPixels(samples), count);
          const width = own.features.length / count;
          const fid = frechetDistance(gaussianStats(own.features, count, width), await real);
          const { classEntropy, sampleEntropy } = labelEntropies(
            own.probabilities,
            count,
            dataset.numClasses,
          );
          const shown = Math.min(GRID_SAMPLES, count);
          const figure = sampleGridSvg(samples, shown, h, w, {
            columns: Math.min(8, shown),
            title: `${shown} of ${count} samples (${split} evaluation; ${sampler}; ${settings.schedule} schedule, T = ${settings.timesteps}); FID ${fid.toFixed(2)} vs the ${split} split`,
          });
          return { metrics: { fid, class_entropy: classEntropy, sample_entropy: sampleEntropy }, figure };
        },
      };
    },
  };
}
