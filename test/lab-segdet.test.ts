/**
 * mnist-seg and mnist-det: the detector's losses against hand-computed values and finite differences,
 * target encoding and decoding (a perfect prediction scores mAP 1), the segmentation evaluation, the
 * PNG/SVG figures, the `--data` folder formats with their errors, and both tasks' models end to end.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzlibSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeDetections,
  detectionData,
  encodeTargets,
  gaussianRadius,
} from '../src/lab/data/detection-data.js';
import { createRng } from '../src/lab/data/index.js';
import {
  encodePgm,
  loadDetectionFolder,
  loadSegmentationFolder,
  parsePgm,
} from '../src/lab/data/scene-folder.js';
import { argmaxRows } from '../src/lab/data/segmentation-data.js';
import type { ModelAccess } from '../src/lab/data/training-data.js';
import { crc32, encodePng } from '../src/lab/metrics/png.js';
import { evalContext } from '../src/lab/models/types.js';
import { centerNetLoss, heatmapFocalLossSum, stableSoftplus } from '../src/lab/nn/detection-loss.js';
import { type CheckInput, gradientCheck, worstGradientRatio } from '../src/lab/nn/gradcheck.js';
import { initLabRuntime, type JaxArray, np } from '../src/lab/runtime.js';
import { buildTaskModel, getTask, loadTaskData } from '../src/lab/tasks.js';
import { initModel } from '../src/lab/train/trainer.js';
import { tempDir } from './helpers/temp-dir.js';

const rng = createRng(1234);
/** These evaluations judge the outputs they were given; they never run the model. */
const NO_MODEL: ModelAccess = {
  predict: () => Promise.reject(new Error('not used')),
  note: () => {},
};
const rand = () => rng.next();
const f64 = (v: CheckInput): JaxArray => np.array(v.data, { shape: v.shape, dtype: np.float64 });
const dir = tempDir('segdet');

beforeAll(async () => {
  await initLabRuntime();
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('detection losses', () => {
  it('focal loss equals the hand-computed sum; softplus is finite for huge logits', () => {
    const logits = [2, -1, 0.5, -3];
    const target = [1, 0.5, 0, 1];
    let expected = 0;
    logits.forEach((x, i) => {
      const p = sigmoid(x);
      const y = target[i]!;
      expected += y === 1 ? -((1 - p) ** 2) * Math.log(p) : -((1 - y) ** 4) * p ** 2 * Math.log(1 - p);
    });
    const got = heatmapFocalLossSum(
      np.array(new Float64Array(logits), { dtype: np.float64 }),
      np.array(new Float64Array(target), { dtype: np.float64 }),
    ).item() as number;
    // float32-accurate transcendentals on the wasm device (see ARCHITECTURE): relative 1e-4.
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-4);
    const big = stableSoftplus(np.array([1000, -1000, 0])).dataSync();
    expect(big[0]).toBe(1000);
    expect(big[1]).toBe(0);
    expect(big[2]).toBeCloseTo(Math.log(2), 6);
  });

  it('the total loss is (focal + 0.1 size L1 + offset L1) / centres, with finite-difference gradients', () => {
    const classes = 2;
    // One image of 2 x 2 cells; a centre at cell (0, 1) of class 1 with size (3, 2), offset (0.25, 0.5).
    const targets = new Float64Array(2 * 2 * (classes + 5));
    const depth = classes + 5;
    targets.set([0.3, 1, 3, 2, 0.25, 0.5, 1], 1 * depth);
    targets[0 * depth + 1] = 0.6;
    const outputs: CheckInput = {
      data: new Float64Array(2 * 2 * (classes + 4)),
      shape: [1, 2, 2, classes + 4],
    };
    for (let i = 0; i < outputs.data.length; i++) outputs.data[i] = rng.normal();
    const t: CheckInput = { data: targets, shape: [1, 2, 2, depth] };
    const od = classes + 4;
    let focal = 0;
    for (let cell = 0; cell < 4; cell++) {
      for (let c = 0; c < classes; c++) {
        const p = sigmoid(outputs.data[cell * od + c]!);
        const y = targets[cell * depth + c]!;
        focal += y === 1 ? -((1 - p) ** 2) * Math.log(p) : -((1 - y) ** 4) * p ** 2 * Math.log(1 - p);
      }
    }
    const o = outputs.data.subarray(od, 2 * od);
    const sizeL1 = Math.abs(o[2]! - 3) + Math.abs(o[3]! - 2);
    const offsetL1 = Math.abs(o[4]! - 0.25) + Math.abs(o[5]! - 0.5);
    const expected = focal + 0.1 * sizeL1 + offsetL1;
    const got = centerNetLoss(f64(outputs), f64(t), classes).item() as number;
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-4);
    // Transcendentals of the wasm device are float32-accurate even in float64: a wider step and tolerance.
    const checks = gradientCheck(
      (a) => centerNetLoss(a.outputs, f64(t), classes),
      { outputs },
      {
        rand,
        samples: 24,
        eps: 1e-3,
      },
    );
    expect(worstGradientRatio(checks, 2e-3, 1e-4)).toBeLessThanOrEqual(1);
  });
});

describe('detection targets and decoding', () => {
  it("CenterNet's Gaussian radius; a centre of exactly 1 with its size, offset and mask", () => {
    // 4 x 4 cells: r3 = (-11.2 + sqrt(11.2^2 + 4 * 2.8 * 4.8)) / 2.
    expect(gaussianRadius(4, 4)).toBeCloseTo((-11.2 + Math.sqrt(11.2 ** 2 + 4 * 2.8 * 4.8)) / 2, 12);
    const t = encodeTargets([{ x0: 8, y0: 4, x1: 24, y1: 20, label: 3 }], 8, 10, 4);
    const depth = 15;
    const cell = (2 * 8 + 4) * depth; // centre (16, 12) / 4 = (4, 3) -> cell x 4, y 3
    const at = (3 * 8 + 4) * depth;
    expect(at).not.toBe(cell);
    expect(t[at + 3]).toBe(1);
    expect([...t.subarray(at + 10, at + 15)]).toEqual([4, 4, 0, 0, 1]);
    // The Gaussian falls off around the centre (radius 1 for 4 x 4 cells) and is 0 in other classes.
    expect(t[(3 * 8 + 5) * depth + 3]).toBeCloseTo(Math.exp(-1 / (2 * 0.5 ** 2)), 6);
    expect(t[at + 2]).toBe(0);
    let masks = 0;
    for (let i = 0; i < 64; i++) masks += t[i * depth + 14]!;
    expect(masks).toBe(1);
  });

  it('decodes perfect outputs back to the true boxes (mAP 1) and keeps one box per peak', async () => {
    const set = {
      name: 'tiny',
      source: 'test',
      size: 32,
      classNames: ['a', 'b'],
      train: { x: new Float32Array(32 * 32), boxes: [[{ x0: 2, y0: 3, x1: 14, y1: 13, label: 0 }]], n: 1 },
      val: {
        x: new Float32Array(32 * 32),
        boxes: [
          [
            { x0: 2, y0: 3, x1: 14, y1: 13, label: 0 },
            { x0: 17, y0: 16, x1: 30, y1: 31, label: 1 },
          ],
        ],
        n: 1,
      },
      test: { x: new Float32Array(32 * 32), boxes: [[]], n: 1 },
    };
    const data = detectionData(set, 4);
    const target = encodeTargets(set.val.boxes[0]!, 8, 2, 4);
    // Outputs from the targets: logits +-8 where the heatmap is 1 / elsewhere (a neighbour at 0.6 stays
    // below the peak), and the exact size and offset everywhere.
    const outputs = new Float32Array(8 * 8 * 6);
    for (let cell = 0; cell < 64; cell++) {
      for (let c = 0; c < 2; c++) {
        const y = target[cell * 7 + c]!;
        outputs[cell * 6 + c] = y === 1 ? 8 : y > 0 ? Math.log(y / 2 / (1 - y / 2)) : -8;
      }
      outputs.set(target.subarray(cell * 7 + 2, cell * 7 + 6), cell * 6 + 2);
    }
    const boxes = decodeDetections(outputs, 8, 2, 4);
    expect(boxes).toHaveLength(2);
    expect(boxes[0]).toMatchObject({ x0: 2, y0: 3, x1: 14, y1: 13, label: 0 });
    expect(boxes[1]).toMatchObject({ x0: 17, y0: 16, x1: 30, y1: 31, label: 1 });
    const evaluation = data.evaluation!('val');
    const [batch] = [...data.evalBatches('val', 4)];
    evaluation.add(batch!, outputs);
    const result = await evaluation.finish(NO_MODEL);
    expect(result.metrics).toEqual({ map: 1, map50: 1 });
    expect(result.figure).toContain('<svg');
    expect(result.figure!.match(/<image /g)).toHaveLength(2);
    // Training targets have the layout the loss expects.
    const [train] = [...data.trainBatches(0, 1, 0)];
    expect(train!.y).toBeInstanceOf(Float32Array);
    expect(train!.y.length).toBe(8 * 8 * 7);
    expect(data.target!.shape).toEqual([8, 8, 7]);
  });
});

describe('segmentation data and evaluation', () => {
  it('batches hold the masks of their images; perfect outputs give mIoU 1; the figure has 3 images per example', async () => {
    const data = loadTaskData(getTask('mnist-seg'), { limitTrain: 8, limitEval: 6 });
    expect(data.inputShape).toEqual([64, 84, 1]);
    expect(data.outputSize).toBe(11);
    const pixels = 64 * 84;
    for (const batch of data.trainBatches(0, 4, 7)) {
      expect(batch.y.length).toBe(4 * pixels);
      // Mask pixels are digit pixels: every labelled pixel is bright, every bright one labelled.
      for (let i = 0; i < batch.y.length; i++) expect(batch.y[i]! > 0).toBe(batch.x[i]! >= 0.5);
    }
    const evaluation = data.evaluation!('val');
    for (const batch of data.evalBatches('val', 4)) {
      const outputs = new Float32Array(batch.y.length * 11);
      batch.y.forEach((label, i) => {
        outputs[i * 11 + label] = 1;
      });
      evaluation.add(batch, outputs);
    }
    const result = await evaluation.finish(NO_MODEL);
    expect(result.metrics).toEqual({ miou: 1, pixel_accuracy: 1 });
    expect(result.perClass!.iou.classes[0]).toBe('background');
    expect(result.figure!.match(/<image /g)).toHaveLength(12);
    // NaN never wins: a diverged row falls back to class 0, a valid index.
    expect([...argmaxRows(new Float32Array([0, 2, 1, Number.NaN, 0, 0]), 3)]).toEqual([1, 0]);
  });

  it('encodes PNGs with valid chunks and the pixels round-trip', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const png = encodePng(2, 2, rgb);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    const idatLength = view.getUint32(33);
    expect(String.fromCharCode(...png.subarray(37, 41))).toBe('IDAT');
    const raw = unzlibSync(png.subarray(41, 41 + idatLength));
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
    expect(view.getUint32(41 + idatLength)).toBe(crc32(png.subarray(37, 41 + idatLength)));
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

/** Writes a tiny segmentation or detection folder; returns its path. */
function writeFolder(name: string, kind: 'seg' | 'det', size = 8): string {
  const root = join(dir, name);
  for (const split of ['train', 'val', 'test']) {
    mkdirSync(join(root, split, 'images'), { recursive: true });
    if (kind === 'seg') mkdirSync(join(root, split, 'masks'), { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      const image = new Uint8Array(size * size);
      const mask = new Uint8Array(size * size);
      for (let p = 0; p < 4; p++) {
        image[i + p * size] = 255;
        mask[i + p * size] = 1 + (i % 2);
      }
      writeFileSync(join(root, split, 'images', `im${i}.pgm`), encodePgm(size, size, image));
      if (kind === 'seg')
        writeFileSync(join(root, split, 'masks', `im${i}.pgm`), encodePgm(size, size, mask));
      lines.push(
        JSON.stringify({ image: `im${i}.pgm`, boxes: [{ x0: i, y0: 0, x1: i + 1, y1: 4, label: i % 2 }] }),
      );
    }
    if (kind === 'det') writeFileSync(join(root, split, 'boxes.jsonl'), `${lines.join('\n')}\n`);
  }
  return root;
}

describe('--data folders', () => {
  it('reads PGM images with masks (segmentation) and with boxes (detection)', () => {
    const seg = loadSegmentationFolder(writeFolder('seg', 'seg'), { limitEval: 2 });
    expect(seg.height).toBe(8);
    expect(seg.classNames).toEqual(['0', '1', '2']);
    expect(seg.train.n).toBe(3);
    expect(seg.val.n).toBe(2);
    expect(seg.train.x[8]).toBe(1);
    expect(seg.train.mask[8]).toBe(1);
    const det = loadDetectionFolder(writeFolder('det', 'det'));
    expect(det.size).toBe(8);
    expect(det.classNames).toEqual(['0', '1']);
    expect(det.test.boxes[2]).toEqual([{ x0: 2, y0: 0, x1: 3, y1: 4, label: 0 }]);
    expect(parsePgm(new TextEncoder().encode('P2\n# c\n2 1\n9\n0 9\n'), 'a.pgm').values).toEqual(
      new Uint8Array([0, 9]),
    );
  });

  it('names the file and the problem for bad folders', () => {
    const seg = writeFolder('seg-bad', 'seg');
    writeFileSync(join(seg, 'classes.txt'), 'background\nthing\n');
    expect(() => loadSegmentationFolder(seg)).toThrow(
      /masks\/im1\.pgm: pixel 1 has class 2, but classes.txt names 2 classes \(0\.\.1\)/,
    );
    rmSync(join(seg, 'classes.txt'));
    rmSync(join(seg, 'val', 'masks', 'im0.pgm'));
    expect(() => loadSegmentationFolder(seg)).toThrow(/val\/masks\/im0\.pgm: missing mask of .*im0\.pgm/);
    writeFileSync(join(seg, 'val', 'masks', 'im0.pgm'), encodePgm(4, 4, new Uint8Array(16)));
    expect(() => loadSegmentationFolder(seg)).toThrow(/mask size 4 x 4 differs from its image's 8 x 8/);
    writeFileSync(join(seg, 'train', 'images', 'im1.pgm'), encodePgm(12, 8, new Uint8Array(96)));
    expect(() => loadSegmentationFolder(seg)).toThrow(
      /im1\.pgm: size 12 x 8 differs from 8 x 8 of .*im0\.pgm/,
    );
    writeFileSync(join(seg, 'train', 'images', 'im0.pgm'), encodePgm(6, 6, new Uint8Array(36)));
    expect(() => loadSegmentationFolder(seg)).toThrow(/image size 6 x 6 must be divisible by 4/);
    writeFileSync(join(seg, 'train', 'images', 'im0.pgm'), 'P6\n1 1\n255\nabc');
    expect(() => loadSegmentationFolder(seg)).toThrow(
      /im0\.pgm: not a PGM image \(expected magic P5 or P2, found 'P6'\)/,
    );
    writeFileSync(join(seg, 'train', 'images', 'im0.pgm'), 'P5\n8 8\n255\nabc');
    expect(() => loadSegmentationFolder(seg)).toThrow(
      /truncated PGM: 8 x 8 needs 64 bytes of pixels, found 3/,
    );
    expect(() => loadSegmentationFolder(join(dir, 'nothing'))).toThrow(/nothing: missing folder/);

    const det = writeFolder('det-bad', 'det');
    const file = join(det, 'val', 'boxes.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ image: 'im0.pgm', boxes: [{ x0: 5, y0: 0, x1: 9, y1: 4, label: 0 }] })}\n`,
    );
    expect(() => loadDetectionFolder(det)).toThrow(
      /val\/boxes\.jsonl:1: box 0 \[5, 0, 9, 4\] must satisfy 0 <= x0 < x1 <= 8 and 0 <= y0 < y1 <= 8/,
    );
    writeFileSync(file, `${JSON.stringify({ image: 'im0.pgm', boxes: [{ x0: 1, y0: 0, x1: 2, y1: 4 }] })}\n`);
    expect(() => loadDetectionFolder(det)).toThrow(/box 0 needs numbers x0, y0, x1, y1 and label/);
    writeFileSync(file, '{"image": "im0.pgm", "boxes": []}\n');
    expect(() => loadDetectionFolder(det)).toThrow(/val\/boxes\.jsonl: no line for image im1\.pgm/);
    writeFileSync(file, 'not json\n');
    expect(() => loadDetectionFolder(det)).toThrow(/val\/boxes\.jsonl:1: not JSON/);
  });

  it('trains the tasks on a folder through --data', () => {
    const seg = loadTaskData(getTask('mnist-seg'), { dataPath: writeFolder('seg-task', 'seg') });
    expect(seg.description).toMatch(/seg-task .*: 3 train \/ 3 val \/ 3 test, 8x8x1, 3 classes per pixel/);
    const det = loadTaskData(getTask('mnist-det'), { dataPath: writeFolder('det-task', 'det') });
    expect(det.description).toMatch(
      /det-task .*: 3 train \/ 3 val \/ 3 test, 8x8x1, 2 classes, 3 training boxes/,
    );
    expect(det.target!.shape).toEqual([2, 2, 7]);
  });
});

describe('models of the tasks', () => {
  it('the detector maps [B, 64, 64, 1] to [B, 16, 16, 14] with the prior bias; the U-Net to per-pixel logits', () => {
    const detData = loadTaskData(getTask('mnist-det'), { limitTrain: 2, limitEval: 2 });
    const detector = buildTaskModel(getTask('mnist-det'), detData, { name: 'golu' });
    const { params, state } = initModel(detector, 0);
    const [batch] = [...detData.evalBatches('val', 2)];
    const x = np.array(batch!.x as Float32Array, { shape: [2, 64, 64, 1] });
    const { logits } = detector.apply(params, state, x, evalContext);
    expect(logits.shape).toEqual([2, 16, 16, 14]);
    const values = logits.dataSync();
    // Before training every heatmap logit is the head's bias plus a small term: scores near the 0.1 prior.
    let mean = 0;
    for (let i = 0; i < values.length; i += 14) mean += sigmoid(values[i]!);
    expect(mean / (values.length / 14)).toBeGreaterThan(0.02);
    expect(mean / (values.length / 14)).toBeLessThan(0.4);
  });
});
