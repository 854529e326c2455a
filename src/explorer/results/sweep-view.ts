/**
 * A sweep's merged result (the sweep work of issue 11 writes merged/results.json with format
 * 'gatelab-sweep-merge': axes, cells with a seed summary each, best setting per activation): its cells as
 * a table, the best settings, and a heatmap per activation for a two-axis grid, lines for one numeric
 * axis, bars otherwise. The heatmap is the one `gatelab sweep merge` draws (src/lab/sweep/figures.ts).
 */

import { barFigure, lineFigure } from '../../lab/report/figures.js';
import type { Figure } from '../../lab/report/render.js';
import { heatmapFigure } from '../../lab/sweep/figures.js';

interface Cell {
  axes: Record<string, string>;
  task: string;
  metric: string;
  seeds: number;
  completed: number;
  diverged: number;
  failed: number;
  missing: number;
  value: { mean: number; sem: number; n: number } | null;
}

interface Best {
  task: string;
  activation: string;
  axes: Record<string, string>;
  mean: number;
  sem: number;
  n: number;
}

export interface SweepView {
  title: string;
  columns: string[];
  rows: Record<string, unknown>[];
  best: Record<string, unknown>[];
  figure: Figure | null;
}

export function isMergedSweep(value: unknown): boolean {
  return (value as { format?: unknown } | null)?.format === 'gatelab-sweep-merge';
}

export function sweepView(value: Record<string, unknown>): SweepView {
  const cells = (value.cells ?? []) as Cell[];
  const axes = ((value.axes ?? []) as string[]).filter((a) => a !== 'seed' && a !== 'task');
  const grid = axes.filter((a) => a !== 'activation');
  const metric = cells[0]?.metric ?? 'test.accuracy';
  const accuracy = metric.endsWith('accuracy');
  const scale = accuracy ? 100 : 1;
  const metricTitle = `${metric.replace('.', ' ')}${accuracy ? ' %' : ''}`;
  const rows = cells.map((c) => ({
    task: c.task,
    ...Object.fromEntries(axes.map((a) => [a, c.axes[a]])),
    [metricTitle]: c.value ? c.value.mean * scale : null,
    SEM: c.value && Number.isFinite(c.value.sem) ? c.value.sem * scale : null,
    seeds: `${c.completed}/${c.seeds}`,
    diverged: c.diverged,
    missing: c.missing + c.failed,
  }));
  const order = (axis: string) => [...new Set(cells.map((c) => c.axes[axis]))];
  const panel = (c: Cell) => c.axes.activation ?? c.task;
  const title = `${String(value.name ?? 'sweep')}: ${metricTitle}`;
  let figure: Figure | null = null;
  if (grid.length === 2) {
    figure = heatmapFigure(
      cells.map((c) => ({
        panel: panel(c),
        x: c.axes[grid[1]],
        y: c.axes[grid[0]],
        mean: c.value ? c.value.mean * scale : null,
        sem: c.value && Number.isFinite(c.value.sem) ? c.value.sem * scale : null,
        note: c.completed < c.seeds ? `${c.completed}/${c.seeds}` : '',
      })),
      {
        title,
        xTitle: grid[1],
        yTitle: grid[0],
        xOrder: order(grid[1]),
        yOrder: order(grid[0]),
        higherIsBetter: accuracy,
        metric: metricTitle,
      },
    );
  } else if (grid.length === 1 && cells.every((c) => Number.isFinite(Number(c.axes[grid[0]])))) {
    figure = lineFigure(
      cells
        .filter((c) => c.value)
        .map((c) => ({ series: panel(c), x: Number(c.axes[grid[0]]), y: c.value!.mean * scale })),
      title,
      grid[0],
      metricTitle,
    );
  } else if (cells.some((c) => c.value)) {
    figure = barFigure(
      cells
        .filter((c) => c.value)
        .map((c) => ({
          activation: [panel(c), ...grid.map((a) => c.axes[a])].join(' '),
          value: c.value!.mean * scale,
          error: Number.isFinite(c.value!.sem) ? c.value!.sem * scale : 0,
        })),
      title,
    );
  }
  const best = ((value.best ?? []) as Best[]).map((b) => ({
    task: b.task,
    activation: b.activation,
    setting: Object.entries(b.axes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    [metricTitle]: b.mean * scale,
    SEM: Number.isFinite(b.sem) ? b.sem * scale : null,
    seeds: b.n,
  }));
  return {
    title: `${title} — ${String(value.finished ?? '?')} of ${String(value.trials ?? '?')} trials finished`,
    columns: Object.keys(rows[0] ?? {}),
    rows,
    best,
    figure,
  };
}
