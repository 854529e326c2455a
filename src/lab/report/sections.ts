/**
 * Optional report sections, present when the run folders hold the files of the analysis commands:
 * diagnostics.json (`train --diagnostics`) and landscape.json (`gatelab landscape`).
 */

import type { DiagnosticsFile } from '../analysis/diagnostics.js';
import type { LandscapeFile } from '../analysis/landscape.js';
import { seedSummary } from '../fn/descriptive.js';
import { toNumber } from '../runs/files.js';
import type { LoadedRun } from '../runs/read.js';
import { histogramFigure, type LineRow, landscapeFigure, lineFigure } from './figures.js';
import { escapeHtml, htmlTable } from './html.js';
import type { FigureRenderer } from './render.js';

function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  return Number(x.toPrecision(digits)).toString();
}

/** One layer's record in a diagnostics snapshot. */
type LayerRecord = DiagnosticsFile['snapshots'][number]['layers'][number];
/** A per-layer quantity of a snapshot. */
type LayerPick = (layer: LayerRecord) => number;

/** Mean over seeds of a per-step, per-layer quantity, as line rows (series = activation label). */
function layerSeries(runs: readonly { label: string; file: DiagnosticsFile }[], pick: LayerPick): LineRow[] {
  const sums = new Map<string, { series: string; panel: string; x: number; values: number[] }>();
  for (const { label, file } of runs) {
    for (const snap of file.snapshots) {
      for (const layer of snap.layers) {
        const key = `${label}|${layer.layer}|${snap.step}`;
        if (!sums.has(key)) sums.set(key, { series: label, panel: layer.layer, x: snap.step, values: [] });
        sums.get(key)!.values.push(toNumber(pick(layer)));
      }
    }
  }
  return [...sums.values()].map((s) => ({
    series: s.series,
    panel: s.panel,
    x: s.x,
    y: seedSummary(s.values)?.mean ?? Number.NaN,
  }));
}

/** The diagnostics section of a task, or '' when no run has diagnostics.json. */
export async function diagnosticsSection(
  runs: readonly LoadedRun[],
  render: FigureRenderer,
): Promise<string> {
  const withFile = runs
    .filter((r) => r.attachments.diagnostics !== undefined)
    .map((r) => ({ label: r.label, seed: r.seed, file: r.attachments.diagnostics as DiagnosticsFile }));
  if (withFile.length === 0) return '';
  const html: string[] = ['<h3>Training diagnostics</h3>'];
  const every = withFile[0].file.every;
  html.push(
    `<p>Recorded every ${every} steps on a training batch (before the update) in ${withFile.length} run${withFile.length === 1 ? '' : 's'}. A unit is dead when |f'(pre-activation)| &lt; ${withFile[0].file.deadThreshold} for every example of the batch. Values are means over seeds.</p>`,
  );
  // Final snapshot per layer and label.
  const labels = [...new Set(withFile.map((r) => r.label))];
  const rows: string[][] = [];
  for (const label of labels) {
    const mine = withFile.filter((r) => r.label === label);
    const lastLayers = mine.map((r) => r.file.snapshots.at(-1)?.layers ?? []);
    const layerNames = [...new Set(lastLayers.flat().map((l) => l.layer))];
    for (const layer of layerNames) {
      const pick = (f: LayerPick) =>
        seedSummary(
          lastLayers.flatMap((ls) => ls.filter((l) => l.layer === layer).map((l) => toNumber(f(l)))),
        )?.mean ?? Number.NaN;
      rows.push([
        label,
        layer,
        fmt(pick((l) => l.actMean)),
        fmt(pick((l) => l.actVariance)),
        `${fmt(100 * pick((l) => l.deadUnits), 3)}%`,
        `${fmt(100 * pick((l) => l.saturated), 3)}%`,
        fmt(pick((l) => l.actGradNorm)),
      ]);
    }
  }
  html.push(
    htmlTable(
      ['activation', 'layer', 'act. mean', 'act. variance', 'dead units', 'saturated', '|dL/d act|'],
      rows,
      [2, 3, 4, 5, 6],
    ),
  );
  // One line figure per layer quantity over the steps: y-axis title, optional log scale, caption.
  const layerFigure = (pick: LayerPick, title: string, yTitle: string, caption: string, logY = false) =>
    render(lineFigure(layerSeries(withFile, pick), title, 'step', yTitle, logY), caption);
  html.push(
    await layerFigure(
      (l) => l.actVariance,
      'Activation variance during training',
      'variance',
      'Variance of each layer’s activation output over the batch, by step.',
    ),
  );
  html.push(
    await layerFigure(
      (l) => l.actGradNorm,
      'Gradient flow: |dL/d activation| per layer',
      'gradient norm',
      'L2 norm of the loss gradient with respect to each layer’s activation output (log scale).',
      true,
    ),
  );
  if (withFile.some((r) => r.file.snapshots.some((s) => s.layers.some((l) => toNumber(l.deadUnits) > 0)))) {
    html.push(
      await layerFigure(
        (l) => l.deadUnits,
        'Dead units',
        'fraction of units',
        'Fraction of units through which no gradient passed on the recorded batch.',
      ),
    );
  }
  // Final weights: spread table (mean over seeds) and histograms of the first seed of each activation.
  const spreadRows: string[][] = [];
  for (const label of labels) {
    const mine = withFile.filter((r) => r.label === label);
    const names = [...new Set(mine.flatMap((r) => r.file.weights.map((w) => w.name)))];
    for (const name of names) {
      const ws = mine.flatMap((r) => r.file.weights.filter((w) => w.name === name));
      const mean = (f: (w: (typeof ws)[number]) => number) =>
        seedSummary(ws.map((w) => toNumber(f(w))))?.mean ?? Number.NaN;
      spreadRows.push([
        label,
        name,
        ws[0].shape.join('x'),
        fmt(mean((w) => w.spread.std)),
        fmt(mean((w) => w.spread.iqr)),
        fmt(mean((w) => w.spread.max - w.spread.min)),
      ]);
    }
  }
  html.push('<h3>Final weights</h3>');
  html.push(htmlTable(['activation', 'tensor', 'shape', 'std', 'IQR', 'range'], spreadRows, [3, 4, 5]));
  const histRows = labels.flatMap((label) => {
    const first = withFile.filter((r) => r.label === label).sort((a, b) => a.seed - b.seed)[0];
    return first.file.weights.flatMap((w) =>
      w.histogram.map((b) => ({
        activation: label,
        group: w.name,
        start: toNumber(b.start),
        end: toNumber(b.end),
        density: toNumber(b.density),
      })),
    );
  });
  html.push(
    await render(
      histogramFigure(histRows, 'Final weight distributions', 'weight'),
      'Density histograms of each weight tensor at the end of training (first seed of each activation).',
    ),
  );
  return html.join('\n');
}

/** The landscape section of a task, or '' when no run has landscape.json. */
export async function landscapeSection(runs: readonly LoadedRun[], render: FigureRenderer): Promise<string> {
  const withFile = runs
    .filter((r) => r.attachments.landscape !== undefined)
    .map((r) => ({ run: r, file: r.attachments.landscape as LandscapeFile }));
  if (withFile.length === 0) return '';
  const html: string[] = ['<h3>Loss landscape and sharpness</h3>'];
  const rows = withFile.map(({ run, file }) => [
    run.label,
    String(run.seed),
    fmt(toNumber(file.centerLoss)),
    file.hessian ? fmt(toNumber(file.hessian.eigenvalue)) : '—',
    file.hessian ? `${file.hessian.iterations}${file.hessian.converged ? '' : ' (not converged)'}` : '—',
    file.normalization,
  ]);
  html.push(
    htmlTable(
      ['activation', 'seed', 'loss at weights', 'top Hessian eigenvalue', 'iterations', 'directions'],
      rows,
      [1, 2, 3],
    ),
  );
  const lines = withFile.flatMap(({ run, file }) =>
    file.line.alphas.map((a, i) => ({
      series: `${run.label} s${run.seed}`,
      x: a,
      y: toNumber(file.line.losses[i]),
    })),
  );
  html.push(
    await render(
      lineFigure(lines, 'Loss along one random direction', 'step along direction', 'loss'),
      `Loss at w + a d for a random Gaussian direction d (${[...new Set(withFile.map(({ file }) => file.normalization))].join(' / ')}-normalised).`,
    ),
  );
  for (const { run, file } of withFile) {
    if (!file.grid) continue;
    html.push(
      await render(
        landscapeFigure(
          { xs: file.grid.alphas, ys: file.grid.betas, values: file.grid.losses.map(toNumber) },
          `${escapeHtml(run.label)} seed ${run.seed}: 2-D loss slice`,
        ),
        `Loss at w + a d1 + b d2 (${file.normalization} directions).`,
      ),
    );
  }
  return html.join('\n');
}

/**
 * Trajectories of learnable activation parameters (runs with --learnable): one panel per activation
 * and parameter (first seed of each), one line per layer; channel-scoped parameters show their mean
 * over channels.
 */
export async function learnableSection(runs: readonly LoadedRun[], render: FigureRenderer): Promise<string> {
  const withRecords = runs.filter((r) => (r.extra['activation-params'] ?? []).length > 0);
  if (withRecords.length === 0) return '';
  const firstSeeds = [...new Set(withRecords.map((r) => r.label))].map(
    (label) => withRecords.filter((r) => r.label === label).sort((a, b) => a.seed - b.seed)[0],
  );
  const rows: LineRow[] = [];
  for (const run of firstSeeds) {
    for (const record of run.extra['activation-params']) {
      const values = (record.values ?? []) as { layer: string; param: string; mean: unknown }[];
      for (const v of values) {
        rows.push({
          series: v.layer,
          x: toNumber(record.step),
          y: toNumber(v.mean),
          panel: `${run.label} seed ${run.seed}: ${v.param}`,
        });
      }
    }
  }
  return [
    '<h3>Learnable activation parameters</h3>',
    `<p>Values after each validation (step 0: the start values), ${firstSeeds.length === withRecords.length ? '' : 'first seed of each activation, '}one line per layer; per-channel parameters as their mean over channels.</p>`,
    await render(
      lineFigure(rows, 'Learnable activation parameters', 'step', 'value'),
      'Trajectories of the trained activation parameters, per layer.',
    ),
  ].join('\n');
}
