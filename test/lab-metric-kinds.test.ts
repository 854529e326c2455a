/**
 * The metric-kind mechanism: a task's own evaluation (named metrics, per-class values, a figure) flows
 * from the trainer into EvalResult, the verdict ranks by the kind's metric, compare's table and the
 * LR table show it, run folders record it (read back with the figure), and `sweep merge` can rank by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupOutcomes, judgeComparison, type RunOutcome, verdictGroups } from '../src/lab/compare/stats.js';
import { formatCompareTable } from '../src/lab/compare/table.js';
import type { HostBatch, TaskEvaluation, TrainingData } from '../src/lab/data/training-data.js';
import {
  formatMetric,
  inferMetricKind,
  METRIC_KIND_NAMES,
  METRIC_KINDS,
  metricSpec,
  metricValue,
} from '../src/lab/metrics/kinds.js';
import { mlp } from '../src/lab/models/index.js';
import type { Model } from '../src/lab/models/types.js';
import { adamw } from '../src/lab/optim/adamw.js';
import { parseRunFolder } from '../src/lab/runs/read.js';
import { figurePath } from '../src/lab/runs/run-folder.js';
import { initLabRuntime, np } from '../src/lab/runtime.js';
import { METRICS } from '../src/lab/sweep/file.js';
import { metricFor } from '../src/lab/sweep/merge.js';
import { getTask, loadTaskData } from '../src/lab/tasks.js';
import type { RunSummary } from '../src/lab/train/run.js';
import { type TrainOptions, train } from '../src/lab/train/trainer.js';

let base: TrainingData;

beforeAll(async () => {
  await initLabRuntime();
  base = loadTaskData(getTask('mnist-mlp'), { limitTrain: 128, limitEval: 64 });
});
afterAll(() => {});

const options: TrainOptions = {
  seed: 1,
  epochs: 1,
  batchSize: 64,
  lr: 1e-3,
  schedule: { kind: 'constant' },
  clipNorm: null,
  maxSteps: null,
  evalBatchSize: 32,
  logEvery: 1,
};

/** Counts what it was fed; its "metric" is the fraction of rows whose arg-max is class 0. */
function countingEvaluation(seen: { rows: number; outputs: number }[]): TaskEvaluation {
  let rows = 0;
  let zeros = 0;
  return {
    add(batch: HostBatch, outputs: Float32Array) {
      seen.push({ rows: batch.rows, outputs: outputs.length });
      for (let r = 0; r < batch.rows; r++) {
        const row = outputs.subarray(r * 10, r * 10 + 10);
        if (row.indexOf(Math.max(...row)) === 0) zeros++;
      }
      rows += batch.rows;
    },
    finish: () => ({
      metrics: { miou: zeros / rows, pixel_accuracy: 0.5 },
      perClass: { iou: { classes: ['a', 'b'], values: [0.25, 0.75] } },
      figure: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    }),
  };
}

describe('the vocabulary', () => {
  it('names a ranking and a display metric for every kind, with known task-metric keys', () => {
    for (const kind of METRIC_KIND_NAMES) {
      const spec = METRIC_KINDS[kind];
      expect(metricSpec(spec.rank.key)).toBe(spec.rank);
      for (const m of spec.taskMetrics) expect(metricSpec(m.key)).toBe(m);
    }
    expect(METRIC_KINDS.classification.rank.key).toBe('accuracy');
    expect(METRIC_KINDS.language.rank.key).toBe('loss');
    expect(METRIC_KINDS.segmentation.rank.key).toBe('miou');
    expect(METRIC_KINDS.detection.rank.key).toBe('map');
    expect(() => metricSpec('nope')).toThrow(/unknown metric 'nope'; known metrics: accuracy, loss/);
    expect(formatMetric(metricSpec('miou'), 0.71234)).toBe('71.23%');
    expect(metricValue({ loss: 1, accuracy: 0.5, metrics: { map50: 0.3 } }, 'map50')).toBe(0.3);
    expect(metricValue({ loss: 1, accuracy: 0.5 }, 'map50')).toBeNaN();
    expect(metricValue({ loss: 1, accuracy: 0.5 }, 'perplexity')).toBeCloseTo(Math.E, 12);
  });

  it('infers the kind of old files from what their evaluations hold', () => {
    expect(inferMetricKind([{ loss: 1, accuracy: 0.9 }])).toBe('classification');
    expect(inferMetricKind([null, { loss: 1, accuracy: 0.9, perplexity: 2.7 }])).toBe('language');
    expect(inferMetricKind([{ loss: 1, accuracy: 0.9, metrics: { miou: 0.5 } }])).toBe('segmentation');
    expect(inferMetricKind([{ loss: 1, accuracy: Number.NaN, metrics: { map: 0.5 } }])).toBe('detection');
  });

  it('lets sweep files rank by any metric of the vocabulary', () => {
    expect(METRICS).toContain('test.miou');
    expect(METRICS).toContain('val.map50');
    expect(metricFor('test.miou', 'mnist-mlp')).toEqual({
      name: 'test.miou',
      higherIsBetter: true,
      scale: 100,
      digits: 2,
      title: 'test mIoU %',
    });
    expect(metricFor('auto', 'text-gpt').name).toBe('test.loss');
    expect(metricFor('auto', 'mnist-mlp').name).toBe('test.accuracy');
  });
});

describe('the trainer with a task evaluation', () => {
  it('feeds every evaluation batch with its outputs and returns the named metrics and the figure', async () => {
    const seen: { rows: number; outputs: number }[] = [];
    const data: TrainingData = { ...base, kind: 'segmentation', evaluation: () => countingEvaluation(seen) };
    const model = mlp({
      inputShape: data.inputShape,
      numClasses: 10,
      activation: { name: 'relu' },
      depth: 1,
    });
    const figures: string[] = [];
    const result = await train(model, data, adamw(), options, {
      onEval: (e) => {
        if (e.figure !== undefined) figures.push(`${e.split}:${e.figure.length}`);
      },
    });
    // 64 validation + 64 test images in batches of 32, outputs [32, 10] each.
    expect(seen).toEqual(new Array(4).fill({ rows: 32, outputs: 320 }));
    expect(result.test!.metrics!.pixel_accuracy).toBe(0.5);
    expect(result.test!.metrics!.miou).toBeGreaterThanOrEqual(0);
    expect(result.test!.perClass!.iou.values).toEqual([0.25, 0.75]);
    expect(figures).toEqual(['val:46', 'test:46']);
    // The history (kept in checkpoints) holds no figure text.
    expect(JSON.stringify(result.history)).not.toContain('<svg');
  });

  it('trains a model with its own loss and reports its mean loss, accuracy NaN', async () => {
    const inner = mlp({
      inputShape: base.inputShape,
      numClasses: 10,
      activation: { name: 'relu' },
      depth: 1,
    });
    // Squared error of the logits against a zero target: a loss that is not cross-entropy.
    const own: Model = {
      ...inner,
      loss: (outputs, targets) => {
        targets.dispose();
        return np.square(outputs).mean();
      },
    };
    const result = await train(own, base, adamw(), options);
    expect(result.test!.accuracy).toBeNaN();
    expect(result.test!.loss).toBeGreaterThan(0);
    expect(Number.isFinite(result.test!.loss)).toBe(true);
  });
});

describe('comparison, table and run folders', () => {
  const summary = (miou: number, pixel: number): RunSummary =>
    ({
      status: 'completed',
      metricKind: 'segmentation',
      stepsDone: 10,
      timing: { msPerStep: 5 },
      test: { loss: 0.2, accuracy: pixel, count: 10, metrics: { miou, pixel_accuracy: pixel } },
    }) as unknown as RunSummary;
  const outcome = (label: string, seed: number, miou: number): RunOutcome => ({
    label,
    name: label,
    params: {},
    seed,
    summary: summary(miou, 0.9),
  });

  it('ranks by the kind metric and prints its columns', () => {
    const outcomes = [
      outcome('relu', 0, 0.6),
      outcome('relu', 1, 0.62),
      outcome('golu', 0, 0.7),
      outcome('golu', 1, 0.71),
    ];
    const groups = groupOutcomes(outcomes);
    expect(groups[1].taskMetrics!.miou!.mean).toBeCloseTo(0.705, 12);
    const verdict = judgeComparison(verdictGroups(groups, 'segmentation'), 'segmentation');
    expect(verdict.metric).toBe('test mIoU');
    expect(verdict.higherIsBetter).toBe(true);
    expect(verdict.ranking.map((r) => r.label)).toEqual(['golu', 'relu']);
    expect(verdict.sentence).toMatch(
      /^golu is ahead of every other activation|golu ranks first by mean test mIoU/,
    );
    const table = formatCompareTable({ title: 't', details: [], kind: 'segmentation', groups, verdict });
    expect(table).toContain('test mIoU % (mean ± std)');
    expect(table).toContain('test pixel accuracy %');
    expect(table).toContain('70.50 ± 0.71');
    expect(table).toContain('Ranking by mean test mIoU (higher is better):');
    expect(table).toMatch(/2\.\s+relu\s+61\.00%\s+-9\.50 pts/);
  });

  it('reads the kind, the task metrics and the last figure of each split back from a run folder', () => {
    const eval1 = {
      kind: 'eval',
      step: 4,
      epoch: 1,
      split: 'val',
      loss: 0.3,
      accuracy: 0.8,
      metrics: { miou: 0.5, pixel_accuracy: 0.8 },
      figure: figurePath('val', 4),
    };
    const eval2 = { ...eval1, step: 8, epoch: 2, figure: figurePath('val', 8) };
    const test = { ...eval1, split: 'test', step: 8, epoch: 2, figure: figurePath('test', 8) };
    const run = parseRunFolder('/runs/x', {
      config: JSON.stringify({ task: 'mnist-seg', seed: 0, lr: 0.1, activation: { name: 'relu' } }),
      summary: JSON.stringify({ status: 'completed', metricKind: 'segmentation', test }),
      metrics: [eval1, eval2, test].map((r) => JSON.stringify(r)).join('\n'),
      figures: { [figurePath('test', 8)]: '<svg/>' },
    });
    expect(run.metricKind).toBe('segmentation');
    expect(run.test!.metrics).toEqual({ miou: 0.5, pixel_accuracy: 0.8 });
    expect(run.figures).toEqual([
      { split: 'val', step: 8, epoch: 2, path: 'figures/val-step000008.svg' },
      { split: 'test', step: 8, epoch: 2, path: 'figures/test-step000008.svg', svg: '<svg/>' },
    ]);
  });
});
