/**
 * Browser page for the gatelab/tfjs GPU tests (bundled by harness.ts). Exposes `globalThis.gatelabTfjs`:
 * `probe(backend)` says whether tfjs can use a backend here (and why not), `run(backend)` evaluates every
 * activation's forward and gradient kernels on TEST_INPUTS and returns plain arrays.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { registry } from '../../src/activations/index.js';
import {
  activationId,
  applyActivation,
  initWasmKernels,
  layers,
  registerActivations,
  wasmKernelPath,
} from '../../src/adapters/tfjs/index.js';
import { paramSetsFor, regressionTask, TEST_INPUTS } from '../adapter-tfjs-fixtures.js';

export interface BackendProbe {
  backend: string;
  available: boolean;
  /** Why the backend is unavailable, or a description of what runs it. */
  detail: string;
  /** wasm only: which gatelab kernels the tfjs wasm backend runs ('fast' SIMD zero-copy or 'exact'). */
  wasmPath?: 'fast' | 'exact';
}

export interface KernelResult {
  name: string;
  params: Record<string, number>;
  forward: number[];
  gradient: number[];
}

export interface TrainingResult {
  activation: string;
  lossBefore: number;
  lossAfter: number;
}

export interface GatelabTfjsPage {
  probe(backend: string): Promise<BackendProbe>;
  run(backend: string): Promise<KernelResult[]>;
  /** Trains a small dense model (matMul -> activation, so GPU inputs arrive packed/tiled) per activation. */
  train(backend: string, activations: string[], steps: number): Promise<TrainingResult[]>;
}

registerActivations(tf);
// The test server serves tfjs-backend-wasm's binaries under this path (see adapter-tfjs-browser.test.ts).
setWasmPaths('/tfjs-wasm/');

async function describeWebGpu(): Promise<{ ok: boolean; detail: string }> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined)
    return { ok: false, detail: 'navigator.gpu is undefined (WebGPU not exposed by this browser)' };
  const adapter = (await gpu.requestAdapter()) as {
    info?: { vendor?: string; architecture?: string };
  } | null;
  if (adapter === null)
    return { ok: false, detail: 'navigator.gpu.requestAdapter() returned null (no WebGPU adapter)' };
  return {
    ok: true,
    detail: `WebGPU adapter ${adapter.info?.vendor ?? '?'}/${adapter.info?.architecture ?? '?'}`,
  };
}

function describeWebGl(): { ok: boolean; detail: string } {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl === null)
    return { ok: false, detail: 'canvas.getContext("webgl2") returned null (no WebGL2 context)' };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer =
    info === null ? gl.getParameter(gl.RENDERER) : gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  return { ok: true, detail: `WebGL2 renderer ${renderer}` };
}

const page: Omit<GatelabTfjsPage, 'train'> & Partial<Pick<GatelabTfjsPage, 'train'>> = {
  async probe(backend) {
    // The SIMD kernel module is too large for synchronous compilation on a browser's main thread.
    const simd = backend === 'wasm' ? await initWasmKernels() : false;
    const context =
      backend === 'webgpu' ? await describeWebGpu() : backend === 'webgl' ? describeWebGl() : undefined;
    if (context !== undefined && !context.ok) return { backend, available: false, detail: context.detail };
    let selected = false;
    try {
      selected = await tf.setBackend(backend);
      await tf.ready();
    } catch (error) {
      return {
        backend,
        available: false,
        detail: `tf.setBackend('${backend}') threw: ${(error as Error).message}`,
      };
    }
    if (!selected || tf.getBackend() !== backend) {
      return {
        backend,
        available: false,
        detail: `tf.setBackend('${backend}') failed (see the page console)`,
      };
    }
    const float32 = backend === 'webgl' ? tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') : true;
    if (!float32)
      return { backend, available: false, detail: 'WebGL cannot render to float32 textures here' };
    if (backend === 'wasm') {
      const path = wasmKernelPath(tf.backend());
      return {
        backend,
        available: true,
        detail: `tfjs wasm backend, gatelab ${path} kernels (SIMD module ${simd ? 'compiled' : 'unavailable'})`,
        wasmPath: path,
      };
    }
    return { backend, available: true, detail: context?.detail ?? backend };
  },

  async run(backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
    await tf.ready();
    const results: KernelResult[] = [];
    for (const spec of registry) {
      for (const params of paramSetsFor(spec.name)) {
        const x = tf.tensor1d(TEST_INPUTS as number[], 'float32');
        const forward = applyActivation(spec.name, x, params);
        const gradient = tf.grad((t: tf.Tensor) => applyActivation(spec.name, t, params))(x);
        results.push({
          name: spec.name,
          params: { ...params },
          forward: Array.from(await forward.data()),
          gradient: Array.from(await gradient.data()),
        });
        tf.dispose([x, forward, gradient]);
      }
    }
    return results;
  },
};

/** The shared regression task (test/adapter-tfjs-fixtures.ts) as tensors. */
function task(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const { inputs, targets } = regressionTask();
  return { xs: tf.tensor2d(inputs), ys: tf.tensor2d(targets) };
}

page.train = async (backend, activations, steps) => {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
  await tf.ready();
  const { xs, ys } = task();
  const results: TrainingResult[] = [];
  for (const name of activations) {
    const model = tf.sequential();
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    if (name === 'learnableGolu') {
      model.add(tf.layers.dense({ units: 16, inputShape: [2], kernelInitializer: init(1) }));
      model.add(layers.learnableGolu({ perChannel: true }));
    } else {
      const activation = activationId(name) as never;
      model.add(tf.layers.dense({ units: 16, inputShape: [2], activation, kernelInitializer: init(1) }));
    }
    model.add(tf.layers.dense({ units: 1, kernelInitializer: init(2) }));
    // A plain optimizer loop: model.fit reads the loss back every step, a GPU sync that costs ~0.3 s
    // per step on SwiftShader's WebGPU; here only the two losses are read.
    const optimizer = tf.train.adam(0.05);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = () => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar;
    const lossBefore = (await tf.tidy(loss).data())[0];
    for (let step = 0; step < steps; step++) {
      tf.tidy(() => {
        optimizer.minimize(loss, false, variables);
      });
    }
    const lossAfter = (await tf.tidy(loss).data())[0];
    optimizer.dispose();
    results.push({ activation: name, lossBefore, lossAfter });
    model.dispose();
  }
  tf.dispose([xs, ys]);
  return results;
};

(globalThis as unknown as { gatelabTfjs: GatelabTfjsPage }).gatelabTfjs = page as GatelabTfjsPage;
