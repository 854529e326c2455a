/**
 * Sweep figures (Vega-Lite, rendered to SVG by report/render.ts): a heatmap per activation for two-axis
 * grids, curves for one-axis grids, bars when only the activation varies. Axis values are kept as the
 * sweep file's labels, in its order; missing cells are drawn grey and labelled.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Figure } from '../report/render.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' as const },
};

function vl(spec: Record<string, unknown>): Figure {
  return { kind: 'vega-lite', spec: { $schema: SCHEMA, config: CONFIG, ...spec } as unknown as TopLevelSpec };
}

/** Cell text: one decimal from 10 up (accuracy in %), three significant digits below. */
function short(x: number): string {
  return Math.abs(x) >= 10 ? x.toFixed(1) : Number(x.toPrecision(3)).toString();
}

export interface GridCell {
  /** Panel (the activation). */
  panel: string;
  x: string;
  y: string;
  /** null: no finished seed. */
  mean: number | null;
  sem: number | null;
  /** Extra text: "missing", "2/3" seeds. */
  note: string;
}

export function heatmapFigure(
  cells: readonly GridCell[],
  o: {
    title: string;
    xTitle: string;
    yTitle: string;
    xOrder: string[];
    yOrder: string[];
    higherIsBetter: boolean;
    metric: string;
  },
): Figure {
  const panels = [...new Set(cells.map((c) => c.panel))];
  const finite = cells.flatMap((c) => (c.mean === null ? [] : [c.mean]));
  const mid = finite.length > 0 ? (Math.min(...finite) + Math.max(...finite)) / 2 : 0;
  const values = cells.map((c) => ({
    panel: c.panel,
    x: c.x,
    y: c.y,
    mean: c.mean,
    missing: c.mean === null,
    label:
      c.mean === null
        ? c.note || 'missing'
        : `${short(c.mean)}${c.sem === null ? '' : ` ± ${short(c.sem)}`}${c.note ? ` (${c.note})` : ''}`,
  }));
  return vl({
    title: { text: o.title, subtitle: 'cell: mean ± SEM over seeds; grey: no finished seed' },
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', sort: panels, title: null } },
    spec: {
      width: { step: 78 },
      height: { step: 28 },
      encoding: {
        x: { field: 'x', type: 'ordinal', sort: o.xOrder, title: o.xTitle, axis: { labelAngle: 0 } },
        y: { field: 'y', type: 'ordinal', sort: o.yOrder, title: o.yTitle },
      },
      layer: [
        { transform: [{ filter: 'datum.missing' }], mark: { type: 'rect', color: '#ddd' } },
        {
          transform: [{ filter: '!datum.missing' }],
          mark: 'rect',
          encoding: {
            color: {
              field: 'mean',
              type: 'quantitative',
              title: o.metric,
              scale: { scheme: 'viridis', reverse: !o.higherIsBetter },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 9 },
          encoding: {
            text: { field: 'label', type: 'nominal' },
            color: {
              condition: {
                test: `!datum.missing && datum.mean ${o.higherIsBetter ? '<' : '>'} ${mid}`,
                value: 'white',
              },
              value: 'black',
            },
          },
        },
      ],
    },
  });
}

export interface CurvePoint {
  series: string;
  x: string;
  mean: number | null;
  sem: number;
}

export function curvesFigure(
  points: readonly CurvePoint[],
  o: { title: string; xTitle: string; yTitle: string; xOrder: string[] },
): Figure {
  const values = points
    .filter((p) => p.mean !== null)
    .map((p) => ({ series: p.series, x: p.x, mean: p.mean, lo: p.mean! - p.sem, hi: p.mean! + p.sem }));
  const series = [...new Set(points.map((p) => p.series))];
  const x = { field: 'x', type: 'ordinal', sort: o.xOrder, title: o.xTitle, axis: { labelAngle: 0 } };
  const color = { field: 'series', type: 'nominal', sort: series, title: 'activation' };
  return vl({
    title: { text: o.title, subtitle: 'mean over seeds; whiskers: ± SEM' },
    data: { values },
    width: 420,
    height: 260,
    layer: [
      {
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: o.yTitle, scale: { zero: false } },
          color,
        },
      },
      {
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
      },
    ],
  });
}

export interface BarPoint {
  series: string;
  mean: number;
  sem: number;
}

export function barsFigure(points: readonly BarPoint[], o: { title: string; xTitle: string }): Figure {
  const values = points.map((p) => ({ ...p, lo: p.mean - p.sem, hi: p.mean + p.sem }));
  const series = points.map((p) => p.series);
  const y = { field: 'series', type: 'nominal', sort: series, title: null };
  return vl({
    title: { text: o.title, subtitle: 'mean over seeds; whiskers: ± SEM' },
    data: { values },
    width: 320,
    height: { step: 18 },
    layer: [
      {
        mark: 'bar',
        encoding: { y, x: { field: 'mean', type: 'quantitative', title: o.xTitle } },
      },
      {
        mark: { type: 'rule', color: '#333' },
        encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
        encoding: {
          y,
          x: { field: 'hi', type: 'quantitative' },
          text: { field: 'mean', type: 'quantitative', format: '.4~g' },
        },
      },
    ],
  });
}
