/**
 * `buildRunsReport`: one self-contained HTML page about a set of runs — a generated summary of what was
 * compared and what came out, a results table (mean ± std and SEM over seeds), training curves with
 * seed bands, final-metric bars, the learning-rate heatmap when runs differ in learning rate, and the
 * diagnostics / landscape sections when those files are present in the run folders.
 */

import { judgeComparison, type MetricKind, type Verdict } from '../compare/stats.js';
import { type SeedSummary, seedSummary } from '../fn/descriptive.js';
import {
  displayValue,
  inferMetricKind,
  METRIC_KINDS,
  type MetricSpec,
  metricHeader,
  metricValue,
} from '../metrics/kinds.js';
import type { DamagedRun, LoadedRun } from '../runs/read.js';
import { barFigure, type CurveRow, lrHeatmapFigure, trainingCurvesFigure } from './figures.js';
import { escapeHtml, htmlPage, htmlTable } from './html.js';
import { type FigureRenderer, figureRenderer } from './render.js';
import { diagnosticsSection, landscapeSection, learnableSection } from './sections.js';

export interface ReportOptions {
  title?: string;
  /** Shown in the header; default now. */
  generatedAt?: Date;
  /** Run folders that could not be read: listed with their problem, the rest is rendered. */
  damaged?: readonly DamagedRun[];
}

export interface RunGroup {
  /** Display name: the activation label, plus "@ lr" when the task's runs use several learning rates. */
  key: string;
  label: string;
  lr: number;
  runs: LoadedRun[];
  /** Test accuracy in % or test perplexity, over completed seeds (for display). */
  metric: SeedSummary | null;
  /** What the verdict tests, as `gatelab compare` does: test accuracy (fraction) or test loss. */
  rankingMetric: SeedSummary | null;
  testLoss: SeedSummary | null;
  msPerStep: SeedSummary | null;
  diverged: number;
  incomplete: number;
}

/** How one task's runs are judged: what their run folders record (src/lab/metrics/kinds.ts). */
export function metricKind(runs: readonly LoadedRun[]): MetricKind {
  const recorded = runs.find((r) => r.metricKind !== undefined)?.metricKind;
  return recorded ?? inferMetricKind(runs.flatMap((r) => [r.test, r.val]));
}

/** The kind's displayed metric of a completed run as tables show it (percent metrics x 100). */
function metricOf(run: LoadedRun, kind: MetricKind): number {
  if (run.status !== 'completed' || run.test === null) return Number.NaN;
  const display = METRIC_KINDS[kind].display;
  return displayValue(display, metricValue(run.test, display.key));
}

/** Groups one task's runs by activation label (and learning rate when several are present), in first-seen order. */
export function groupRuns(runs: readonly LoadedRun[], kind: MetricKind): RunGroup[] {
  const lrs = new Set(runs.map((r) => r.lr));
  const keyOf = (r: LoadedRun) => (lrs.size > 1 ? `${r.label} @ lr ${r.lr}` : r.label);
  const keys = [...new Set(runs.map(keyOf))];
  return keys.map((key) => {
    const mine = runs.filter((r) => keyOf(r) === key);
    const completed = mine.filter((r) => r.status === 'completed' && r.test !== null);
    return {
      key,
      label: mine[0].label,
      lr: mine[0].lr,
      runs: mine,
      metric: seedSummary(completed.map((r) => metricOf(r, kind))),
      rankingMetric: seedSummary(completed.map((r) => metricValue(r.test!, METRIC_KINDS[kind].rank.key))),
      testLoss: seedSummary(completed.map((r) => r.test!.loss)),
      msPerStep: seedSummary(completed.map((r) => r.msPerStep)),
      diverged: mine.filter((r) => r.status === 'diverged').length,
      incomplete: mine.filter((r) => r.status === 'incomplete').length,
    };
  });
}

/** The comparison's verdict: the same computation as `gatelab compare`'s table and compare.json. */
export function judgeRunGroups(groups: readonly RunGroup[], kind: MetricKind): Verdict {
  return judgeComparison(
    groups.map((g) => ({
      label: g.key,
      metric: g.rankingMetric,
      runs: g.runs.length,
      diverged: g.diverged,
      failed: g.runs.length - g.diverged - (g.rankingMetric?.n ?? 0),
      divergedAt: g.runs
        .filter((r) => r.status === 'diverged')
        .map((r) => `seed ${r.seed}${r.diverged ? ` at step ${r.diverged.step}` : ''}`),
    })),
    kind,
  );
}

/** The groups in the verdict's ranking order. */
export function rankedGroups(groups: readonly RunGroup[], verdict: Verdict): RunGroup[] {
  return verdict.ranking.map((r) => groups.find((g) => g.key === r.label)!);
}

function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** Keys of config.json whose values differ between runs (other than what a comparison varies anyway). */
export function differingSettings(runs: readonly LoadedRun[]): string[] {
  const ignored = new Set(['seed', 'activation', 'activationLabel', 'startedAt', 'modelDescription', 'lr']);
  const keys = new Set(runs.flatMap((r) => Object.keys(r.config)));
  return [...keys].filter(
    (k) => !ignored.has(k) && new Set(runs.map((r) => JSON.stringify(r.config[k] ?? null))).size > 1,
  );
}

/** The model description with the run's activation written as <activation> (it is the same for all). */
function modelText(run: LoadedRun): string {
  if (!run.model) return '';
  return `${run.model.split(run.label).join('<activation>')}; `;
}

/** The generated plain-language summary of one task's comparison; its verdict is `verdict.sentence`. */
export function describeComparison(
  task: string,
  runs: readonly LoadedRun[],
  groups: readonly RunGroup[],
  kind: MetricKind,
  verdict: Verdict = judgeRunGroups(groups, kind),
): string {
  const labels = [...new Set(runs.map((r) => r.label))];
  const seeds = new Set(runs.map((r) => r.seed));
  const lrs = [...new Set(runs.map((r) => r.lr))].sort((a, b) => b - a);
  const first = runs[0].config;
  const parts: string[] = [];
  const setup = [
    `${first.epochs} epoch${first.epochs === 1 ? '' : 's'}`,
    `${first.optimizer}`,
    lrs.length === 1 ? `learning rate ${lrs[0]}` : `learning rates ${lrs.join(', ')}`,
    `batch ${first.batchSize}`,
  ];
  parts.push(
    `${runs.length} run${runs.length === 1 ? '' : 's'} of ${task} compare ${labels.length} activation${labels.length === 1 ? '' : 's'} (${labels.join(', ')}) over ${seeds.size} seed${seeds.size === 1 ? '' : 's'}: ${modelText(runs[0])}${setup.join(', ')}.`,
  );
  if (runs[0].data) parts.push(`Data: ${runs[0].data}.`);
  const differing = differingSettings(runs);
  if (differing.length > 0)
    parts.push(
      `Note: the runs also differ in ${differing.join(', ')}, so not every difference is the activation's.`,
    );
  const ranked = rankedGroups(groups, verdict).filter((g) => g.metric !== null);
  const display = METRIC_KINDS[kind].display;
  const unit = display.percent ? '%' : '';
  const name = `test ${display.title}`;
  const show = (g: RunGroup) =>
    `${g.key} ${fmt(g.metric!.mean, display.digits)}${unit}${g.metric!.n > 1 ? ` (SEM ${fmt(g.metric!.sem, display.digits)})` : ''}`;
  if (ranked.length > 1) parts.push(`Mean ${name}: ${ranked.map(show).join(', ')}.`);
  parts.push(verdict.sentence);
  if (verdict.ranking.some((r) => r.test !== null))
    parts.push(`(${verdict.test}; ${Math.round(100 * verdict.confidence)}% confidence.)`);
  const diverged = runs.filter((r) => r.status === 'diverged');
  if (diverged.length > 0) {
    parts.push(
      `Diverged (loss became NaN/Inf): ${diverged.map((r) => `${r.label} seed ${r.seed}${r.diverged ? ` at step ${r.diverged.step}` : ''}`).join('; ')}.`,
    );
  }
  const incomplete = runs.filter((r) => r.status === 'incomplete');
  if (incomplete.length > 0)
    parts.push(`Unfinished (no summary.json): ${incomplete.map((r) => r.id).join(', ')}.`);
  return parts.join(' ');
}

function pm(s: SeedSummary | null, digits: number): string {
  if (s === null) return '—';
  return s.n > 1 ? `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)}` : fmt(s.mean, digits);
}

function semText(s: SeedSummary | null, digits: number): string {
  return s === null || !Number.isFinite(s.sem) ? '—' : fmt(s.sem, digits);
}

function resultsTable(groups: readonly RunGroup[], kind: MetricKind, verdict: Verdict): string {
  const display = METRIC_KINDS[kind].display;
  const digits = display.digits;
  const rows = rankedGroups(groups, verdict).map((g) => [
    g.key,
    pm(g.metric, digits),
    semText(g.metric, digits),
    pm(g.testLoss, 4),
    pm(g.msPerStep, 1),
    `${g.runs.length - g.diverged - g.incomplete}/${g.runs.length}${g.diverged ? `, ${g.diverged} diverged` : ''}${g.incomplete ? `, ${g.incomplete} unfinished` : ''}`,
    verdict.ranking.find((r) => r.label === g.key)!.note,
  ]);
  return htmlTable(
    [
      'activation',
      `${metricHeader(display)} (mean ± std)`,
      'SEM',
      'test loss',
      'ms/step',
      'runs ok',
      'against the best',
    ],
    rows,
    [1, 2, 3, 4],
  );
}

/** Mean and min-max band over seeds of a per-step series, per group. */
function bandRows(
  groups: readonly RunGroup[],
  metric: string,
  series: (run: LoadedRun) => { step: number; value: number }[],
): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const g of groups) {
    const byStep = new Map<number, number[]>();
    for (const run of g.runs) {
      for (const { step, value } of series(run)) {
        if (!Number.isFinite(value)) continue;
        if (!byStep.has(step)) byStep.set(step, []);
        byStep.get(step)!.push(value);
      }
    }
    for (const step of [...byStep.keys()].sort((a, b) => a - b)) {
      const values = byStep.get(step)!;
      const s = seedSummary(values)!;
      rows.push({ activation: g.key, metric, step, mean: s.mean, lo: s.min, hi: s.max });
    }
  }
  return rows;
}

async function taskSection(task: string, runs: LoadedRun[], renderFigure: FigureRenderer): Promise<string> {
  const kind = metricKind(runs);
  const display = METRIC_KINDS[kind].display;
  const groups = groupRuns(runs, kind);
  const verdict = judgeRunGroups(groups, kind);
  const html: string[] = [`<h2>${escapeHtml(task)}</h2>`];
  html.push(`<p class="summary">${escapeHtml(describeComparison(task, runs, groups, kind, verdict))}</p>`);
  html.push(resultsTable(groups, kind, verdict));
  // Curves keep the groups' first-seen order so colours match the bars.
  const curveRows = [
    ...bandRows(groups, 'train loss', (r) => r.steps.map((s) => ({ step: s.step, value: s.loss }))),
    ...bandRows(groups, metricHeader(display, 'val'), (r) =>
      r.evals
        .filter((e) => e.split === 'val')
        .map((e) => ({ step: e.step, value: displayValue(display, metricValue(e, display.key)) })),
    ),
  ];
  if (curveRows.length > 0) {
    html.push(
      await renderFigure(
        trainingCurvesFigure(curveRows, `${task}: training curves`),
        'Line: mean over seeds; band: lowest to highest seed. Training loss as logged during training; validation metric after each epoch.',
      ),
    );
  }
  const withMetric = groups.filter((g) => g.metric !== null);
  if (withMetric.length > 0) {
    const metricName = metricHeader(display);
    const bars = withMetric.flatMap((g) => [
      {
        activation: g.key,
        value: g.metric!.mean,
        error: Number.isFinite(g.metric!.sem) ? g.metric!.sem : 0,
        panel: metricName,
      },
      {
        activation: g.key,
        value: g.testLoss!.mean,
        error: Number.isFinite(g.testLoss!.sem) ? g.testLoss!.sem : 0,
        panel: 'test loss',
      },
    ]);
    html.push(
      await renderFigure(
        barFigure(bars, `${task}: final test metrics`, 'whiskers: ± SEM over seeds'),
        'Mean over completed seeds, whiskers ± one standard error of the mean.',
      ),
    );
  }
  const lrs = new Set(runs.map((r) => r.lr));
  if (lrs.size > 1) {
    html.push('<h3>Learning-rate ablation</h3>');
    const cells: { activation: string; lr: number; mean: number; sem: number }[] = [];
    const labels = [...new Set(runs.map((r) => r.label))];
    for (const label of labels) {
      for (const lr of lrs) {
        const s = seedSummary(
          runs.filter((r) => r.label === label && r.lr === lr).map((r) => metricOf(r, kind)),
        );
        cells.push({
          activation: label,
          lr,
          mean: s?.mean ?? Number.NaN,
          sem: s && Number.isFinite(s.sem) ? s.sem : 0,
        });
      }
    }
    html.push(
      await renderFigure(
        lrHeatmapFigure(cells, metricHeader(display), display.higherIsBetter),
        'Each cell: mean ± SEM over seeds; NaN marks a setting where every seed diverged.',
      ),
    );
  }
  html.push(taskMetricsSection(runs, groups, verdict, kind));
  html.push(figuresSection(groups, verdict));
  html.push(await diagnosticsSection(runs, renderFigure));
  html.push(await learnableSection(runs, renderFigure));
  html.push(await landscapeSection(runs, renderFigure));
  return html.filter((part) => part !== '').join('\n');
}

/**
 * Tasks with their own metrics (segmentation, detection): every task metric as mean ± std over seeds,
 * and the per-class values (e.g. IoU per class) averaged over seeds.
 */
function taskMetricsSection(
  runs: readonly LoadedRun[],
  groups: readonly RunGroup[],
  verdict: Verdict,
  kind: MetricKind,
): string {
  const own = METRIC_KINDS[kind].taskMetrics;
  if (own.length === 0) return '';
  const ranked = rankedGroups(groups, verdict);
  const completed = (g: RunGroup) => g.runs.filter((r) => r.status === 'completed' && r.test !== null);
  const summaryOf = (g: RunGroup, m: MetricSpec) =>
    seedSummary(completed(g).map((r) => displayValue(m, metricValue(r.test!, m.key))));
  const html = [
    '<h3>Task metrics</h3>',
    htmlTable(
      ['activation', ...own.map((m) => `${metricHeader(m)} (mean ± std)`)],
      ranked.map((g) => [g.key, ...own.map((m) => pm(summaryOf(g, m), m.digits))]),
      own.map((_, i) => i + 1),
    ),
    `<p class="caption">${own.map((m) => `${escapeHtml(m.title)}: ${escapeHtml(m.meaning)}.`).join(' ')}</p>`,
  ];
  const perClassNames = [...new Set(runs.flatMap((r) => Object.keys(r.test?.perClass ?? {})))];
  for (const name of perClassNames) {
    const classes = runs.find((r) => r.test?.perClass?.[name])!.test!.perClass![name].classes;
    const rows = ranked.map((g) => [
      g.key,
      ...classes.map((_, c) => {
        const s = seedSummary(
          completed(g)
            .map((r) => r.test!.perClass?.[name]?.values[c])
            .filter((v): v is number => v !== undefined)
            .map((v) => 100 * v),
        );
        return s === null ? '—' : fmt(s.mean, 1);
      }),
    ]);
    html.push(
      `<h3>Per-class test ${escapeHtml(name)} % (mean over seeds)</h3>`,
      htmlTable(
        ['activation', ...classes],
        rows,
        classes.map((_, i) => i + 1),
      ),
    );
  }
  return html.join('\n');
}

/** The evaluation figures (inputs, truth, predictions) of each activation's first seed, final test. */
function figuresSection(groups: readonly RunGroup[], verdict: Verdict): string {
  const parts: string[] = [];
  for (const g of rankedGroups(groups, verdict)) {
    const run = [...g.runs].sort((a, b) => a.seed - b.seed).find((r) => r.figures.some((f) => f.svg));
    if (run === undefined) continue;
    const figure =
      run.figures.find((f) => f.split === 'test' && f.svg) ?? run.figures.filter((f) => f.svg).at(-1)!;
    parts.push(
      `<figure class="evaluation">${figure.svg}<figcaption>${escapeHtml(`${g.key}, seed ${run.seed}: ${figure.split} split at step ${figure.step} (${run.dir}/${figure.path})`)}</figcaption></figure>`,
    );
  }
  return parts.length === 0 ? '' : ['<h3>Predictions</h3>', ...parts].join('\n');
}

function runsTable(runs: readonly LoadedRun[]): string {
  const rows = runs.map((r) => [
    r.id,
    r.task,
    r.label,
    String(r.seed),
    String(r.lr),
    r.status,
    r.test ? fmt(100 * r.test.accuracy, 2) : '—',
    r.test ? fmt(r.test.loss, 4) : '—',
    r.steps.length > 0 ? String(r.steps[r.steps.length - 1].step) : '—',
    fmt(r.msPerStep, 1),
  ]);
  return htmlTable(
    ['run', 'task', 'activation', 'seed', 'lr', 'status', 'test acc %', 'test loss', 'last step', 'ms/step'],
    rows,
    [3, 4, 6, 7, 8, 9],
  );
}

/** The whole report as one HTML string. */
export async function buildRunsReport(
  runs: readonly LoadedRun[],
  options: ReportOptions = {},
): Promise<string> {
  if (runs.length === 0) throw new Error('report: no runs given');
  const renderFigure = figureRenderer();
  const tasks = [...new Set(runs.map((r) => r.task))];
  const title = options.title ?? `gatelab report: ${tasks.join(', ')}`;
  const generated = (options.generatedAt ?? new Date()).toISOString().replace('T', ' ').slice(0, 19);
  const body: string[] = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">Generated ${escapeHtml(generated)} UTC by gatelab from ${runs.length} run folder${runs.length === 1 ? '' : 's'}. Self-contained: opens offline.</p>`,
  ];
  for (const task of tasks)
    body.push(
      await taskSection(
        task,
        runs.filter((r) => r.task === task),
        renderFigure,
      ),
    );
  body.push('<h2>Runs</h2>', runsTable(runs));
  const problems = [
    ...(options.damaged ?? []).map((d) => `${d.dir}: damaged, left out — ${d.problem}`),
    ...runs.flatMap((r) => r.warnings),
  ];
  if (problems.length > 0) {
    body.push(
      '<h2>Damaged run files</h2>',
      `<ul class="damaged">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`,
    );
  }
  body.push('<details><summary>Configurations (config.json of each run)</summary>');
  for (const r of runs)
    body.push(`<h3>${escapeHtml(r.id)}</h3><pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre>`);
  body.push('</details>');
  return htmlPage(title, body.join('\n'));
}
