/**
 * Training worker: starts jax-js (WebGPU when asked for and offered, else WebAssembly), loads the
 * preset's data, builds one BrowserRun per activation x seed and steps them round-robin, posting every
 * step, evaluation and finished run to the page. Pause/resume/stop arrive between steps.
 */
import { type Device, defaultDevice } from '@jax-js/jax';
import { initJax } from '../../adapters/jax/index.js';
import { loadPresetData } from '../training/data.js';
import { PRESET_SPECS } from '../training/presets.js';
import type { FromWorker, ToWorker, TrainSetup } from '../training/protocol.js';
import { BrowserRun } from '../training/session.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
};
const post = (message: FromWorker) => scope.postMessage(message);

let paused = false;
let stopping = false;
let wake: (() => void) | null = null;

/** Lets pending messages (pause, stop) run, and waits while paused. */
async function checkpoint(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (paused && !stopping) await new Promise<void>((resolve) => (wake = resolve));
}

async function webgpuReason(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'this browser does not expose WebGPU (navigator.gpu is undefined)';
  return (await gpu.requestAdapter()) === null
    ? 'the browser offers no WebGPU adapter'
    : 'jax-js did not start its WebGPU device';
}

async function startDevice(
  choice: TrainSetup['device'],
): Promise<{ device: Device; started: string[]; note: string }> {
  const wanted: Device[] = choice === 'wasm' ? ['wasm'] : ['webgpu', 'wasm'];
  const started = await initJax({ devices: wanted });
  let device: Device = 'wasm';
  let note = '';
  if (choice !== 'wasm') {
    if (started.includes('webgpu')) device = 'webgpu';
    else if (choice === 'webgpu')
      throw new Error(`WebGPU was requested but is unavailable: ${await webgpuReason()}`);
    else note = `WebGPU unavailable (${await webgpuReason()}); training on WebAssembly`;
  }
  defaultDevice(device);
  return { device, started, note };
}

async function run(setup: TrainSetup): Promise<void> {
  const t0 = performance.now();
  const preset = PRESET_SPECS[setup.preset];
  const { device, started, note } = await startDevice(setup.device);
  const data = await loadPresetData(preset, setup.dataUrl, 64);
  const runs: BrowserRun[] = [];
  for (const choice of setup.activations) {
    for (const seed of setup.seeds)
      runs.push(new BrowserRun(runs.length, choice, seed, setup, preset, data, device));
  }
  post({
    type: 'ready',
    device,
    started,
    note,
    runs: runs.map((r) => r.info),
    totalSteps: runs[0]?.totalSteps ?? 0,
    model: runs[0]?.model.description ?? '',
    data: data.description,
    kind: data.kind,
  });
  let doneSteps = 0;
  const finish = async (r: BrowserRun) => {
    const { files, summary } = await r.finish(stopping);
    if (summary.test)
      post({
        type: 'eval',
        run: r.info.index,
        step: r.step,
        split: 'test',
        loss: summary.test.loss,
        accuracy: summary.test.accuracy,
      });
    post({ type: 'run-done', run: r.info.index, files, summary });
  };
  while (runs.some((r) => !r.finished)) {
    for (const r of runs) {
      if (r.finished) continue;
      await checkpoint();
      if (stopping) break;
      const loss = await r.trainStep();
      doneSteps++;
      const elapsed = (performance.now() - t0) / 1000;
      post({
        type: 'step',
        run: r.info.index,
        step: r.step,
        loss,
        msPerStep: r.msPerStep,
        stepsPerSecond: doneSteps / elapsed,
        doneSteps,
      });
      if (!r.finished && r.atEvaluation) {
        const val = await r.evaluate('val');
        post({
          type: 'eval',
          run: r.info.index,
          step: r.step,
          split: 'val',
          loss: val.loss,
          accuracy: val.accuracy,
        });
      }
      if (r.finished || r.step >= r.totalSteps) await finish(r);
    }
    if (stopping) {
      post({ type: 'state', state: 'stopping' });
      for (const r of runs) if (!r.finished) await finish(r);
    }
  }
  post({ type: 'done', wallSeconds: (performance.now() - t0) / 1000, stopped: stopping });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    run(message.setup).catch((error: Error) => post({ type: 'error', message: error.message }));
  } else if (message.type === 'pause') {
    paused = true;
    post({ type: 'state', state: 'paused' });
  } else if (message.type === 'resume') {
    paused = false;
    wake?.();
    post({ type: 'state', state: 'running' });
  } else if (message.type === 'stop') {
    stopping = true;
    wake?.();
  }
};
