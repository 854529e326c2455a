/**
 * How a task is judged: the lab's ONE vocabulary of metric kinds and metric names. The trainer, the
 * run-folder files (metrics.jsonl, summary.json), compare's table and verdict, `sweep merge`'s `metric:`
 * and the report all read the names, directions and display rules from here.
 *
 * - Every evaluation has a loss and an accuracy (`EvalResult.loss`, `.accuracy`; language tasks add
 *   `.perplexity`). Tasks with their own evaluation (segmentation, detection, ...) add named task metrics
 *   in `EvalResult.metrics` under the keys declared here.
 * - Each kind names the metric verdicts rank by (`rank`) and the one tables show first (`display`):
 *   the same for all but language tasks, which rank by test loss and show perplexity = exp(loss)
 *   (it orders the same).
 *
 * Adding a metric kind: one entry in METRIC_KINDS (and the key in MetricKind); a task declares it with
 * `metricKind` in src/lab/tasks.ts, its data supplies `evaluation` (src/lab/data/training-data.ts).
 *
 * @module
 */

/** The kinds of task the lab judges. */
export type MetricKind = 'classification' | 'language' | 'segmentation' | 'detection';

/** One metric: where its value lives, its name, direction and display. */
export interface MetricSpec {
  /**
   * 'accuracy', 'loss' or 'perplexity' (fields of every evaluation), or the key of a task metric in
   * `EvalResult.metrics`. Also the name after `test.`/`val.` in a sweep file's `metric:`.
   */
  readonly key: string;
  /** Short name for tables and sentences, e.g. 'accuracy', 'mIoU', 'mAP@0.5'. */
  readonly title: string;
  readonly higherIsBetter: boolean;
  /** A fraction shown in percent (tables, figures, sentences: "97.30%", differences in "pts"). */
  readonly percent: boolean;
  /** Digits after the point in tables (of the displayed value, after the percent scaling). */
  readonly digits: number;
  /** One line saying what it is (README, report). */
  readonly meaning: string;
}

export interface MetricKindSpec {
  readonly kind: MetricKind;
  /** What verdicts, rankings and `sweep merge`'s `metric: auto` rank by. */
  readonly rank: MetricSpec;
  /** What tables, curves and bars show first. */
  readonly display: MetricSpec;
  /** The task metrics of `EvalResult.metrics` (table columns after the first), in order. */
  readonly taskMetrics: readonly MetricSpec[];
}

const ACCURACY: MetricSpec = {
  key: 'accuracy',
  title: 'accuracy',
  higherIsBetter: true,
  percent: true,
  digits: 2,
  meaning: 'fraction of correct predictions (classes, tokens or pixels)',
};
const LOSS: MetricSpec = {
  key: 'loss',
  title: 'loss',
  higherIsBetter: false,
  percent: false,
  digits: 4,
  meaning: "mean of the task's training loss on the split",
};
const PERPLEXITY: MetricSpec = {
  key: 'perplexity',
  title: 'perplexity',
  higherIsBetter: false,
  percent: false,
  digits: 3,
  meaning: 'exp(loss) of a language model',
};
const MIOU: MetricSpec = {
  key: 'miou',
  title: 'mIoU',
  higherIsBetter: true,
  percent: true,
  digits: 2,
  meaning:
    'mean over classes of TP / (TP + FP + FN) from the confusion matrix of all pixels of the split (classes neither present nor predicted left out)',
};
const PIXEL_ACCURACY: MetricSpec = {
  key: 'pixel_accuracy',
  title: 'pixel accuracy',
  higherIsBetter: true,
  percent: true,
  digits: 2,
  meaning: 'trace / sum of the confusion matrix: the fraction of pixels classified right',
};
const MAP: MetricSpec = {
  key: 'map',
  title: 'mAP@[.5:.95]',
  higherIsBetter: true,
  percent: true,
  digits: 2,
  meaning: 'COCO-style box mAP: mean over IoU thresholds 0.50:0.05:0.95 and classes, 101-point AP',
};
const MAP50: MetricSpec = {
  key: 'map50',
  title: 'mAP@0.5',
  higherIsBetter: true,
  percent: true,
  digits: 2,
  meaning: 'VOC-style box mAP at IoU 0.5, all-point interpolated AP, mean over classes',
};

export const METRIC_KINDS: { readonly [K in MetricKind]: MetricKindSpec } = {
  classification: { kind: 'classification', rank: ACCURACY, display: ACCURACY, taskMetrics: [] },
  language: { kind: 'language', rank: LOSS, display: PERPLEXITY, taskMetrics: [] },
  segmentation: {
    kind: 'segmentation',
    rank: MIOU,
    display: MIOU,
    taskMetrics: [MIOU, PIXEL_ACCURACY],
  },
  detection: { kind: 'detection', rank: MAP, display: MAP, taskMetrics: [MAP, MAP50] },
};

/** The kinds, in declaration order. */
export const METRIC_KIND_NAMES = Object.keys(METRIC_KINDS) as MetricKind[];

/** Every metric of every kind by key (accuracy, loss, perplexity first). */
export const METRIC_SPECS: ReadonlyMap<string, MetricSpec> = new Map(
  [ACCURACY, LOSS, PERPLEXITY, ...METRIC_KIND_NAMES.flatMap((k) => METRIC_KINDS[k].taskMetrics)].map((m) => [
    m.key,
    m,
  ]),
);

/** The spec of metric `key`; unknown keys throw, listing the known ones. */
export function metricSpec(key: string): MetricSpec {
  const spec = METRIC_SPECS.get(key);
  if (spec === undefined)
    throw new Error(`unknown metric '${key}'; known metrics: ${[...METRIC_SPECS.keys()].join(', ')}`);
  return spec;
}

/** What an evaluation holds (EvalResult and the records read back from run folders). */
export interface MetricValues {
  loss: number;
  accuracy: number;
  perplexity?: number;
  metrics?: Readonly<Record<string, number>>;
}

/** The value of metric `key` in an evaluation: NaN when it has none. */
export function metricValue(result: MetricValues, key: string): number {
  if (key === 'loss') return result.loss;
  if (key === 'accuracy') return result.accuracy;
  if (key === 'perplexity') return result.perplexity ?? Math.exp(result.loss);
  return result.metrics?.[key] ?? Number.NaN;
}

/** The value as a table shows it: percent metrics scaled by 100. */
export function displayValue(spec: MetricSpec, value: number): number {
  return spec.percent ? 100 * value : value;
}

/** "97.30%" or "0.1234": a value (not a difference) in a sentence. */
export function formatMetric(spec: MetricSpec, value: number): string {
  return spec.percent ? `${(100 * value).toFixed(spec.digits)}%` : value.toFixed(spec.digits);
}

/** "1.20 pts" or "0.0123": a difference in a sentence. */
export function formatMetricDelta(spec: MetricSpec, delta: number): string {
  return spec.percent ? `${(100 * delta).toFixed(spec.digits)} pts` : delta.toFixed(spec.digits);
}

/** Column header: "test mIoU % (mean ± std)" style, without the suffix: "test mIoU %". */
export function metricHeader(spec: MetricSpec, split = 'test'): string {
  return `${split} ${spec.title}${spec.percent ? ' %' : ''}`;
}

/**
 * The kind of a set of evaluations from what they hold, for files written before summary.json recorded
 * it: perplexity means language, a task metric its kind, otherwise classification.
 */
export function inferMetricKind(results: readonly (MetricValues | null | undefined)[]): MetricKind {
  for (const r of results) {
    if (r == null) continue;
    if (r.perplexity !== undefined) return 'language';
    const keys = Object.keys(r.metrics ?? {});
    const kind = METRIC_KIND_NAMES.find((k) => METRIC_KINDS[k].taskMetrics.some((m) => keys.includes(m.key)));
    if (kind !== undefined) return kind;
  }
  return 'classification';
}

/** A metric kind from a file's text; anything else is null. */
export function asMetricKind(value: unknown): MetricKind | null {
  return typeof value === 'string' && value in METRIC_KINDS ? (value as MetricKind) : null;
}
