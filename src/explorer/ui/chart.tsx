/**
 * A line chart on uPlot (canvas): chosen for the live curves because it redraws thousands of points in
 * about a millisecond, which Vega-Lite (used for exported figures and reports) does not. Optional x-axis
 * zoom (mouse wheel) and pan (drag) for the curves panel, seed bands, hover readout in the legend, and
 * a shared cursor between charts with the same `syncKey`.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: ArrayLike<number | null>;
  /** Seed band: indices of the band's low and high series in the same chart (drawn without a line). */
  band?: { lo: ArrayLike<number | null>; hi: ArrayLike<number | null> };
  dash?: number[];
}

export interface ChartProps {
  id: string;
  title: string;
  xLabel: string;
  yLabel?: string;
  x: ArrayLike<number>;
  series: readonly ChartSeries[];
  height?: number;
  /** Fixed x range (curves panel); the chart then zooms and pans by calling onXRange. */
  xRange?: [number, number];
  onXRange?(range: [number, number]): void;
  syncKey?: string;
  /** Hover readout: formats the legend value for series i at data index. */
  format?(value: number | null): string;
  /** Recreate the chart when this changes (theme). */
  theme: string;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

const defaultFormat = (v: number | null) =>
  v === null || !Number.isFinite(v) ? '—' : Number(v.toPrecision(6)).toString();

function buildData(props: ChartProps): uPlot.AlignedData {
  const columns: ArrayLike<number | null>[] = [props.x];
  for (const s of props.series) {
    columns.push(s.values);
    if (s.band) columns.push(s.band.lo, s.band.hi);
  }
  return columns as unknown as uPlot.AlignedData;
}

function buildOptions(
  props: ChartProps,
  width: number,
  rangeRef: { current?: [number, number] },
): uPlot.Options {
  const axisColor = cssVar('--fg-muted', '#555');
  const gridColor = cssVar('--grid', '#eee');
  const format = props.format ?? defaultFormat;
  const series: uPlot.Series[] = [{ label: props.xLabel, value: (_u, v) => defaultFormat(v) }];
  const bands: uPlot.Band[] = [];
  for (const s of props.series) {
    series.push({
      label: s.label,
      stroke: s.color,
      width: 2,
      dash: s.dash,
      value: (_u, v) => format(v),
      spanGaps: true,
    });
    if (s.band) {
      const lo = series.length;
      // Two invisible series, the band's low and high edges, filled between by the band below.
      for (const edge of ['low', 'high']) {
        series.push({
          label: `${s.label} ${edge}`,
          stroke: 'transparent',
          width: 0,
          points: { show: false },
          value: (_u, v) => format(v),
          spanGaps: true,
        });
      }
      bands.push({ series: [lo + 1, lo], fill: `${s.color}33` });
    }
  }
  const axis = {
    stroke: axisColor,
    grid: { stroke: gridColor, width: 1 },
    ticks: { stroke: gridColor, width: 1 },
  };
  return {
    title: props.title,
    width,
    height: props.height ?? 240,
    series,
    bands,
    cursor: props.syncKey
      ? { sync: { key: props.syncKey }, drag: { x: !props.xRange, y: false } }
      : { drag: { x: !props.xRange, y: false } },
    scales: props.xRange
      ? { x: { time: false, auto: false, range: () => rangeRef.current ?? [0, 1] } }
      : { x: { time: false } },
    axes: [
      { ...axis, label: props.xLabel },
      { ...axis, label: props.yLabel, size: 60 },
    ],
    legend: { live: true },
  };
}

/** Wheel zoom around the cursor and drag pan, reported through onXRange (the state owns the range). */
function attachZoomPan(
  u: uPlot,
  rangeRef: { current?: [number, number] },
  onXRange: (r: [number, number]) => void,
) {
  const over = u.over;
  const xAt = (clientX: number) => u.posToVal(clientX - over.getBoundingClientRect().left, 'x');
  over.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const [lo, hi] = rangeRef.current ?? [0, 1];
      const at = xAt(event.clientX);
      const factor = event.deltaY > 0 ? 1.25 : 0.8;
      onXRange([at - (at - lo) * factor, at + (hi - at) * factor]);
    },
    { passive: false },
  );
  over.addEventListener('pointerdown', (event) => {
    const start = rangeRef.current ?? [0, 1];
    const width = over.getBoundingClientRect().width;
    const x0 = event.clientX;
    over.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => {
      const shift = ((x0 - e.clientX) / width) * (start[1] - start[0]);
      onXRange([start[0] + shift, start[1] + shift]);
    };
    const up = () => {
      over.removeEventListener('pointermove', move);
      over.removeEventListener('pointerup', up);
    };
    over.addEventListener('pointermove', move);
    over.addEventListener('pointerup', up);
  });
}

/** New series labels in place: uPlot's series objects and their legend rows (band edges keep theirs). */
function relabel(u: uPlot, series: readonly ChartSeries[]) {
  const rows = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
  let index = 1;
  for (const s of series) {
    const labels = s.band ? [s.label, `${s.label} low`, `${s.label} high`] : [s.label];
    for (const label of labels) {
      if (u.series[index].label !== label) {
        u.series[index].label = label;
        const text = rows[index]?.querySelector('.u-label');
        if (text) text.textContent = label;
      }
      index++;
    }
  }
}

export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const rangeRef = useRef<[number, number] | undefined>(props.xRange);
  const onRange = useRef(props.onXRange);
  onRange.current = props.onXRange;
  rangeRef.current = props.xRange;
  // A new theme, title or series layout (count, colours, bands) rebuilds the chart. New values and new
  // labels (a slider turns "golu" into "golu(gamma=1.5)") only update it: rebuilding four uPlot instances
  // per slider move cost ~20 ms of script plus the layout of their new DOM.
  const shape = `${props.theme}|${props.title}|${props.series.map((s) => `${s.color}:${s.band ? 'b' : ''}`).join(',')}`;

  // Layout effects, this one first: a new layout is built before the data effect below runs, in the
  // same task (the data effect must never see an old chart with a new series list).
  const built = useRef(false);
  useLayoutEffect(() => {
    const element = host.current!;
    const width = Math.max(240, element.clientWidth);
    const u = new uPlot(buildOptions(props, width, rangeRef), buildData(props), element);
    plot.current = u;
    built.current = true;
    if (props.xRange) attachZoomPan(u, rangeRef, (r) => onRange.current?.(r));
    // Band edges are series too (uPlot fills between series); keep them out of the legend.
    const rows = element.querySelectorAll<HTMLElement>('.u-legend .u-series');
    u.series.forEach((s, i) => {
      if (/ (low|high)$/.test(String(s.label)) && rows[i]) rows[i].style.display = 'none';
    });
    const resize = new ResizeObserver(() => {
      const w = Math.max(240, element.clientWidth);
      if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height: u.height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  // Layout effect: new data is drawn in the same task as the state change, before the next frame.
  useLayoutEffect(() => {
    const u = plot.current;
    if (u === null) return;
    if (built.current) {
      built.current = false; // just built with these props
      return;
    }
    relabel(u, props.series);
    u.setData(buildData(props), !props.xRange);
    if (props.xRange) u.setScale('x', { min: props.xRange[0], max: props.xRange[1] });
  });

  return (
    <div class="chart" id={props.id} data-chart={props.id} ref={host} aria-label={props.title} role="img" />
  );
}
