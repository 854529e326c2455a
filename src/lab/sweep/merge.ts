/**
 * `sweep merge`: the results of a (possibly partial) sweep folder as tables, figures and one HTML report.
 *
 * - a table per cell (every axis but the seed): mean ± std, SEM, seeds finished, diverged, missing;
 * - the best setting per activation (per task);
 * - heatmaps for two-axis grids (e.g. model depth x learning rate, one panel per activation, like the
 *   GoLU repository's ablation plots), curves for one-axis grids, bars when only the activation varies.
 *
 * Deterministic: results.json, table.txt, the figures and report.html depend only on the plan and the
 * trials' results (no clock, no timing); timings go to timing.json beside them.
 */
import { join } from 'node:path';
import { type SeedSummary as Summary, seedSummary as summarize } from '../fn/descriptive.js';
import { METRIC_KINDS, metricHeader, metricSpec } from '../metrics/kinds.js';
import { escapeHtml, figure, htmlPage, htmlTable } from '../report/html.js';
import { renderSvg } from '../report/render.js';
import { makeFolder, writeFileSafely, writeJsonFile } from '../runs/files.js';
import { getTask, taskMetricKind } from '../tasks.js';
import type { EvalResult } from '../train/trainer.js';
import { barsFigure, curvesFigure, type GridCell, heatmapFigure } from './figures.js';
import type { SweepMetric } from './file.js';
import type { SweepFolder } from './folder.js';
import type { SweepPlan } from './plan.js';

type ConcreteMetric = Exclude<SweepMetric, 'auto'>;

export interface MetricInfo {
  name: ConcreteMetric;
  higherIsBetter: boolean;
  /** Display: accuracy in percent. */
  scale: number;
  digits: number;
  title: string;
}

/** The metric a task is ranked by: `metric:` of the sweep file, or (auto) the task's ranking metric. */
export function metricFor(metric: SweepMetric, task: string): MetricInfo {
  const name: ConcreteMetric =
    metric !== 'auto' ? metric : `test.${METRIC_KINDS[taskMetricKind(getTask(task))].rank.key}`;
  const [split, key] = name.split('.') as ['test' | 'val', string];
  const spec = metricSpec(key);
  return {
    name,
    higherIsBetter: spec.higherIsBetter,
    scale: spec.percent ? 100 : 1,
    digits: spec.digits,
    title: metricHeader(spec, split),
  };
}

export type TrialStatus = 'completed' | 'diverged' | 'failed' | 'missing';

export interface MergedTrial {
  index: number;
  id: string;
  axes: Record<string, string>;
  status: TrialStatus;
  /** test/val loss, accuracy, perplexity of a completed trial. */
  values: Record<string, number>;
  divergedAtStep?: number;
  stepsDone?: number;
}

export interface MergedCell {
  /** The cell's axis values (all axes but seed). */
  axes: Record<string, string>;
  task: string;
  metric: ConcreteMetric;
  seeds: number;
  completed: number;
  diverged: number;
  failed: number;
  missing: number;
  value: Summary | null;
  testLoss: Summary | null;
}

export interface MergedBest {
  task: string;
  activation: string;
  axes: Record<string, string>;
  metric: ConcreteMetric;
  mean: number;
  sem: number;
  n: number;
}

export interface MergedSweep {
  format: 'gatelab-sweep-merge';
  name: string;
  description: string;
  axes: string[];
  trials: number;
  finished: number;
  cells: MergedCell[];
  best: MergedBest[];
  rows: MergedTrial[];
}

function evalValues(prefix: string, e: EvalResult | null | undefined): Record<string, number> {
  if (!e) return {};
  const out: Record<string, number> = {
    [`${prefix}.loss`]: Number(e.loss),
    [`${prefix}.accuracy`]: Number(e.accuracy),
  };
  if (e.perplexity !== undefined) out[`${prefix}.perplexity`] = Number(e.perplexity);
  for (const [key, value] of Object.entries(e.metrics ?? {})) out[`${prefix}.${key}`] = Number(value);
  return out;
}

/** Collects every trial's outcome and the per-cell statistics. */
export function collectSweep(folder: SweepFolder, plan: SweepPlan): MergedSweep {
  const rows: MergedTrial[] = plan.trials.map((trial) => {
    const result = folder.result(trial);
    const base = { index: trial.index, id: trial.id, axes: trial.axes };
    if (result === null) {
      return { ...base, status: folder.failure(trial) ? 'failed' : 'missing', values: {} };
    }
    const s = result.summary;
    if (s.status === 'diverged') {
      return {
        ...base,
        status: 'diverged',
        values: {},
        divergedAtStep: s.diverged?.step,
        stepsDone: s.stepsDone,
      };
    }
    return {
      ...base,
      status: 'completed',
      values: { ...evalValues('val', s.val), ...evalValues('test', s.test) },
      stepsDone: s.stepsDone,
    };
  });
  const cellAxes = plan.axes.filter((a) => a !== 'seed');
  const cells = new Map<string, { axes: Record<string, string>; task: string; members: MergedTrial[] }>();
  for (const row of rows) {
    const axes = Object.fromEntries(cellAxes.map((a) => [a, row.axes[a]]));
    const key = JSON.stringify(axes);
    const task = plan.trials[row.index].config.task;
    if (!cells.has(key)) cells.set(key, { axes, task, members: [] });
    cells.get(key)!.members.push(row);
  }
  const merged: MergedCell[] = [...cells.values()].map(({ axes, task, members }) => {
    const metric = metricFor(plan.metric, task);
    const done = members.filter((m) => m.status === 'completed' && m.values[metric.name] !== undefined);
    return {
      axes,
      task,
      metric: metric.name,
      seeds: members.length,
      completed: done.length,
      diverged: members.filter((m) => m.status === 'diverged').length,
      failed: members.filter((m) => m.status === 'failed').length,
      missing: members.filter((m) => m.status === 'missing').length,
      value: summarize(done.map((m) => m.values[metric.name])),
      testLoss: summarize(
        members.filter((m) => m.values['test.loss'] !== undefined).map((m) => m.values['test.loss']),
      ),
    };
  });
  const best: MergedBest[] = [];
  const groups = new Map<string, MergedCell[]>();
  for (const cell of merged) {
    const key = JSON.stringify([cell.task, cell.axes.activation ?? '']);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(cell);
  }
  for (const members of groups.values()) {
    const metric = metricFor(plan.metric, members[0].task);
    const scored = members.filter((c) => c.value !== null);
    if (scored.length === 0) continue;
    const top = scored.reduce((a, b) =>
      metric.higherIsBetter ? (b.value!.mean > a.value!.mean ? b : a) : b.value!.mean < a.value!.mean ? b : a,
    );
    best.push({
      task: top.task,
      activation: top.axes.activation ?? trialActivation(plan, top.task),
      axes: top.axes,
      metric: metric.name,
      mean: top.value!.mean,
      sem: top.value!.sem,
      n: top.value!.n,
    });
  }
  return {
    format: 'gatelab-sweep-merge',
    name: plan.name,
    description: plan.description,
    axes: plan.axes,
    trials: rows.length,
    finished: rows.filter((r) => r.status === 'completed' || r.status === 'diverged').length,
    cells: merged,
    best,
    rows,
  };
}

function trialActivation(plan: SweepPlan, task: string): string {
  const trial = plan.trials.find((t) => t.config.task === task);
  const a = trial?.config.activation;
  if (!a) return '';
  const params = Object.entries(a.params ?? {});
  return params.length === 0 ? a.name : `${a.name}(${params.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

function formatValue(s: Summary | null, m: MetricInfo): string {
  if (s === null) return '—';
  const mean = (s.mean * m.scale).toFixed(m.digits);
  return s.n > 1 ? `${mean} ± ${(s.std * m.scale).toFixed(m.digits)}` : mean;
}

function formatSem(s: Summary | null, m: MetricInfo): string {
  return s === null || !Number.isFinite(s.sem) ? '—' : (s.sem * m.scale).toFixed(m.digits);
}

/** A text table's header and rows of cells. */
type TextRows = { header: string[]; rows: string[][] };

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(header), '-'.repeat(line(header).length), ...rows.map(line)].join('\n');
}

function cellRows(merged: MergedSweep, plan: SweepPlan, task: string): TextRows {
  const m = metricFor(plan.metric, task);
  const axes = merged.axes.filter((a) => a !== 'seed' && a !== 'task');
  const header = [...axes, `${m.title} (mean ± std)`, 'SEM', 'seeds', 'diverged', 'missing'];
  const rows = merged.cells
    .filter((c) => c.task === task)
    .map((c) => [
      ...axes.map((a) => c.axes[a]),
      formatValue(c.value, m),
      formatSem(c.value, m),
      `${c.completed}/${c.seeds}`,
      String(c.diverged),
      String(c.missing + c.failed),
    ]);
  return { header, rows };
}

/** The best cell per activation of a task, as table rows. */
function bestRows(merged: MergedSweep, plan: SweepPlan, task: string): TextRows {
  const m = metricFor(plan.metric, task);
  const axes = merged.axes.filter((a) => a !== 'seed' && a !== 'task' && a !== 'activation');
  return {
    header: ['activation', ...axes, m.title, 'SEM', 'seeds'],
    rows: merged.best
      .filter((b) => b.task === task)
      .map((b) => [
        b.activation,
        ...axes.map((a) => b.axes[a]),
        (b.mean * m.scale).toFixed(m.digits),
        Number.isFinite(b.sem) ? (b.sem * m.scale).toFixed(m.digits) : '—',
        String(b.n),
      ]),
  };
}

function tasksOf(plan: SweepPlan): string[] {
  return [...new Set(plan.trials.map((t) => t.config.task))];
}

/** The plain-text tables: per task, one row per cell, then the best setting per activation. */
export function formatSweepTables(merged: MergedSweep, plan: SweepPlan): string {
  const out: string[] = [`sweep ${merged.name}: ${merged.finished} of ${merged.trials} trials finished`];
  for (const task of tasksOf(plan)) {
    const m = metricFor(plan.metric, task);
    const { header, rows } = cellRows(merged, plan, task);
    out.push(
      '',
      `${task}: ${m.title}, mean ± std over seeds (missing = failed or not run yet)`,
      textTable(header, rows),
    );
    const best = bestRows(merged, plan, task);
    if (best.rows.length > 0) {
      out.push(
        '',
        `${task}: best setting per activation (${m.higherIsBetter ? 'highest' : 'lowest'} mean ${m.title})`,
        textTable(best.header, best.rows),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

interface FigureOut {
  file: string;
  caption: string;
  svg: string;
}

/** Heatmaps (two or more varying axes), curves (one) or bars (none besides the activation), per task. */
async function sweepFigures(merged: MergedSweep, plan: SweepPlan): Promise<FigureOut[]> {
  const out: FigureOut[] = [];
  for (const task of tasksOf(plan)) {
    const m = metricFor(plan.metric, task);
    const cells = merged.cells.filter((c) => c.task === task);
    const followers = new Set(plan.zipped.flatMap((keys) => keys.slice(1)));
    const varying = plan.axes.filter(
      (a) =>
        a !== 'seed' &&
        a !== 'task' &&
        a !== 'activation' &&
        !followers.has(a) &&
        (plan.axisValues[a]?.length ?? 0) > 1,
    );
    const series = (c: MergedCell) => c.axes.activation ?? trialActivation(plan, task);
    const toGridCell = (c: MergedCell, x: string, y: string): GridCell => ({
      panel: series(c),
      x,
      y,
      mean: c.value === null ? null : c.value.mean * m.scale,
      sem: c.value === null || !Number.isFinite(c.value.sem) ? null : c.value.sem * m.scale,
      note: c.value === null ? 'missing' : c.completed < c.seeds ? `${c.completed}/${c.seeds}` : '',
    });
    const prefix = tasksOf(plan).length > 1 ? `${task}-` : '';
    if (varying.length >= 2) {
      const [yAxis, xAxis, ...rest] = varying;
      const restKeys = [...new Set(cells.map((c) => JSON.stringify(rest.map((r) => c.axes[r]))))];
      for (const [k, restKey] of restKeys.entries()) {
        const restValues = JSON.parse(restKey) as string[];
        const members = cells.filter((c) => JSON.stringify(rest.map((r) => c.axes[r])) === restKey);
        const suffix = rest.map((r, i) => `${r}=${restValues[i]}`).join(', ');
        const caption = `${task}: ${m.title} by ${yAxis} x ${xAxis}${suffix ? ` (${suffix})` : ''}, per activation; cell: mean ± SEM over seeds`;
        const fig = heatmapFigure(
          members.map((c) => toGridCell(c, c.axes[xAxis], c.axes[yAxis])),
          {
            title: `${merged.name}: ${m.title}${suffix ? ` (${suffix})` : ''}`,
            xTitle: xAxis,
            yTitle: yAxis,
            xOrder: plan.axisValues[xAxis],
            yOrder: plan.axisValues[yAxis],
            higherIsBetter: m.higherIsBetter,
            metric: m.title,
          },
        );
        out.push({
          file: `${prefix}heatmap${restKeys.length > 1 ? `-${k + 1}` : ''}.svg`,
          caption,
          svg: await renderSvg(fig),
        });
      }
    } else if (varying.length === 1) {
      const [xAxis] = varying;
      const fig = curvesFigure(
        cells.map((c) => ({
          series: series(c),
          x: c.axes[xAxis],
          mean: c.value === null ? null : c.value.mean * m.scale,
          sem: c.value === null || !Number.isFinite(c.value.sem) ? 0 : c.value.sem * m.scale,
        })),
        {
          title: `${merged.name}: ${m.title} by ${xAxis}`,
          xTitle: xAxis,
          yTitle: m.title,
          xOrder: plan.axisValues[xAxis],
        },
      );
      out.push({
        file: `${prefix}curve.svg`,
        caption: `${task}: ${m.title} against ${xAxis}, per activation; whiskers: ± SEM over seeds`,
        svg: await renderSvg(fig),
      });
    } else {
      const fig = barsFigure(
        cells
          .filter((c) => c.value !== null)
          .map((c) => ({
            series: series(c),
            mean: c.value!.mean * m.scale,
            sem: Number.isFinite(c.value!.sem) ? c.value!.sem * m.scale : 0,
          })),
        { title: `${merged.name}: ${task}, ${m.title}`, xTitle: m.title },
      );
      out.push({
        file: `${prefix}bars.svg`,
        caption: `${task}: ${m.title} per activation; whiskers: ± SEM over seeds`,
        svg: await renderSvg(fig),
      });
    }
  }
  return out;
}

function reportHtml(merged: MergedSweep, plan: SweepPlan, figures: FigureOut[]): string {
  const parts: string[] = [
    `<h1>Sweep ${escapeHtml(merged.name)}</h1>`,
    `<p class="meta">${escapeHtml(merged.description)}</p>`,
    `<p class="summary">${merged.finished} of ${merged.trials} trials finished; axes: ${escapeHtml(
      merged.axes.map((a) => `${a} (${plan.axisValues[a]?.length ?? 1})`).join(' × '),
    )}${plan.excluded > 0 ? `; ${plan.excluded} combinations excluded` : ''}.</p>`,
  ];
  figures.forEach((f, i) => {
    parts.push(figure(f.svg, `fig${i}`, f.caption));
  });
  for (const task of tasksOf(plan)) {
    const m = metricFor(plan.metric, task);
    const { header, rows } = cellRows(merged, plan, task);
    parts.push(`<h2>${escapeHtml(task)}: cells</h2>`);
    parts.push(htmlTable(header, rows, [header.length - 5, header.length - 4]));
    const best = bestRows(merged, plan, task);
    if (best.rows.length > 0) {
      parts.push(`<h2>${escapeHtml(task)}: best setting per activation (${escapeHtml(m.title)})</h2>`);
      parts.push(htmlTable(best.header, best.rows));
    }
  }
  const unfinished = merged.rows.filter((r) => r.status === 'failed' || r.status === 'missing');
  if (unfinished.length > 0) {
    parts.push('<h2>Unfinished trials</h2>');
    parts.push(
      htmlTable(
        ['index', 'id', 'status', ...merged.axes],
        unfinished.map((r) => [String(r.index), r.id, r.status, ...merged.axes.map((a) => r.axes[a])]),
      ),
    );
  }
  return htmlPage(`gatelab sweep ${merged.name}`, parts.join('\n'));
}

export interface MergeOutput {
  merged: MergedSweep;
  dir: string;
  files: string[];
  table: string;
}

/** Writes DIR/merged/: results.json, table.txt, figures, report.html (deterministic) and timing.json. */
export async function mergeSweep(folder: SweepFolder): Promise<MergeOutput> {
  const plan = folder.readPlan();
  const merged = collectSweep(folder, plan);
  const dir = join(folder.dir, 'merged');
  makeFolder(dir);
  const table = formatSweepTables(merged, plan);
  const figures = await sweepFigures(merged, plan);
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSafely(join(dir, name), text);
    files.push(join(dir, name));
  };
  put('results.json', `${JSON.stringify(merged, null, 2)}\n`);
  put('table.txt', table);
  for (const f of figures) put(f.file, f.svg);
  put('report.html', reportHtml(merged, plan, figures));
  const timing = plan.trials.flatMap((t) => {
    const r = folder.result(t);
    return r === null
      ? []
      : [
          {
            index: t.index,
            id: t.id,
            totalSeconds: r.summary.timing.totalSeconds,
            msPerStep: r.summary.timing.msPerStep,
          },
        ];
  });
  writeJsonFile(join(dir, 'timing.json'), {
    trialSeconds: timing.reduce((a, t) => a + t.totalSeconds, 0),
    trials: timing,
  });
  files.push(join(dir, 'timing.json'));
  return { merged, dir, files, table };
}
