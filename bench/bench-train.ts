/**
 * `npm run bench:train`: training-step throughput (forward + backward + optimizer update, loss read back)
 * of the lab's models on jax-js, per device, per activation, side by side; optionally TensorFlow.js
 * 4.22's wasm backend running the same mlp and gpt in the same process.
 *
 *   mlp:      784-[512 LN act]x2-10, batch 128          cnn: fashion-cnn (conv 32, 64), batch 64
 *   resnet20: ResNet-20 at CIFAR shapes 32x32x3, 10 classes, batch 128
 *   gpt:      text-gpt's model (2 layers, 4 heads, width 64, context 64, vocab 89), batch 32
 *   babygpt:  the GoLU paper's / nanoGPT's baby GPT (6 layers, 6 heads, width 384, context 256,
 *             vocab 89), batch 16 (nanoGPT uses 64: --batch babygpt=64)
 *   ddpm:     mnist-ddpm's noise-prediction U-Net (28x28, channels 16-32, epsilon MSE), batch 32
 *   unet:     mnist-seg's U-Net (16-32-64 channels, GroupNorm, on 2x2 pixel blocks) on 64x84 canvases, 11 classes
 *             per pixel, batch 8
 *   centernet: mnist-det's detector (8-16-32 channels, stride 4) on 64x64 canvases, 10 classes, batch 16
 *   vit:      mnist-vit / fashion-vit's ViT (patch 7, 4 blocks x 4 heads, width 64), batch 128
 *   mlm:      text-mlm's encoder (2 layers, 4 heads, width 64, context 64, vocab 89 + [MASK]), batch 32,
 *             loss on the ~15 % selected positions
 *   (vit and mlm are not part of the default --models)
 *
 * Activations of one model and device are timed interleaved (one step of each in turn, until the
 * budget is spent), so a change in the machine's load hits them alike; medians of wall and process
 * CPU time per step are reported. Inputs are seeded random data of the real shapes.
 *
 * Flags: --models mlp,cnn,resnet20,gpt,babygpt,ddpm,unet,centernet (also vit, mlm)  --activations relu,golu,gelu (or all)
 *        --devices wasm,webgpu (or --device webgpu)   --threads N (wasm: also time N worker threads)
 *        --form first-order|exact (activation form; the lab trains with first-order)
 *        --seconds 4 (budget per activation and cell)  --min-steps 5  --warmup 2
 *        --batch model=N[,model=N]   --no-tfjs   --json
 * Nothing here asserts a time; it prints what it measured, the load average and the adapter.
 */
import '../src/lab/devices/install-wasm-threads.js';
import { availableParallelism, cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { defaultDevice } from '@jax-js/jax';
import { activationNames } from '../src/activations/resolve.js';
import { initJax } from '../src/adapters/jax/index.js';
import { registerActivations, applyActivation as tfActivation } from '../src/adapters/tfjs/index.js';
import { createRng } from '../src/lab/data/index.js';
import { maxWasmThreads, setWasmThreads } from '../src/lab/devices/wasm-threads.js';
import { type AdapterInfo, describeAdapter } from '../src/lab/devices/webgpu.js';
import {
  centernet,
  cnn,
  ddpmUnet,
  gpt,
  type Model,
  mlm,
  mlp,
  packTimesteps,
  resnet,
  unet,
  vit,
} from '../src/lab/models/index.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { type LabDevice, np, resolveDevice } from '../src/lab/runtime.js';
import { compileSteps } from '../src/lab/train/step.js';
import { initModel } from '../src/lab/train/trainer.js';

type ModelName =
  | 'mlp'
  | 'cnn'
  | 'resnet20'
  | 'gpt'
  | 'babygpt'
  | 'ddpm'
  | 'unet'
  | 'centernet'
  | 'vit'
  | 'mlm';
const MODEL_NAMES: ModelName[] = [
  'mlp',
  'cnn',
  'resnet20',
  'gpt',
  'babygpt',
  'ddpm',
  'unet',
  'centernet',
  'vit',
  'mlm',
];
const DEFAULT_MODELS: ModelName[] = ['mlp', 'cnn', 'resnet20', 'gpt', 'babygpt', 'ddpm', 'unet', 'centernet'];
type Form = 'first-order' | 'exact';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
function fail(message: string): never {
  process.stderr.write(`bench:train: ${message}\n`);
  process.exit(2);
}
const modelNames = value('models', DEFAULT_MODELS.join(',')).split(',') as ModelName[];
for (const m of modelNames)
  if (!MODEL_NAMES.includes(m)) fail(`--models: unknown model '${m}'; valid: ${MODEL_NAMES.join(', ')}`);
const activationList = value('activations', 'relu,golu,gelu');
const activations: string[] = activationList === 'all' ? activationNames() : activationList.split(',');
for (const a of activations)
  if (!(activationNames() as string[]).includes(a))
    fail(`--activations: unknown activation '${a}'; valid: ${activationNames().join(', ')}, or all`);
const deviceNames = value('devices', value('device', 'wasm')).split(',') as LabDevice[];
for (const d of deviceNames)
  if (!['wasm', 'webgpu', 'cpu'].includes(d))
    fail(`--devices: unknown device '${d}'; valid: wasm, webgpu, cpu`);
const threads = Number(value('threads', '1'));
if (!(Number.isInteger(threads) && threads >= 1 && threads <= maxWasmThreads())) {
  fail(
    `--threads must be an integer in [1, ${maxWasmThreads()}] (this machine's cores), got '${value('threads', '1')}'`,
  );
}
const form = value('form', 'first-order') as Form;
if (form !== 'first-order' && form !== 'exact') fail(`--form must be first-order or exact, got '${form}'`);
const budgetMs = Number(value('seconds', '4')) * 1000;
const minSteps = Number(value('min-steps', '5'));
const warmup = Number(value('warmup', '2'));
const withTfjs = !flag('no-tfjs') && deviceNames.includes('wasm');
const VOCAB = 89;

const batchOverrides = new Map<string, number>();
for (const entry of value('batch', '')
  .split(',')
  .filter((e) => e !== '')) {
  const [name, size] = entry.split('=');
  const n = Number(size);
  if (!MODEL_NAMES.includes(name as ModelName) || !(Number.isInteger(n) && n >= 1)) {
    fail(`--batch: expected model=N with a model of ${MODEL_NAMES.join(', ')}, got '${entry}'`);
  }
  batchOverrides.set(name, n);
}

interface HostBatch {
  x: Float32Array | Int32Array;
  /** Class labels (per example, token or pixel), or float targets of shape yShape (detector, diffusion noise). */
  y: Int32Array | Float32Array;
  yShape?: number[];
  xShape: number[];
  int: boolean;
}

interface Spec {
  batch: number;
  /** Labels of -1 carry no loss (masked language model). */
  masked?: boolean;
  build(activation: string): Model;
  makeBatch(rng: ReturnType<typeof createRng>, batch: number): HostBatch;
}

const images = (h: number, w: number, c: number) => (rng: ReturnType<typeof createRng>, batch: number) => ({
  x: Float32Array.from({ length: batch * h * w * c }, () => rng.next()),
  y: Int32Array.from({ length: batch }, () => rng.int(10)),
  xShape: [batch, h, w, c],
  int: false,
});
const tokens = (context: number) => (rng: ReturnType<typeof createRng>, batch: number) => ({
  x: Int32Array.from({ length: batch * context }, () => rng.int(VOCAB)),
  y: Int32Array.from({ length: batch * context }, () => rng.int(VOCAB)),
  xShape: [batch, context],
  int: true,
});
const choice = (name: string) => ({ name, form });
/** Noisy digits with their timestep channel, and the noise as the target (mnist-ddpm's batches). */
const denoising = (rng: ReturnType<typeof createRng>, batch: number) => ({
  x: packTimesteps(
    Float32Array.from({ length: batch * 784 }, () => rng.normal()),
    Int32Array.from({ length: batch }, () => rng.int(1000)),
    batch,
  ),
  y: Float32Array.from({ length: batch * 784 }, () => rng.normal()),
  xShape: [batch, 28, 28, 2],
  yShape: [batch, 28, 28, 1],
  int: false,
});
/** Images with one label per pixel (segmentation). */
const pixelLabels = (h: number, w: number) => (rng: ReturnType<typeof createRng>, batch: number) => ({
  ...images(h, w, 1)(rng, batch),
  y: Int32Array.from({ length: batch * h * w }, () => rng.int(11)),
});
/** Images with dense detector targets [batch, s/4, s/4, 10 + 5] (heatmap in [0, 1], sizes, offsets, mask). */
const detectorTargets = (s: number) => (rng: ReturnType<typeof createRng>, batch: number) => ({
  ...images(s, s, 1)(rng, batch),
  y: Float32Array.from({ length: batch * (s / 4) ** 2 * 15 }, () => rng.next()),
  yShape: [batch, s / 4, s / 4, 15],
});

const SPECS: Record<ModelName, Spec> = {
  mlp: {
    batch: 128,
    build: (a) =>
      mlp({ inputShape: [28, 28, 1], numClasses: 10, activation: choice(a), depth: 2, width: 512 }),
    makeBatch: images(28, 28, 1),
  },
  cnn: {
    batch: 64,
    build: (a) => cnn({ inputShape: [28, 28, 1], numClasses: 10, activation: choice(a), channels: [32, 64] }),
    makeBatch: images(28, 28, 1),
  },
  resnet20: {
    batch: 128,
    build: (a) => resnet({ inputShape: [32, 32, 3], numClasses: 10, activation: choice(a), depth: 20 }),
    makeBatch: images(32, 32, 3),
  },
  gpt: {
    batch: 32,
    build: (a) =>
      gpt({ vocabSize: VOCAB, activation: choice(a), blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64 }),
    makeBatch: tokens(64),
  },
  babygpt: {
    batch: 16,
    build: (a) =>
      gpt({ vocabSize: VOCAB, activation: choice(a), blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 }),
    makeBatch: tokens(256),
  },
  ddpm: {
    batch: 32,
    build: (a) => ddpmUnet({ imageShape: [28, 28, 1], activation: choice(a), channels: [16, 32] }),
    makeBatch: denoising,
  },
  unet: {
    batch: 8,
    build: (a) =>
      unet({
        inputShape: [64, 84, 1],
        numClasses: 11,
        activation: choice(a),
        channels: [16, 32, 64],
        patch: 2,
      }),
    makeBatch: pixelLabels(64, 84),
  },
  centernet: {
    batch: 16,
    build: (a) =>
      centernet({ inputShape: [64, 64, 1], numClasses: 10, activation: choice(a), channels: [8, 16, 32] }),
    makeBatch: detectorTargets(64),
  },
  vit: {
    batch: 128,
    build: (a) => vit({ inputShape: [28, 28, 1], numClasses: 10, activation: choice(a) }),
    makeBatch: images(28, 28, 1),
  },
  mlm: {
    batch: 32,
    masked: true,
    build: (a) =>
      mlm({ vocabSize: VOCAB, activation: choice(a), blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64 }),
    makeBatch: (rng, batch) => ({
      x: Int32Array.from({ length: batch * 64 }, () => rng.int(VOCAB + 1)),
      y: Int32Array.from({ length: batch * 64 }, () => (rng.next() < 0.15 ? rng.int(VOCAB) : -1)),
      xShape: [batch, 64],
      int: true,
    }),
  },
};
const batchOf = (name: ModelName) => batchOverrides.get(name) ?? SPECS[name].batch;

interface Timing {
  /** Median wall-clock milliseconds per step. */
  ms: number;
  /** Median process CPU milliseconds per step (robust when other processes share the cores). */
  cpuMs: number;
  steps: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Medians of per-step wall and CPU times after warm-up, within the budget (at least minSteps). */
function timeSteps(step: () => void, warmupSteps: number): Timing {
  for (let i = 0; i < warmupSteps; i++) step();
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < minSteps || (performance.now() - start < budgetMs && wall.length < 400)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu), steps: wall.length };
}

type Stepper = { step(): Promise<void>; dispose(): void };

/**
 * Times steppers interleaved: warm-up steps for each, then one step of each in turn until every one has
 * minSteps and the budget (per stepper) is spent, or 400 rounds.
 */
async function timeInterleaved(steppers: Stepper[]): Promise<Timing[]> {
  for (const s of steppers) for (let i = 0; i < warmup; i++) await s.step();
  const wall: number[][] = steppers.map(() => []);
  const cpu: number[][] = steppers.map(() => []);
  const start = performance.now();
  let rounds = 0;
  while (rounds < minSteps || (performance.now() - start < budgetMs * steppers.length && rounds < 400)) {
    for (let i = 0; i < steppers.length; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await steppers[i].step();
      const c = process.cpuUsage(c0);
      wall[i].push(performance.now() - t0);
      cpu[i].push((c.user + c.system) / 1000);
    }
    rounds++;
  }
  return steppers.map((_, i) => ({ ms: median(wall[i]), cpuMs: median(cpu[i]), steps: wall[i].length }));
}

/** One jax-js training step of (model, activation) on the current default device. */
function jaxStepper(name: ModelName, activation: string, asyncReads: boolean): Stepper {
  const spec = SPECS[name];
  const batch = batchOf(name);
  const model = spec.build(activation);
  const opt = adamw();
  const { params, state: modelState } = initModel(model, 0);
  let state = { params, optState: opt.init(params), modelState };
  const steps = compileSteps(model, opt, null, spec.masked === true);
  const data = spec.makeBatch(createRng(1), batch);
  let t = 0;
  return {
    async step() {
      t++;
      const x = data.int
        ? np.array(data.x as Int32Array, { shape: data.xShape, dtype: np.int32 })
        : np.array(data.x as Float32Array, { shape: data.xShape });
      const y =
        data.y instanceof Float32Array
          ? np.array(data.y, { shape: data.yShape })
          : np.array(data.y, { dtype: np.int32 });
      const scalars = Object.fromEntries(
        Object.entries(opt.scalars(t, 1e-3)).map(([k, v]) => [k, np.array(v)]),
      );
      const out = steps.train(state, x, y, np.zeros([2], { dtype: np.uint32 }), scalars);
      state = out.state;
      const loss = asyncReads ? (await out.loss.data())[0] : (out.loss.item() as number);
      if (!Number.isFinite(loss)) throw new Error(`jax ${name} ${activation}: loss ${loss}`);
    },
    dispose() {
      steps.dispose();
    },
  };
}

// ---------------------------------------------------------------- TensorFlow.js (same models, raw ops)

function tfLayerNorm(x: tf.Tensor, gamma: tf.Variable, beta: tf.Variable): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(1e-5)))
    .mul(gamma)
    .add(beta);
}

function glorot(shape: number[], std: number): tf.Variable {
  return tf.variable(tf.randomNormal(shape, 0, std, 'float32', 1));
}

function tfMlp(activation: string) {
  const vars: tf.Variable[] = [];
  const v = (t: tf.Variable) => {
    vars.push(t);
    return t;
  };
  const layers = [784, 512].map((fanIn) => ({
    w: v(glorot([fanIn, 512], Math.sqrt(2 / fanIn))),
    b: v(tf.variable(tf.zeros([512]))),
    g: v(tf.variable(tf.ones([512]))),
    bt: v(tf.variable(tf.zeros([512]))),
  }));
  const head = { w: v(glorot([512, 10], Math.sqrt(1 / 512))), b: v(tf.variable(tf.zeros([10]))) };
  const loss = (x: tf.Tensor, y: tf.Tensor) => {
    let h = x.reshape([x.shape[0], 784]);
    for (const l of layers) h = tfActivation(activation, tfLayerNorm(h.matMul(l.w).add(l.b), l.g, l.bt));
    return tf.losses.softmaxCrossEntropy(y, h.matMul(head.w).add(head.b)) as tf.Scalar;
  };
  return { vars, loss };
}

function tfGpt(activation: string) {
  const C = 64;
  const T = 64;
  const H = 4;
  const vars: tf.Variable[] = [];
  const v = (t: tf.Variable) => {
    vars.push(t);
    return t;
  };
  const wte = v(glorot([VOCAB, C], 0.02));
  const wpe = v(glorot([T, C], 0.02));
  const blocks = [0, 1].map(() => ({
    g1: v(tf.variable(tf.ones([C]))),
    b1: v(tf.variable(tf.zeros([C]))),
    qkv: v(glorot([C, 3 * C], 0.02)),
    qkvB: v(tf.variable(tf.zeros([3 * C]))),
    proj: v(glorot([C, C], 0.01)),
    projB: v(tf.variable(tf.zeros([C]))),
    g2: v(tf.variable(tf.ones([C]))),
    b2: v(tf.variable(tf.zeros([C]))),
    fc: v(glorot([C, 4 * C], 0.02)),
    fcB: v(tf.variable(tf.zeros([4 * C]))),
    out: v(glorot([4 * C, C], 0.01)),
    outB: v(tf.variable(tf.zeros([C]))),
  }));
  const gF = v(tf.variable(tf.ones([C])));
  const bF = v(tf.variable(tf.zeros([C])));
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const negative = tf.onesLike(mask).sub(mask).mul(-1e9);
  const loss = (ids: tf.Tensor, targets: tf.Tensor) => {
    const B = ids.shape[0];
    const flat = (t: tf.Tensor) => t.reshape([B * T, C]);
    let x = tf
      .oneHot(ids.reshape([B * T]) as tf.Tensor1D, VOCAB)
      .matMul(wte)
      .reshape([B, T, C])
      .add(wpe);
    for (const b of blocks) {
      const qkv = flat(tfLayerNorm(x, b.g1, b.b1))
        .matMul(b.qkv)
        .add(b.qkvB)
        .reshape([B, T, 3, H, C / H]);
      const [q, k, vv] = tf.unstack(qkv.transpose([2, 0, 3, 1, 4]));
      const scores = tf
        .matMul(q, k, false, true)
        .mul(1 / Math.sqrt(C / H))
        .mul(mask)
        .add(negative);
      const att = tf
        .matMul(tf.softmax(scores), vv)
        .transpose([0, 2, 1, 3])
        .reshape([B * T, C]);
      x = x.add(att.matMul(b.proj).add(b.projB).reshape([B, T, C]));
      const hidden = tfActivation(
        activation,
        flat(tfLayerNorm(x, b.g2, b.b2))
          .matMul(b.fc)
          .add(b.fcB),
      );
      x = x.add(hidden.matMul(b.out).add(b.outB).reshape([B, T, C]));
    }
    const logits = flat(tfLayerNorm(x, gF, bF)).matMul(wte, false, true);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(targets as tf.Tensor1D, VOCAB), logits) as tf.Scalar;
  };
  return { vars, loss };
}

function tfCnnAttempt(): string {
  // One conv layer is enough to show whether the backend can train convolutions at all.
  const w = tf.variable(tf.randomNormal([3, 3, 1, 8]));
  const x = tf.randomNormal([2, 8, 8, 1]);
  try {
    tf.variableGrads(
      () => tf.conv2d(x as tf.Tensor4D, w as unknown as tf.Tensor4D, 1, 'same').sum() as tf.Scalar,
    );
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

function benchTf(name: 'mlp' | 'gpt', activation: string): Timing {
  const spec = SPECS[name];
  const { vars, loss } = name === 'mlp' ? tfMlp(activation) : tfGpt(activation);
  const optimizer = tf.train.adam(1e-3);
  const data = spec.makeBatch(createRng(1), spec.batch);
  const result = timeSteps(() => {
    const value = tf.tidy(() => {
      const x = data.int
        ? tf.tensor(data.x as Int32Array, data.xShape, 'int32')
        : tf.tensor(data.x, data.xShape);
      const y = name === 'mlp' ? tf.oneHot(tf.tensor1d(data.y, 'int32'), 10) : tf.tensor1d(data.y, 'int32');
      return optimizer.minimize(() => loss(x, y), true, vars) as tf.Scalar;
    });
    const l = value.dataSync()[0];
    value.dispose();
    if (!Number.isFinite(l)) throw new Error(`tfjs ${name} ${activation}: loss ${l}`);
  }, 2);
  optimizer.dispose();
  for (const v of vars) v.dispose();
  return result;
}

// ---------------------------------------------------------------- main

/** A column of the table: a device, and for wasm a thread count. */
interface Column {
  key: string;
  device: LabDevice;
  threads: number;
  adapter: AdapterInfo | null;
}

interface Row {
  model: ModelName;
  batch: number;
  activation: string;
  /** Per column key. */
  jax: Record<string, Timing & { stepsPerSecond: number }>;
  tfjsMs: number | null;
  tfjsCpuMs: number | null;
  tfjsNote: string;
}

const columns: Column[] = [];
const jaxDevices = new Set<LabDevice>(['wasm']);
for (const device of deviceNames) {
  let adapter: AdapterInfo | null = null;
  try {
    adapter = (await resolveDevice(device)).adapter;
  } catch (error) {
    fail(`--devices ${device}: ${error instanceof Error ? error.message : String(error)}`);
  }
  jaxDevices.add(device);
  columns.push({ key: device, device, threads: 1, adapter });
  if (device === 'wasm' && threads > 1)
    columns.push({ key: `wasm x${threads}`, device, threads, adapter: null });
}
if (threads > 1) setWasmThreads(threads);
await initJax({ devices: [...jaxDevices], defaultDevice: 'wasm' });
if (withTfjs) {
  await tf.setBackend('wasm');
  await tf.ready();
  registerActivations(tf);
}

const json = flag('json');
const say = (line: string) => {
  if (!json) console.log(line);
};
const loadBefore = loadavg();
say(
  `bench:train: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; activation form ${form}`,
);
for (const c of columns) {
  if (c.adapter !== null) {
    say(
      `webgpu adapter: ${describeAdapter(c.adapter)}${c.adapter.software ? ' -- a software rasteriser: its times say nothing about a GPU' : ''}`,
    );
  }
}

const rows: Row[] = [];
const cnnNote = withTfjs && modelNames.includes('cnn') ? tfCnnAttempt() : '';
for (const name of modelNames) {
  const modelRows: Row[] = activations.map((activation) => ({
    model: name,
    batch: batchOf(name),
    activation,
    jax: {},
    tfjsMs: null,
    tfjsCpuMs: null,
    tfjsNote: withTfjs ? '' : 'skipped',
  }));
  for (const column of columns) {
    defaultDevice(column.device);
    const asyncReads = column.device === 'webgpu' || column.threads > 1;
    const steppers = activations.map((a) => jaxStepper(name, a, asyncReads));
    const timings = await timeInterleaved(steppers);
    for (const s of steppers) s.dispose();
    timings.forEach((t, i) => {
      modelRows[i].jax[column.key] = { ...t, stepsPerSecond: 1000 / t.ms };
    });
  }
  defaultDevice('wasm');
  if (withTfjs && (name === 'mlp' || name === 'gpt') && batchOf(name) === SPECS[name].batch) {
    for (const row of modelRows) {
      const t = benchTf(name, row.activation);
      row.tfjsMs = t.ms;
      row.tfjsCpuMs = t.cpuMs;
    }
  } else if (withTfjs) {
    for (const row of modelRows) {
      row.tfjsNote =
        name === 'cnn'
          ? cnnNote === 'ok'
            ? 'conv gradient ran; timing not implemented'
            : `cannot train: ${cnnNote}`
          : 'not implemented for this model';
    }
  }
  for (const row of modelRows) {
    rows.push(row);
    const cells = columns.map((c) => {
      const t = row.jax[c.key];
      const base = row.jax.wasm;
      const ratio = c.key !== 'wasm' && base ? ` = ${(base.ms / t.ms).toFixed(2)}x wasm` : '';
      return `${c.key} ${t.ms.toFixed(1)} ms (cpu ${t.cpuMs.toFixed(1)}, ${t.stepsPerSecond.toFixed(2)}/s, n ${t.steps})${ratio}`;
    });
    const tfText =
      row.tfjsMs === null
        ? row.tfjsNote
        : `${row.tfjsMs.toFixed(1)} ms (cpu ${row.tfjsCpuMs!.toFixed(1)})${row.jax.wasm ? `; jax-js ${(row.tfjsMs / row.jax.wasm.ms).toFixed(1)}x faster` : ''}`;
    say(
      `${name.padEnd(8)} b${String(row.batch).padEnd(4)} ${row.activation.padEnd(12)} ${cells.join(' | ')}${withTfjs ? ` | tfjs-wasm ${tfText}` : ''}`,
    );
  }
}

/** Step time of each activation relative to relu, per model and column (wall and CPU medians). */
const ratios: Record<string, number> = {};
for (const name of modelNames) {
  for (const c of columns) {
    const relu = rows.find((r) => r.model === name && r.activation === 'relu');
    if (!relu) continue;
    for (const r of rows.filter((x) => x.model === name && x.activation !== 'relu')) {
      ratios[`${name} ${c.key} ${r.activation}/relu (wall)`] = r.jax[c.key].ms / relu.jax[c.key].ms;
      ratios[`${name} ${c.key} ${r.activation}/relu (cpu)`] = r.jax[c.key].cpuMs / relu.jax[c.key].cpuMs;
    }
  }
}
const loadAfter = loadavg();
if (json) {
  console.log(
    JSON.stringify(
      {
        machine: { cpu: cpus()[0]?.model ?? null, cores: availableParallelism(), loadBefore, loadAfter },
        form,
        columns,
        rows,
        ratios,
        tfjsCnn: cnnNote,
      },
      null,
      2,
    ),
  );
} else {
  console.log(
    '\njax-js step time relative to relu (targets on wasm, mlp and gpt: golu <= 1.10, gelu <= 1.15, others <= 1.20):',
  );
  const software = new Set(columns.filter((c) => c.adapter?.software === true).map((c) => c.key));
  for (const [k, v] of Object.entries(ratios)) {
    // Keys read "<model> <column> <activation>/relu (<clock>)"; a software adapter's ratios are shown, not meant.
    const mark = software.has(k.split(' ')[1]) ? '  (software adapter: correctness only)' : '';
    console.log(`  ${k.padEnd(40)} ${v.toFixed(3)}${mark}`);
  }
  console.log(
    `\nload average at the end: ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (${availableParallelism()} cores; above that, wall times are inflated)`,
  );
}
