/**
 * `npm run bench:train`: training-step throughput (forward + backward + AdamW update, loss read back)
 * of the lab's models on jax-js (wasm device, jit-compiled step) for relu vs golu vs gelu, side by side
 * with TensorFlow.js 4.22 on its wasm backend running the same model and batch in the same process.
 *
 *   mlp: 784-[512 LN act]x2-10, batch 128    cnn: fashion-cnn (conv 32, 64), batch 64
 *   gpt: text-gpt's model (2 layers, 4 heads, width 64, context 64, vocab 89 = Moby-Dick), batch 32
 *   vit: mnist-vit / fashion-vit's ViT (patch 7, 4 blocks x 4 heads, width 64), batch 128
 *   mlm: text-mlm's encoder (2 layers, 4 heads, width 64, context 64, vocab 89 + [MASK]), batch 32,
 *        loss on the ~15 % selected positions
 *   babygpt: text-gpt --model preset=babygpt (6 layers, 6 heads, width 384, context 256), batch 4
 *            (the preset's batch 16 needs more than the wasm device's 4 GiB memory)
 *   (vit, mlm and babygpt run on jax-js only; not part of the default --models)
 *
 * Inputs are seeded random data of the real shapes (throughput does not depend on the values).
 * Flags: --models mlp,cnn,gpt  --activations relu,golu,gelu  --seconds 4 (timing budget per cell)
 *        --no-tfjs  --json
 * Nothing here asserts a time; it prints what it measured.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerActivations, applyActivation as tfActivation } from '../src/adapters/tfjs/index.js';
import { createRng } from '../src/lab/data/index.js';
import { cnn, gpt, type Model, mlm, mlp, vit } from '../src/lab/models/index.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { initLabRuntime, np } from '../src/lab/runtime.js';
import { compileSteps } from '../src/lab/train/step.js';
import { initModel } from '../src/lab/train/trainer.js';

type ModelName = 'mlp' | 'cnn' | 'gpt' | 'vit' | 'mlm' | 'babygpt';
/** Models with a TensorFlow.js twin in this file. */
const TFJS_MODELS = new Set<ModelName>(['mlp', 'cnn', 'gpt']);

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const modelNames = value('models', 'mlp,cnn,gpt').split(',') as ModelName[];
const activations = value('activations', 'relu,golu,gelu').split(',');
const budgetMs = Number(value('seconds', '4')) * 1000;
const withTfjs = !flag('no-tfjs');
const VOCAB = 89;

interface Spec {
  batch: number;
  /** Labels of -1 carry no loss (masked language model). */
  masked?: boolean;
  build(activation: string): Model;
  makeBatch(rng: ReturnType<typeof createRng>): {
    x: Float32Array | Int32Array;
    y: Int32Array;
    xShape: number[];
    int: boolean;
  };
}

const SPECS: Record<ModelName, Spec> = {
  mlp: {
    batch: 128,
    build: (a) =>
      mlp({ inputShape: [28, 28, 1], numClasses: 10, activation: { name: a }, depth: 2, width: 512 }),
    makeBatch: (rng) => ({
      x: Float32Array.from({ length: 128 * 784 }, () => rng.next()),
      y: Int32Array.from({ length: 128 }, () => rng.int(10)),
      xShape: [128, 28, 28, 1],
      int: false,
    }),
  },
  cnn: {
    batch: 64,
    build: (a) =>
      cnn({ inputShape: [28, 28, 1], numClasses: 10, activation: { name: a }, channels: [32, 64] }),
    makeBatch: (rng) => ({
      x: Float32Array.from({ length: 64 * 784 }, () => rng.next()),
      y: Int32Array.from({ length: 64 }, () => rng.int(10)),
      xShape: [64, 28, 28, 1],
      int: false,
    }),
  },
  gpt: {
    batch: 32,
    build: (a) =>
      gpt({ vocabSize: VOCAB, activation: { name: a }, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64 }),
    makeBatch: (rng) => ({
      x: Int32Array.from({ length: 32 * 64 }, () => rng.int(VOCAB)),
      y: Int32Array.from({ length: 32 * 64 }, () => rng.int(VOCAB)),
      xShape: [32, 64],
      int: true,
    }),
  },
  vit: {
    batch: 128,
    build: (a) => vit({ inputShape: [28, 28, 1], numClasses: 10, activation: { name: a } }),
    makeBatch: (rng) => ({
      x: Float32Array.from({ length: 128 * 784 }, () => rng.next()),
      y: Int32Array.from({ length: 128 }, () => rng.int(10)),
      xShape: [128, 28, 28, 1],
      int: false,
    }),
  },
  mlm: {
    batch: 32,
    masked: true,
    build: (a) =>
      mlm({ vocabSize: VOCAB, activation: { name: a }, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64 }),
    makeBatch: (rng) => ({
      x: Int32Array.from({ length: 32 * 64 }, () => rng.int(VOCAB + 1)),
      y: Int32Array.from({ length: 32 * 64 }, () => (rng.next() < 0.15 ? rng.int(VOCAB) : -1)),
      xShape: [32, 64],
      int: true,
    }),
  },
  babygpt: {
    batch: 4,
    build: (a) =>
      gpt({
        vocabSize: VOCAB,
        activation: { name: a },
        blockSize: 256,
        nLayer: 6,
        nHead: 6,
        nEmbd: 384,
        dropout: 0.2,
      }),
    makeBatch: (rng) => ({
      x: Int32Array.from({ length: 4 * 256 }, () => rng.int(VOCAB)),
      y: Int32Array.from({ length: 4 * 256 }, () => rng.int(VOCAB)),
      xShape: [4, 256],
      int: true,
    }),
  },
};

interface Timing {
  /** Median wall-clock milliseconds per step. */
  ms: number;
  /** Median process CPU milliseconds per step (robust when other processes share the cores). */
  cpuMs: number;
  steps: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Medians of per-step wall and CPU times after warm-up, within the time budget (at least 5 steps). */
function timeSteps(step: () => void, warmup: number, minSteps = 5): Timing {
  for (let i = 0; i < warmup; i++) step();
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

function benchJax(name: ModelName, activation: string): Timing {
  const spec = SPECS[name];
  const model = spec.build(activation);
  const opt = adamw();
  const { params, state: modelState } = initModel(model, 0);
  let state = { params, optState: opt.init(params), modelState };
  const steps = compileSteps(model, opt, null, spec.masked === true);
  const data = spec.makeBatch(createRng(1));
  let t = 0;
  // babyGPT steps take seconds here: fewer warm-up and timed steps.
  const heavy = name === 'babygpt';
  const result = timeSteps(
    () => {
      t++;
      const x = data.int
        ? np.array(data.x as Int32Array, { shape: data.xShape, dtype: np.int32 })
        : np.array(data.x as Float32Array, { shape: data.xShape });
      const y = np.array(data.y, { dtype: np.int32 });
      const scalars = Object.fromEntries(
        Object.entries(opt.scalars(t, 1e-3)).map(([k, v]) => [k, np.array(v)]),
      );
      const out = steps.train(state, x, y, np.zeros([2], { dtype: np.uint32 }), scalars);
      state = out.state;
      const loss = out.loss.item();
      if (!Number.isFinite(loss)) throw new Error(`jax ${name} ${activation}: loss ${loss}`);
    },
    heavy ? 1 : 3,
    heavy ? 3 : 5,
  );
  steps.dispose();
  return result;
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

function benchTf(name: ModelName, activation: string): Timing {
  const spec = SPECS[name];
  const { vars, loss } = name === 'mlp' ? tfMlp(activation) : tfGpt(activation);
  const optimizer = tf.train.adam(1e-3);
  const data = spec.makeBatch(createRng(1));
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

interface Row {
  model: ModelName;
  batch: number;
  activation: string;
  jaxMs: number;
  jaxCpuMs: number;
  jaxStepsPerSecond: number;
  tfjsMs: number | null;
  tfjsCpuMs: number | null;
  tfjsNote: string;
  speedup: number | null;
}

await initLabRuntime();
if (withTfjs) {
  await tf.setBackend('wasm');
  await tf.ready();
  registerActivations(tf);
}
const rows: Row[] = [];
const cnnNote = withTfjs && modelNames.includes('cnn') ? tfCnnAttempt() : '';
for (const name of modelNames) {
  for (const activation of activations) {
    const jax = benchJax(name, activation);
    let tfMs: number | null = null;
    let tfCpu: number | null = null;
    let note = withTfjs ? '' : 'skipped (--no-tfjs)';
    if (withTfjs && !TFJS_MODELS.has(name)) {
      note = 'no TensorFlow.js twin in this benchmark';
    } else if (withTfjs && name === 'cnn') {
      note = cnnNote === 'ok' ? 'conv gradient ran; timing not implemented' : `cannot train: ${cnnNote}`;
    } else if (withTfjs) {
      const t = benchTf(name, activation);
      tfMs = t.ms;
      tfCpu = t.cpuMs;
    }
    const row: Row = {
      model: name,
      batch: SPECS[name].batch,
      activation,
      jaxMs: jax.ms,
      jaxCpuMs: jax.cpuMs,
      jaxStepsPerSecond: 1000 / jax.ms,
      tfjsMs: tfMs,
      tfjsCpuMs: tfCpu,
      tfjsNote: note,
      speedup: tfMs === null ? null : tfMs / jax.ms,
    };
    rows.push(row);
    if (!flag('json')) {
      const tfText =
        tfMs === null
          ? note
          : `${tfMs.toFixed(1)} ms (cpu ${tfCpu!.toFixed(1)}, ${(1000 / tfMs).toFixed(2)}/s); jax-js ${row.speedup!.toFixed(1)}x faster`;
      console.log(
        `${name.padEnd(4)} b${String(row.batch).padEnd(4)} ${activation.padEnd(5)} jax-js ${jax.ms.toFixed(1).padStart(7)} ms/step (cpu ${jax.cpuMs.toFixed(1)}, ${row.jaxStepsPerSecond.toFixed(1)} steps/s, ${jax.steps} timed) | tfjs-wasm ${tfText}`,
      );
    }
  }
}
const ratios: Record<string, number> = {};
for (const name of modelNames) {
  const relu = rows.find((r) => r.model === name && r.activation === 'relu');
  for (const r of rows.filter((x) => x.model === name && x.activation !== 'relu')) {
    if (relu) {
      ratios[`${name} ${r.activation}/relu (wall)`] = r.jaxMs / relu.jaxMs;
      ratios[`${name} ${r.activation}/relu (cpu)`] = r.jaxCpuMs / relu.jaxCpuMs;
    }
  }
}
if (flag('json')) {
  console.log(JSON.stringify({ rows, ratios, tfjsCnn: cnnNote }, null, 2));
} else {
  console.log('\njax-js step time relative to relu (target golu <= 1.10 for mlp and gpt):');
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(26)} ${v.toFixed(3)}`);
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 cores; wall times above ~1 are inflated)`,
  );
}
