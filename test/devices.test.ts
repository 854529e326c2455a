/**
 * The lab on WebGPU in Node (Dawn from the optional `webgpu` package), end to end through the CLI in
 * child processes: every task trains a few steps at a tiny size on webgpu and on wasm, and their losses
 * agree within float32 tolerance (the CIFAR tasks need --data; mnist-resnet trains the same ResNet);
 * the run records the device and adapter; `--device webgpu` without an adapter is a clear error that
 * leaves no run folder. Without a GPU, Dawn runs on SwiftShader's Vulkan driver, shipped by Debian's
 * chromium package (apt-get install -y chromium libvulkan1). Where no adapter can be had, the WebGPU
 * tests are skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src/lab/devices/webgpu.js';
import { resolveDevice } from '../src/lab/runtime.js';

const runsDir = mkdtempSync(join(tmpdir(), 'gatelab-devices-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

/** Dawn's environment: the machine's own Vulkan driver if it names one, else SwiftShader's. */
function webgpuEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir() };
  if (env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD))
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return env;
}

/** The CLI in a child process; its caches (mnist-ddpm's FID classifier) stay in this test's folder. */
const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    encoding: 'utf8',
    timeout: 800_000,
    env: { ...env, GATELAB_CACHE: join(runsDir, 'cache') },
  });

/** Probed in a child process, so this test process never loads Dawn. */
function probe(): { available: boolean; reason?: string; adapter?: { name: string } } {
  const script =
    "const m = await import('./src/lab/devices/webgpu.ts'); console.log(JSON.stringify(await m.probeWebGpu()));";
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: webgpuEnv(),
  });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return { available: false, reason: `the probe failed: ${out.stderr.trim().split('\n').pop()}` };
  }
}

const webgpu = probe();
if (!webgpu.available) console.log(`WebGPU tests skipped: ${webgpu.reason}`);
else console.log(`WebGPU tests on: ${webgpu.adapter?.name}`);

/**
 * Losses of a few steps on two devices differ by float32 rounding in different summation orders
 * (measured: ~1e-6 relative after 4 steps); 1e-4 relative leaves room for more steps, and still fails
 * for any real difference in the computation (a wrong kernel moves the loss in the first digits).
 */
const LOSS_TOLERANCE = 1e-4;

interface Summary {
  status: string;
  runtime: { device: string; requested: string; adapter: { name: string; vendor: string } | null };
  val: { loss: number };
  test: { loss: number };
}

function train(
  task: string,
  device: string,
  extra: string[],
  env?: NodeJS.ProcessEnv,
  id = `${task}-${device}`,
): Summary {
  const out = cli(
    [
      'train',
      '--task',
      task,
      '--activation',
      'golu',
      '--device',
      device,
      '--threads',
      '1',
      '--runs-dir',
      runsDir,
      '--run-id',
      id,
      '--json',
      ...extra,
    ],
    env,
  );
  expect(out.status, out.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(runsDir, id, 'summary.json'), 'utf8')) as Summary;
  const config = JSON.parse(readFileSync(join(runsDir, id, 'config.json'), 'utf8'));
  expect(config.runtime.device).toBe(device);
  return summary;
}

const MLP = [
  '--max-steps',
  '3',
  '--limit-train',
  '256',
  '--limit-eval',
  '64',
  '--eval-batch-size',
  '64',
  '--batch-size',
  '64',
];
const GPT = [
  '--max-steps',
  '3',
  '--steps-per-epoch',
  '3',
  '--eval-batches',
  '1',
  '--batch-size',
  '4',
  '--eval-batch-size',
  '4',
  '--model',
  'nLayer=1',
  '--model',
  'nHead=2',
  '--model',
  'nEmbd=32',
  '--model',
  'blockSize=32',
];

/** mnist-seg and mnist-det at a tiny size: the U-Net and the detector (group norm, upsampling, focal loss). */
const SCENE = [
  '--max-steps',
  '2',
  '--limit-train',
  '4',
  '--limit-eval',
  '2',
  '--batch-size',
  '2',
  '--eval-batch-size',
  '2',
  '--model',
  'channels=4,4,4',
  '--model',
  'groups=2',
];
/** A few steps on a few images (the CNN, the ResNet, the ViTs). */
const IMAGES = [
  '--max-steps',
  '3',
  '--limit-train',
  '64',
  '--limit-eval',
  '32',
  '--eval-batch-size',
  '32',
  '--batch-size',
  '16',
];
/** Conv, batch norm, max pooling. */
const CNN = [...IMAGES, '--model', 'channels=4,8'];
/** ResNet-8 with a width change, so the projection shortcuts run too. */
const RESNET = [...IMAGES, '--model', 'depth=8', '--model', 'widths=4,8,8'];
/** The DDPM U-Net: time embedding, group norm, the noise-prediction loss, and a 2-step DDIM sampler. */
const DDPM = [
  '--max-steps',
  '2',
  '--limit-train',
  '32',
  '--limit-eval',
  '16',
  '--batch-size',
  '8',
  '--eval-batch-size',
  '16',
  '--model',
  'channels=4,4',
  '--model',
  'groups=2',
  '--model',
  'samples=4',
  '--model',
  'sampleSteps=2',
];
/** The ViT and the masked LM: bidirectional attention, patches, the masked loss and label count. */
const VIT = [
  ...IMAGES,
  '--model',
  'patchSize=14',
  '--model',
  'depth=1',
  '--model',
  'width=16',
  '--model',
  'heads=2',
];
const MLM = GPT;

describe('training on webgpu matches wasm', () => {
  for (const [task, extra] of [
    ['mnist-mlp', MLP],
    ['fashion-cnn', CNN],
    ['mnist-resnet', RESNET],
    ['text-gpt', GPT],
    ['mnist-vit', VIT],
    ['fashion-vit', VIT],
    ['text-mlm', MLM],
    ['mnist-seg', SCENE],
    ['mnist-det', SCENE],
    ['mnist-ddpm', DDPM],
  ] as const) {
    it.skipIf(!webgpu.available)(
      `${task}: losses after ${extra[extra.indexOf('--max-steps') + 1]} steps agree within ${LOSS_TOLERANCE} (relative)`,
      () => {
        const onWasm = train(task, 'wasm', [...extra]);
        const onGpu = train(task, 'webgpu', [...extra], webgpuEnv());
        expect(onGpu.status).toBe('completed');
        expect(onGpu.runtime.adapter?.name).toBe(webgpu.adapter?.name);
        expect(onWasm.runtime.adapter).toBeNull();
        for (const split of ['val', 'test'] as const) {
          const a = onWasm[split].loss;
          const b = onGpu[split].loss;
          expect(Math.abs(a - b), `${split} loss wasm ${a} vs webgpu ${b}`).toBeLessThanOrEqual(
            LOSS_TOLERANCE * Math.abs(a),
          );
        }
      },
      // SwiftShader compiles every shader on the CPU: minutes on a loaded 2-core machine.
      900_000,
    );
  }
});

describe('gatelab landscape on webgpu matches wasm', () => {
  it.skipIf(!webgpu.available)(
    `loss slice and Hessian power iteration agree within ${LOSS_TOLERANCE} (relative); landscape.json records the device`,
    () => {
      // Its own run id: the agreement test above already made mnist-mlp-wasm.
      const id = 'landscape-mnist-mlp';
      train(
        'mnist-mlp',
        'wasm',
        [...MLP, '--model', 'depth=1', '--model', 'width=32', '--save-weights'],
        undefined,
        id,
      );
      const run = join(runsDir, id);
      const landscape = (device: string, env?: NodeJS.ProcessEnv) => {
        const args = ['landscape', run, '--grid', '0', '--points', '3', '--examples', '128'];
        const out = cli(
          [...args, '--hessian-examples', '64', '--iterations', '3', '--device', device, '--overwrite'],
          env,
        );
        expect(out.status, out.stderr).toBe(0);
        expect(out.stderr).toContain(`device: ${device}`);
        return JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8'));
      };
      const onWasm = landscape('wasm');
      const onGpu = landscape('webgpu', webgpuEnv());
      expect(onWasm.runtime.device).toBe('wasm');
      expect(onGpu.runtime).toMatchObject({ device: 'webgpu', adapter: { name: webgpu.adapter?.name } });
      const pairs: [string, number, number][] = [
        ['center loss', onWasm.centerLoss, onGpu.centerLoss],
        ...onWasm.line.losses.map((l: number, i: number): [string, number, number] => [
          `line loss ${i}`,
          l,
          onGpu.line.losses[i],
        ]),
        ...onWasm.hessian.history.map((l: number, i: number): [string, number, number] => [
          `power iteration ${i}`,
          l,
          onGpu.hessian.history[i],
        ]),
      ];
      for (const [what, a, b] of pairs) {
        expect(Math.abs(a - b), `${what}: wasm ${a} vs webgpu ${b}`).toBeLessThanOrEqual(
          LOSS_TOLERANCE * Math.abs(a),
        );
      }
    },
    900_000,
  );
});

describe('device choice', () => {
  it('--device webgpu without an adapter names what is missing and writes no run folder', () => {
    const dir = join(runsDir, 'none');
    const env = {
      ...process.env,
      VK_ICD_FILENAMES: join(runsDir, 'no-such-driver.json'),
      XDG_RUNTIME_DIR: tmpdir(),
    };
    const out = cli(
      ['train', '--task', 'mnist-mlp', '--device', 'webgpu', '--runs-dir', dir, '--max-steps', '1'],
      env,
    );
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /gatelab: device 'webgpu' is not available: no WebGPU adapter: Dawn found no usable GPU driver/,
    );
    expect(out.stderr.match(/gatelab:/g)).toHaveLength(1);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('auto without an adapter trains on wasm and says why in one line', () => {
    const env = {
      ...process.env,
      VK_ICD_FILENAMES: join(runsDir, 'no-such-driver.json'),
      XDG_RUNTIME_DIR: tmpdir(),
    };
    const out = cli(
      [
        'train',
        '--task',
        'mnist-mlp',
        '--runs-dir',
        runsDir,
        '--run-id',
        'auto',
        '--progress',
        'lines',
        ...MLP.slice(0, 2),
        '--limit-train',
        '128',
        '--limit-eval',
        '64',
        '--eval-batch-size',
        '64',
      ],
      env,
    );
    expect(out.status, out.stderr).toBe(0);
    const lines = `${out.stdout}${out.stderr}`.split('\n').filter((l) => l.startsWith('device: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^device: wasm, \d+ threads? \(auto: wasm, since no WebGPU adapter/);
    const summary = JSON.parse(readFileSync(join(runsDir, 'auto', 'summary.json'), 'utf8')) as Summary;
    expect(summary.runtime).toMatchObject({ device: 'wasm', requested: 'auto', adapter: null });
  });

  it('rejects an unknown device with the valid ones', async () => {
    await expect(resolveDevice('tpu' as never)).rejects.toThrow(
      "device must be one of auto, wasm, webgpu, cpu, got 'tpu'",
    );
    const out = cli(['train', '--task', 'mnist-mlp', '--device', 'tpu']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("--device (device) must be one of auto, wasm, webgpu, cpu, got 'tpu'");
  });
});
