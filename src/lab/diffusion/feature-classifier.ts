/**
 * The small MNIST classifier whose features the diffusion task's Frechet distance is computed on (the
 * lab's stand-in for FID's Inception network, which is neither shipped nor sized for 28 x 28 digits), and
 * whose predicted labels give the samples' label entropies.
 *
 * Network: conv3x3 1->16, relu, max-pool 2 -> conv3x3 16->32, relu, max-pool 2 -> Linear(7*7*32, 64),
 * relu = the 64 features -> Linear(64, classes). Fixed: relu (the classifier is a measuring instrument,
 * the same for every activation under test), seed FEATURE_CLASSIFIER.seed, AdamW, 2 epochs of the data
 * set's training split (at most 600 steps), batch 128, on images in [0, 1].
 *
 * Trained once and cached: <cache>/fid-classifier/<key>/ holds classifier.json (the settings, the data
 * identity, the test accuracy reached) and weights.json + weights.bin (../runs/weights.ts). <cache> is
 * $GATELAB_CACHE, else $XDG_CACHE_HOME/gatelab, else ~/.cache/gatelab. The key is the first 16 hex
 * digits of the SHA-256 of {settings, data name, source, training-set size, SHA-256 of its images and
 * labels}: a change of architecture, training or data gives a new classifier, never a stale one. A lock
 * file (../sweep/lock.ts) makes parallel runs (compare --jobs) train it once; the others wait and load it.
 * Training is deterministic for a given device and thread count (the same seed, batches and
 * initialisation); float summation order may differ between devices, so the cache is the reference.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { classificationData } from '../data/training-data.js';
import type { Dataset } from '../data/types.js';
import type { Model } from '../models/types.js';
import { type Conv2dParams, conv2d, conv2dInit } from '../nn/conv2d.js';
import { type LinearParams, linear, linearInit } from '../nn/linear.js';
import { maxPool2d } from '../nn/pool.js';
import { adamw } from '../optim/adamw.js';
import { leaves, unflattenLike } from '../optim/tree.js';
import { readJsonObject, writeJsonFile } from '../runs/files.js';
import { readWeights, writeWeights } from '../runs/weights.js';
import { type ArrayTree, type JaxArray, jit, nn, np, readArray, tree } from '../runtime.js';
import { tryLock } from '../sweep/lock.js';
import { namedLeaves } from '../train/probe.js';
import { initModel, train } from '../train/trainer.js';

/** Everything that defines the classifier (part of its cache key). */
export const FEATURE_CLASSIFIER = {
  version: 1,
  channels: [16, 32],
  features: 64,
  seed: 20250101,
  epochs: 2,
  maxSteps: 600,
  batchSize: 128,
  lr: 2e-3,
  weightDecay: 0,
} as const;

type ClassifierParams = { conv1: Conv2dParams; conv2: Conv2dParams; fc: LinearParams; head: LinearParams };

/** The classifier as a lab Model (so the lab's trainer trains it) plus its feature layer. */
export function featureClassifierModel(imageShape: readonly [number, number, number], classes: number) {
  const [height, width, channels] = imageShape;
  const [c1, c2] = FEATURE_CLASSIFIER.channels;
  const flat = Math.floor(height / 4) * Math.floor(width / 4) * c2;
  /** Features [B, 64] (after relu) of images x [B, H, W, C] in [0, 1]. Consumes p's references and x. */
  const features = (p: ClassifierParams, x: JaxArray) => {
    let h = maxPool2d(nn.relu(conv2d(p.conv1, x)), 2);
    h = maxPool2d(nn.relu(conv2d(p.conv2, h)), 2);
    return nn.relu(linear(p.fc, h.reshape([h.shape[0], flat])));
  };
  const model: Model = {
    kind: 'cnn',
    description: `feature classifier ${height}x${width}x${channels}: [conv3x3 relu maxpool] ${c1}-${c2}, linear ${FEATURE_CLASSIFIER.features} relu (features), linear ${classes}`,
    config: { ...FEATURE_CLASSIFIER, classes },
    inputShape: imageShape,
    outputSize: classes,
    init(rand) {
      const params: ClassifierParams = {
        conv1: conv2dInit(rand, channels, c1, 3),
        conv2: conv2dInit(rand, c1, c2, 3),
        fc: linearInit(rand, flat, FEATURE_CLASSIFIER.features),
        head: linearInit(rand, FEATURE_CLASSIFIER.features, classes, { init: 'xavier-uniform' }),
      };
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, x) {
      const p = params as unknown as ClassifierParams;
      return { logits: linear(p.head, features(p, x)), state };
    },
  };
  return { model, features };
}

/** Where trained classifiers are kept: $GATELAB_CACHE, else $XDG_CACHE_HOME/gatelab, else ~/.cache/gatelab. */
export function labCacheDir(): string {
  const own = process.env.GATELAB_CACHE;
  if (own !== undefined && own !== '') return own;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'gatelab');
}

/** What classifier.json records. */
export interface ClassifierRecord {
  key: string;
  settings: typeof FEATURE_CLASSIFIER;
  data: { name: string; source: string; trainSize: number; imagesSha256: string; labelsSha256: string };
  classes: number;
  imageShape: [number, number, number];
  steps: number;
  testAccuracy: number;
  trainSeconds: number;
  createdAt: string;
}

const sha256 = (a: Float32Array | Int32Array) =>
  createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

/** The data identity and cache key of the classifier for `dataset` (loaded NHWC, unit scale). */
export function classifierKey(dataset: Dataset): { key: string; data: ClassifierRecord['data'] } {
  const data = {
    name: dataset.name,
    source: dataset.source,
    trainSize: dataset.train.n,
    imagesSha256: sha256(dataset.train.x),
    labelsSha256: sha256(dataset.train.y),
  };
  const key = createHash('sha256')
    .update(JSON.stringify({ settings: FEATURE_CLASSIFIER, data }))
    .digest('hex')
    .slice(0, 16);
  return { key, data };
}

/** A trained classifier: features and class probabilities of images on the host. */
export interface FeatureClassifier {
  readonly record: ClassifierRecord;
  readonly dir: string;
  /** Whether this call trained it (false: read from the cache). */
  readonly trainedNow: boolean;
  /** Features [count, 64] and softmax probabilities [count, classes] of images [count, H, W, C] in [0, 1]. */
  evaluate(
    images: Float32Array,
    count: number,
  ): Promise<{ features: Float32Array; probabilities: Float32Array }>;
  dispose(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The cached classifier for `dataset` (NHWC, pixels in [0, 1]), trained first when the cache lacks it.
 * `note` receives one line when training starts and when it ends.
 */
export async function loadFeatureClassifier(
  dataset: Dataset,
  options: { cacheDir?: string; note?: (line: string) => void } = {},
): Promise<FeatureClassifier> {
  const [c, h, w] = dataset.inputShape;
  const imageShape: [number, number, number] = [h, w, c];
  const { model, features } = featureClassifierModel(imageShape, dataset.numClasses);
  const { key, data } = classifierKey(dataset);
  const root = join(options.cacheDir ?? labCacheDir(), 'fid-classifier');
  const dir = join(root, key);
  const recordFile = join(dir, 'classifier.json');
  let trainedNow = false;
  while (!existsSync(recordFile)) {
    mkdirSync(root, { recursive: true });
    const attempt = tryLock(join(root, `${key}.lock`));
    if (!('held' in attempt)) {
      await sleep(1000);
      continue;
    }
    try {
      if (existsSync(recordFile)) break;
      options.note?.(`training the FID feature classifier for ${dataset.name} once (cached in ${dir})`);
      const record = await trainClassifier(model, dataset, key, data, imageShape, dir);
      trainedNow = true;
      options.note?.(
        `FID feature classifier: test accuracy ${(100 * record.testAccuracy).toFixed(2)}% after ${record.steps} steps (${record.trainSeconds.toFixed(0)} s)`,
      );
    } finally {
      attempt.held.release();
    }
  }
  const record = readJsonObject(recordFile) as unknown as ClassifierRecord;
  const saved = readWeights(dir);
  const { params: like } = initModel(model, 0);
  const params = unflattenLike(
    like,
    leaves(like).map((leaf, i) => {
      const shape = [...leaf.shape];
      leaf.dispose();
      return np.array(saved.params[i], { shape });
    }),
  ) as unknown as ClassifierParams;
  const forward = jit((p: ClassifierParams, x: JaxArray) => {
    const f = features(p, x);
    const logits = linear(p.head, f.ref);
    return [f, nn.softmax(logits, -1)];
  });
  return {
    record,
    dir,
    trainedNow,
    async evaluate(images, count) {
      const per = h * w * c;
      if (images.length !== count * per) {
        throw new RangeError(
          `classifier input: expected ${count} images of ${h}x${w}x${c}, got ${images.length} values`,
        );
      }
      const width = FEATURE_CLASSIFIER.features;
      const out = {
        features: new Float32Array(count * width),
        probabilities: new Float32Array(count * dataset.numClasses),
      };
      const chunk = 250;
      for (let start = 0; start < count; start += chunk) {
        const rows = Math.min(chunk, count - start);
        const x = np.array(images.subarray(start * per, (start + rows) * per), { shape: [rows, h, w, c] });
        const [f, prob] = forward(tree.ref(params as never) as never, x) as unknown as [JaxArray, JaxArray];
        out.features.set(Float32Array.from(await readArray(f)), start * width);
        out.probabilities.set(Float32Array.from(await readArray(prob)), start * dataset.numClasses);
      }
      return out;
    },
    dispose() {
      forward.dispose();
      tree.dispose(params as never);
    },
  };
}

async function trainClassifier(
  model: Model,
  dataset: Dataset,
  key: string,
  data: ClassifierRecord['data'],
  imageShape: [number, number, number],
  dir: string,
): Promise<ClassifierRecord> {
  const s = FEATURE_CLASSIFIER;
  const t0 = performance.now();
  // The trainer hands a host copy of the parameters to onCheckpoint after every evaluation (read
  // asynchronously, so this works on every device); the last one holds the final weights.
  let final: Float32Array[] | null = null;
  const result = await train(
    model,
    classificationData(dataset),
    adamw({ weightDecay: s.weightDecay }),
    {
      seed: s.seed,
      epochs: s.epochs,
      batchSize: Math.min(s.batchSize, dataset.train.n),
      lr: s.lr,
      schedule: { kind: 'cosine', warmup: 0, minRatio: 0 },
      clipNorm: null,
      maxSteps: s.maxSteps,
      evalBatchSize: 500,
      logEvery: 1000,
    },
    {
      onCheckpoint(snapshot) {
        final = snapshot.trees.params.map((t) => Float32Array.from(t.data as ArrayLike<number>));
      },
    },
  );
  if (result.status !== 'completed' || final === null || result.test === null) {
    throw new Error(`training the FID feature classifier did not complete (status ${result.status})`);
  }
  const { params: like } = initModel(model, 0);
  const named = namedLeaves(like);
  const weights = named.map((n, i) => ({
    name: n.path,
    shape: [...n.leaf.shape],
    values: (final as Float32Array[])[i],
  }));
  tree.dispose(like as never);
  const record: ClassifierRecord = {
    key,
    settings: s,
    data,
    classes: dataset.numClasses,
    imageShape,
    steps: result.stepsDone,
    testAccuracy: result.test.accuracy,
    trainSeconds: (performance.now() - t0) / 1000,
    createdAt: new Date().toISOString(),
  };
  mkdirSync(dir, { recursive: true });
  writeWeights(dir, weights, []);
  // Written last: its presence means the weights are complete.
  writeJsonFile(join(dir, 'classifier.json'), record);
  return record;
}
