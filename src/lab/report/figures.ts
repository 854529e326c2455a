/**
 * The lab's figures as Vega-Lite (and, for contours, Vega) specs. Each builder takes plain rows and
 * returns a `Figure` for `renderSvg`. Every figure colours activations the same way (a fixed order of
 * names mapped onto one palette), so GoLU is the same colour in every plot of a report.
 */
import type * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { Figure } from './render.js';

/** 20 distinguishable colours (Tableau 20 reordered so the first ten are the saturated ones) */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#a0cbe8',
  '#ffbe7d',
  '#ff9d9a',
  '#86bcb6',
  '#8cd17d',
  '#f1ce63',
  '#d4a6c8',
  '#fabfd2',
  '#d7b5a6',
  '#79706e',
];

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { gridColor: '#eee', labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' as const },
};

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Colour encoding with a stable name -> colour map (names beyond 20 reuse the palette). */
function activationColor(names: readonly string[], title = 'activation') {
  return {
    field: 'activation',
    type: 'nominal' as const,
    title,
    scale: { domain: [...names], range: names.map((_, i) => PALETTE[i % PALETTE.length]) },
    sort: [...names],
  };
}

/**
 * The same colour encoding with a legend drawn as line swatches at full opacity. Layers under lines
 * (bands, filled densities) must not set `legend: null`: Vega-Lite then drops the merged legend.
 */
function lineLegendColor(names: readonly string[]) {
  return {
    ...activationColor(names),
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 },
  };
}

function uniqueInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function vl(spec: Omit<TopLevelSpec, '$schema' | 'config'> & Record<string, unknown>): Figure {
  return { kind: 'vega-lite', spec: { $schema: SCHEMA, config: CONFIG, ...spec } as TopLevelSpec };
}

/** One activation sampled on a grid: f, f' and (for self-gated ones) the gate f(x)/x. */
export interface ActivationCurve {
  activation: string;
  x: readonly number[];
  value: readonly number[];
  derivative: readonly number[];
  /** Normalised gate H(x) = f(x) / (c x), absent when f(x)/x is not a CDF. */
  gate?: readonly number[];
}

/** Three panels side by side: f(x), f'(x) and the gate, one coloured line per activation. */
export function activationCurvesFigure(curves: readonly ActivationCurve[], title = 'Activations'): Figure {
  const names = uniqueInOrder(curves.map((c) => c.activation));
  const rows: { activation: string; panel: string; x: number; y: number }[] = [];
  for (const c of curves) {
    for (let i = 0; i < c.x.length; i++) {
      rows.push({ activation: c.activation, panel: 'f(x)', x: c.x[i], y: c.value[i] });
      rows.push({ activation: c.activation, panel: "f'(x)", x: c.x[i], y: c.derivative[i] });
      if (c.gate) rows.push({ activation: c.activation, panel: 'gate f(x)/x', x: c.x[i], y: c.gate[i] });
    }
  }
  const panels = ['f(x)', "f'(x)", 'gate f(x)/x'].filter((p) => rows.some((r) => r.panel === p));
  const withoutGate = curves.filter((c) => !c.gate).map((c) => c.activation);
  return vl({
    title: {
      text: title,
      subtitle:
        withoutGate.length > 0
          ? `no CDF gate (f(x)/x is not a distribution function): ${withoutGate.join(', ')}`
          : '',
    },
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', sort: panels, title: null } },
    spec: {
      width: 260,
      height: 220,
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'x' },
        y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
        color: activationColor(names),
      },
    },
    resolve: { scale: { y: 'independent' } },
  });
}

/** A training metric per step for each activation: mean over seeds with a band (e.g. min-max or +-SEM). */
export interface CurveRow {
  activation: string;
  /** Panel, e.g. "train loss", "test accuracy". */
  metric: string;
  step: number;
  mean: number;
  lo: number;
  hi: number;
}

/** Training curves with seed bands, one panel per metric. */
export function trainingCurvesFigure(
  rows: readonly CurveRow[],
  title = 'Training curves',
  xTitle = 'step',
): Figure {
  const names = uniqueInOrder(rows.map((r) => r.activation));
  const metrics = uniqueInOrder(rows.map((r) => r.metric));
  const shortMetrics = metrics.filter((m) => {
    const counts = new Map<string, number>();
    for (const r of rows) if (r.metric === m) counts.set(r.activation, (counts.get(r.activation) ?? 0) + 1);
    return Math.max(...counts.values()) <= 12;
  });
  return vl({
    title: { text: title, subtitle: 'line: mean over seeds; band: spread over seeds' },
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: { column: { field: 'metric', type: 'nominal', sort: metrics, title: null } },
    spec: {
      width: 300,
      height: 220,
      encoding: {
        x: { field: 'step', type: 'quantitative', title: xTitle },
        color: lineLegendColor(names),
      },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: {
            y: { field: 'lo', type: 'quantitative', title: null, scale: { zero: false } },
            y2: { field: 'hi' },
          },
        },
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { y: { field: 'mean', type: 'quantitative', title: null } },
        },
        {
          // Points for short series (one evaluation per epoch): a lone point draws no line.
          transform: [{ filter: { field: 'metric', oneOf: shortMetrics } }],
          mark: { type: 'point', filled: true, size: 30 },
          encoding: { y: { field: 'mean', type: 'quantitative', title: null } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}

/** One bar per activation (and panel), with an optional +- error whisker. */
export interface BarRow {
  activation: string;
  value: number;
  error?: number;
  /** Panel title; bars with different panels go side by side. */
  panel?: string;
}

/** Bar chart of one quantity per activation (e.g. Var[f(X)]) in the rows' order, with whiskers. */
export function barFigure(rows: readonly BarRow[], title: string, subtitle = ''): Figure {
  const names = uniqueInOrder(rows.map((r) => r.activation));
  const values = rows.map((r) => ({
    activation: r.activation,
    value: r.value,
    lo: r.value - (r.error ?? 0),
    hi: r.value + (r.error ?? 0),
    panel: r.panel ?? title,
  }));
  const panels = uniqueInOrder(values.map((r) => r.panel));
  const hasError = rows.some((r) => r.error !== undefined && r.error > 0);
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: null },
        color: { ...activationColor(names), legend: null },
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
      encoding: {
        x: { field: hasError ? 'hi' : 'value', type: 'quantitative' },
        text: { field: 'value', type: 'quantitative', format: '.4~g' },
      },
    },
  ];
  if (hasError) {
    layer.splice(1, 0, {
      mark: { type: 'rule', color: '#333' },
      encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
    });
  }
  return vl({
    title: { text: title, subtitle },
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', sort: panels, title: null } },
    spec: {
      width: 240,
      height: { step: 16 },
      encoding: {
        y: {
          field: 'activation',
          type: 'nominal',
          title: null,
          // Rows keep the caller's order (an explicit list: value-sorting does not survive the facet).
          sort: names,
        },
      },
      layer,
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as Record<string, unknown> as Omit<TopLevelSpec, '$schema' | 'config'>);
}

/** Densities (KDE) evaluated on a grid, one line per activation. */
export interface DensityRow {
  activation: string;
  x: number;
  density: number;
}

/** Kernel density estimates as filled lines. */
export function densityFigure(rows: readonly DensityRow[], title: string, xTitle = 'value'): Figure {
  const names = uniqueInOrder(rows.map((r) => r.activation));
  return vl({
    title,
    width: 520,
    height: 260,
    data: { values: rows as unknown as Record<string, unknown>[] },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle },
      color: lineLegendColor(names),
    },
    layer: [
      {
        mark: { type: 'area', opacity: 0.12 },
        encoding: { y: { field: 'density', type: 'quantitative', title: 'density', stack: null } },
      },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'density', type: 'quantitative' } } },
    ],
  });
}

/** A 1-D curve per series: y against x (e.g. loss along a direction). */
export interface LineRow {
  series: string;
  x: number;
  y: number;
  /** Optional panel; rows with different panels are drawn side by side. */
  panel?: string;
}

/** Lines per series (coloured like activations), faceted by panel when rows carry one. */
export function lineFigure(
  rows: readonly LineRow[],
  title: string,
  xTitle: string,
  yTitle: string,
  logY = false,
): Figure {
  const names = uniqueInOrder(rows.map((r) => r.series));
  const panels = uniqueInOrder(rows.map((r) => r.panel ?? ''));
  const values = rows.map((r) => ({ activation: r.series, x: r.x, y: r.y, panel: r.panel ?? '' }));
  const points = rows.length / Math.max(1, names.length * panels.length);
  const single = {
    mark: { type: 'line' as const, strokeWidth: 2, point: points <= 30 },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, title: xTitle },
      y: {
        field: 'y',
        type: 'quantitative' as const,
        title: yTitle,
        scale: logY ? { type: 'log' as const } : { zero: false },
      },
      color: activationColor(names, 'series'),
    },
  };
  if (panels.length <= 1) return vl({ title, width: 420, height: 260, data: { values }, ...single });
  return vl({
    title,
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', sort: panels, title: null } },
    spec: { width: 260, height: 220, ...single },
  });
}

/** Histogram bins, precomputed (weights can number in the millions; the spec carries only the bins). */
export interface HistogramRow {
  activation: string;
  /** Panel, e.g. the layer name. */
  group: string;
  start: number;
  end: number;
  /** Density: count / (total * width), so histograms of different sizes compare. */
  density: number;
}

/** Overlaid step histograms per activation, one panel per group (layer). */
export function histogramFigure(rows: readonly HistogramRow[], title: string, xTitle = 'weight'): Figure {
  const names = uniqueInOrder(rows.map((r) => r.activation));
  const groups = uniqueInOrder(rows.map((r) => r.group));
  const values = rows.map((r) => ({ ...r, mid: 0.5 * (r.start + r.end) }));
  return vl({
    title,
    data: { values },
    facet: { column: { field: 'group', type: 'nominal', sort: groups, title: null } },
    spec: {
      width: 240,
      height: 200,
      mark: { type: 'line', interpolate: 'step', strokeWidth: 1.6 },
      encoding: {
        x: { field: 'mid', type: 'quantitative', title: xTitle },
        y: { field: 'density', type: 'quantitative', title: 'density' },
        color: activationColor(names),
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}

/** One cell of the learning-rate ablation. */
export interface HeatCell {
  activation: string;
  lr: number;
  mean: number;
  sem: number;
}

/** Activations x learning rates, coloured by the mean metric, labelled "mean +- SEM". */
export function lrHeatmapFigure(cells: readonly HeatCell[], metric: string, higherIsBetter: boolean): Figure {
  const lrs = [...new Set(cells.map((c) => c.lr))].sort((a, b) => b - a).map(String);
  const names = uniqueInOrder(cells.map((c) => c.activation));
  const values = cells.map((c) => ({
    activation: c.activation,
    lr: String(c.lr),
    mean: c.mean,
    label: `${formatShort(c.mean)} ± ${formatShort(c.sem)}`,
  }));
  const finite = cells.map((c) => c.mean).filter(Number.isFinite);
  const mid = finite.length > 0 ? (Math.min(...finite) + Math.max(...finite)) / 2 : 0;
  return vl({
    title: { text: `Learning-rate ablation: ${metric}`, subtitle: 'cell: mean ± SEM over seeds' },
    data: { values },
    width: { step: 86 },
    height: { step: 26 },
    encoding: {
      x: { field: 'lr', type: 'ordinal', sort: lrs, title: 'learning rate', axis: { labelAngle: 0 } },
      y: { field: 'activation', type: 'nominal', sort: names, title: null },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'mean',
            type: 'quantitative',
            title: metric,
            scale: { scheme: 'viridis', reverse: !higherIsBetter },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: {
            condition: { test: `datum.mean ${higherIsBetter ? '<' : '>'} ${mid}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  });
}

/** Cell text: one decimal from 10 up (accuracy in %), three significant digits below. */
function formatShort(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 10 ? x.toFixed(1) : Number(x.toPrecision(3)).toString();
}

/** Loss on a 2-D grid: values[j * xs.length + i] is the loss at (xs[i], ys[j]). */
export interface Grid2D {
  xs: readonly number[];
  ys: readonly number[];
  values: readonly number[];
}

/**
 * Heatmap with contour lines of a 2-D loss slice. Written in Vega (not Vega-Lite) because contours
 * need Vega's isocontour transform; the heatmap itself is one rect per grid cell.
 */
export function landscapeFigure(
  grid: Grid2D,
  title: string,
  xTitle = 'direction 1',
  yTitle = 'direction 2',
): Figure {
  const nx = grid.xs.length;
  const ny = grid.ys.length;
  if (nx < 2 || ny < 2 || grid.values.length !== nx * ny) {
    throw new RangeError(
      `landscape figure: need an nx*ny grid with nx, ny >= 2, got ${nx}x${ny} and ${grid.values.length} values`,
    );
  }
  const finite = grid.values.filter(Number.isFinite);
  if (finite.length === 0) throw new RangeError('landscape figure: every loss value is NaN or infinite');
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const dx = (grid.xs[nx - 1] - grid.xs[0]) / (nx - 1);
  const dy = (grid.ys[ny - 1] - grid.ys[0]) / (ny - 1);
  const cells: { x0: number; x1: number; y0: number; y1: number; loss: number }[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const loss = grid.values[j * nx + i];
      cells.push({
        x0: grid.xs[i] - dx / 2,
        x1: grid.xs[i] + dx / 2,
        y0: grid.ys[j] - dy / 2,
        y1: grid.ys[j] + dy / 2,
        loss,
      });
    }
  }
  // Isocontour treats value k of a row as the pixel [k, k+1] with row 0 on top, so rows are flipped
  // (ys ascend upward) and scaled by the pixel size of one cell; then contours sit on the rects.
  const rowsTopDown: number[] = [];
  for (let j = ny - 1; j >= 0; j--) {
    for (let i = 0; i < nx; i++) {
      const v = grid.values[j * nx + i];
      rowsTopDown.push(Number.isFinite(v) ? v : hi);
    }
  }
  // Levels evenly spaced in log(loss - min), so the basin shows detail, not only the walls.
  const levels: number[] = [];
  for (let k = 1; k <= 10; k++) levels.push(lo + ((hi - lo) * (10 ** (k / 10) - 1)) / 9);
  // Square cells: isocontour takes one scale factor for both axes.
  const cell = 320 / Math.max(nx, ny);
  const width = cell * nx;
  const height = cell * ny;
  const spec: vega.Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width,
    height,
    padding: 5,
    autosize: 'pad',
    title: { text: title, anchor: 'start', fontSize: 14, font: CONFIG.font },
    config: {
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
      text: { font: CONFIG.font },
    },
    data: [
      { name: 'cells', values: cells },
      {
        name: 'contours',
        values: [{ width: nx, height: ny, values: rowsTopDown }],
        transform: [{ type: 'isocontour', thresholds: levels, scale: cell }],
      },
    ],
    scales: [
      {
        name: 'x',
        type: 'linear',
        domain: [grid.xs[0] - dx / 2, grid.xs[nx - 1] + dx / 2],
        range: 'width',
        nice: false,
        zero: false,
      },
      {
        name: 'y',
        type: 'linear',
        domain: [grid.ys[0] - dy / 2, grid.ys[ny - 1] + dy / 2],
        range: 'height',
        nice: false,
        zero: false,
      },
      { name: 'color', type: 'linear', range: { scheme: 'viridis' }, domain: [lo, hi], zero: false },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: xTitle },
      { orient: 'left', scale: 'y', title: yTitle },
    ],
    legends: [{ fill: 'color', type: 'gradient', title: 'loss', gradientLength: height - 40 }],
    marks: [
      {
        type: 'rect',
        name: 'loss_cells',
        from: { data: 'cells' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'x0' },
            x2: { scale: 'x', field: 'x1' },
            y: { scale: 'y', field: 'y0' },
            y2: { scale: 'y', field: 'y1' },
            fill: { scale: 'color', field: 'loss' },
            // Stroke in the fill colour hides the hairline seams anti-aliasing leaves between cells.
            stroke: { scale: 'color', field: 'loss' },
            strokeWidth: { value: 0.5 },
          },
        },
      },
      {
        type: 'shape',
        name: 'contour_lines',
        from: { data: 'contours' },
        encode: {
          enter: { stroke: { value: 'white' }, strokeWidth: { value: 1 }, strokeOpacity: { value: 0.8 } },
        },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
    ],
  };
  return { kind: 'vega', spec };
}

/** One (activation, mean, std) cell of the eigen experiment: largest |eigenvalue| of f(X) and f'(X). */
export interface EigenHeatCell {
  activation: string;
  mean: number;
  std: number;
  output: number;
  derivative: number;
}

/**
 * The GoLU repository's eigen heatmaps: one row for f(X), one for f'(X), one panel per activation,
 * std on x and mean on y, cells labelled with their value; each row shares one colour scale (as the
 * repository's figure does), so panels in a row compare directly.
 */
export function eigenHeatmapFigure(cells: readonly EigenHeatCell[], size: number, draws: number): Figure {
  const names = uniqueInOrder(cells.map((c) => c.activation));
  const means = [...new Set(cells.map((c) => c.mean))].sort((a, b) => b - a).map(String);
  const stds = [...new Set(cells.map((c) => c.std))].sort((a, b) => a - b).map(String);
  const row = (field: 'output' | 'derivative', title: string) => {
    const values = cells.map((c) => ({
      activation: c.activation,
      mean: String(c.mean),
      std: String(c.std),
      value: c[field],
      label: formatShort(c[field]),
    }));
    return {
      title: { text: title, fontSize: 12 },
      data: { values },
      facet: { column: { field: 'activation', type: 'nominal' as const, sort: names, title: null } },
      spec: {
        width: { step: 44 },
        height: { step: 24 },
        encoding: {
          x: { field: 'std', type: 'ordinal' as const, sort: stds, title: 'std s', axis: { labelAngle: 0 } },
          y: { field: 'mean', type: 'ordinal' as const, sort: means, title: 'mean m' },
        },
        layer: [
          {
            mark: 'rect' as const,
            encoding: {
              color: {
                field: 'value',
                type: 'quantitative' as const,
                title: field === 'output' ? 'max |λ| f(X)' : "max |λ| f'(X)",
                scale: { scheme: 'blueorange' },
              },
            },
          },
          {
            mark: { type: 'text' as const, fontSize: 9 },
            encoding: { text: { field: 'label', type: 'nominal' as const } },
          },
        ],
      },
    };
  };
  return vl({
    title: {
      text: 'Largest absolute eigenvalue of f(X) and f′(X)',
      subtitle: `X: ${size}×${size}, entries N(m, s²), mean over ${draws} draw${draws === 1 ? '' : 's'}`,
    },
    vconcat: [row('output', 'f(X)'), row('derivative', "f'(X)")],
    resolve: { scale: { color: 'independent' } },
  });
}
