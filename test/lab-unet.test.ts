/**
 * The segmentation U-Net: output layout (one logit row per pixel), errors that name the option, and a
 * few jitted AdamW steps on real segmentation canvases lowering the per-pixel loss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentationCanvases } from '../src/lab/data/canvas.js';
import { classFrequencies } from '../src/lab/data/segmentation-data.js';
import { unet } from '../src/lab/models/index.js';
import { evalContext } from '../src/lab/models/types.js';
import { fromPatches, priorLogits, toPatches } from '../src/lab/models/unet.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { initLabRuntime, np, tree } from '../src/lab/runtime.js';
import { compileSteps } from '../src/lab/train/step.js';
import { initModel } from '../src/lab/train/trainer.js';

beforeAll(async () => {
  await initLabRuntime();
});

describe('unet', () => {
  it('gives [B*H*W, classes] logits and names bad options', () => {
    const model = unet({
      inputShape: [8, 12, 1],
      numClasses: 3,
      activation: { name: 'golu' },
      channels: [4, 4, 8],
    });
    const { params, state } = initModel(model, 1);
    const out = model.apply(params, state, np.zeros([2, 8, 12, 1]), evalContext);
    expect(out.logits.shape).toEqual([2 * 8 * 12, 3]);
    out.logits.dispose();
    expect(() => unet({ inputShape: [10, 12, 1], numClasses: 3, activation: { name: 'relu' } })).toThrow(
      'unet input height and width must be divisible by 4, got 10x12',
    );
    expect(() =>
      unet({ inputShape: [8, 8, 1], numClasses: 3, activation: { name: 'relu' }, channels: [6, 8, 8] }),
    ).toThrow('unet channels must be divisible by groups = 4, got 6');
  });

  it('patch: p x p pixel blocks become channels and the head channels become pixels again, losslessly', () => {
    // [1, 3, 5, 2] with value 100 h + 10 w + c, zero-padded to 4 x 8 and folded in 2 x 2 blocks.
    const values = Array.from({ length: 3 * 5 * 2 }, (_, i) => {
      const [h, w, c] = [Math.floor(i / 10), Math.floor(i / 2) % 5, i % 2];
      return 100 * h + 10 * w + c;
    });
    const x = np.array(Float32Array.from(values), { shape: [1, 3, 5, 2] });
    const patches = toPatches(x.ref, 2, 4, 8);
    expect(patches.shape).toEqual([1, 2, 4, 8]);
    const grid = patches.ref.js() as number[][][][];
    // Position (i, j), channel (a * 2 + b) * C + c holds pixel (2i + a, 2j + b), channel c; padding is 0.
    expect(grid[0]![1]![2]!.slice(0, 4)).toEqual([100 * 2 + 10 * 4, 100 * 2 + 10 * 4 + 1, 0, 0]);
    expect(grid[0]![1]![2]!.slice(4)).toEqual([0, 0, 0, 0]);
    expect(grid[0]![0]![1]!).toEqual([20, 21, 30, 31, 120, 121, 130, 131]);
    const back = fromPatches(patches, 2, 3, 5);
    expect(back.js()).toEqual(x.js());
  });

  it('with patch = 2 the stages run at half resolution and every pixel still gets its logits', () => {
    const model = unet({
      inputShape: [12, 20, 1],
      numClasses: 3,
      activation: { name: 'golu' },
      channels: [4, 4, 8],
      patch: 2,
    });
    expect(model.description).toContain('in 2x2 patches (stages at 8x12)');
    const { params, state } = initModel(model, 1);
    const out = model.apply(params, state, np.zeros([2, 12, 20, 1]), evalContext);
    expect(out.logits.shape).toEqual([2 * 12 * 20, 3]);
    out.logits.dispose();
    expect(() =>
      unet({ inputShape: [8, 8, 1], numClasses: 3, activation: { name: 'relu' }, patch: 1.5 }),
    ).toThrow('unet patch');
  });

  it.each([1, 2])(
    'a few AdamW steps on real canvases lower the per-pixel cross-entropy (patch %i)',
    (patch) => {
      const data = segmentationCanvases({
        sizes: { train: 8, val: 1, test: 1 },
        height: 32,
        width: 56,
        maxDigits: 2,
      });
      const model = unet({
        inputShape: [data.height, data.width, 1],
        numClasses: data.numClasses,
        activation: { name: 'golu' },
        channels: [4, 8, 8],
        patch,
      });
      const { params, state: modelState } = initModel(model, 2);
      const opt = adamw({ weightDecay: 0 });
      let state = { params, optState: opt.init(params), modelState };
      const steps = compileSteps(model, opt, null);
      const x = () =>
        np.array(data.train.x.subarray(0, 4 * data.height * data.width), {
          shape: [4, data.height, data.width, 1],
        });
      const y = () =>
        np.array(Int32Array.from(data.train.mask.subarray(0, 4 * data.height * data.width)), {
          shape: [4, data.height, data.width],
          dtype: np.int32,
        });
      const losses: number[] = [];
      for (let i = 0; i < 16; i++) {
        const scalars = Object.fromEntries(
          Object.entries(opt.scalars(i + 1, 0.03)).map(([k, v]) => [k, np.array(v)]),
        );
        const out = steps.train(state, x(), y(), np.zeros([2], { dtype: np.uint32 }), scalars);
        state = out.state;
        losses.push(out.loss.item());
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[15]!, JSON.stringify(losses)).toBeLessThan(0.7 * losses[0]!);
      tree.dispose(state as never);
      steps.dispose();
    },
  );

  it.each([1, 2])(
    'starts from the class prior: the first softmax of every pixel is the training frequencies (patch %i)',
    (patch) => {
      const mask = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 2]);
      const prior = classFrequencies(mask, 4);
      expect(prior).toEqual([0.75, 0.125, 0.125, 0]);
      // An absent class gets the floor, not log 0.
      expect(Array.from(priorLogits(prior))[3]).toBeCloseTo(Math.log(1e-4), 5);
      const model = unet({
        inputShape: [8, 8, 1],
        numClasses: 4,
        activation: { name: 'relu' },
        channels: [4, 4, 4],
        classPrior: prior,
        patch,
      });
      const { params, state } = initModel(model, 3);
      // Zero input: GroupNorm of a constant is 0, so the logits are the head's biases alone.
      const out = model.apply(params, state, np.zeros([1, 8, 8, 1]), evalContext);
      const rows = out.logits.js() as number[][]; // consumes the logits
      expect(rows.length).toBe(64);
      const total = 1 + 1e-4;
      for (const logits of rows) {
        const e = logits.map(Math.exp);
        const sum = e.reduce((a, b) => a + b, 0);
        expect(e[0]! / sum).toBeCloseTo(0.75 / total, 6);
        expect(e[1]! / sum).toBeCloseTo(0.125 / total, 6);
        expect(e[2]! / sum).toBeCloseTo(0.125 / total, 6);
        expect(e[3]! / sum).toBeCloseTo(1e-4 / total, 7);
      }
      expect(() =>
        unet({ inputShape: [8, 8, 1], numClasses: 3, activation: { name: 'relu' }, classPrior: [0.5, 0.5] }),
      ).toThrow('unet classPrior must have one frequency per class (3), got 2');
    },
  );
});
