/** Curves: f, f', f'' and the gate f(x)/x of the chosen activations, with zoom, pan and hover. */
import { Fragment } from 'preact';
import { useMemo, useRef } from 'preact/hooks';
import { lineFigure } from '../../lab/report/figures.js';
import { grid, type SampledCurves, sampleEntry } from '../catalog-view.js';
import { type Entry, entryLabel, formatEntry } from '../state.js';
import { Chart } from '../ui/chart.js';
import { EntryList, entryColor } from '../ui/entry-list.js';
import { ExportButtons } from '../ui/export-buttons.js';
import { perFrame } from '../ui/per-frame.js';

export const CURVE_POINTS = 1000;

const PANES = [
  { key: 'f', title: 'f(x)' },
  { key: 'd1', title: "f'(x)" },
  { key: 'd2', title: "f''(x) (central difference of the exact f')" },
  { key: 'gate', title: 'gate f(x)/x' },
] as const;

/** The two inputs of the x range: which end of [lo, hi] each edits. */
const RANGE_ENDS = [
  { id: 'range-lo', label: 'from', end: 0 },
  { id: 'range-hi', label: 'to', end: 1 },
] as const;

/** Timing of the last redraw's sampling, for the benchmark script. */
export const curveTiming = { sampleMs: 0 };

export interface CurvesPanelProps {
  entries: Entry[];
  range: [number, number];
  theme: string;
  onEntries(entries: Entry[]): void;
  onRange(range: [number, number]): void;
}

function rounded(range: [number, number]): [number, number] {
  const [lo, hi] = range.map((v) => Number(v.toPrecision(6)));
  return hi > lo ? [lo, hi] : range;
}

export function CurvesPanel(props: CurvesPanelProps) {
  const [lo, hi] = props.range;
  // Curves of the last redraw by entry, so a slider move samples only the entry it changed.
  const cache = useRef<{ range: string; x: Float64Array; byEntry: Map<string, SampledCurves> } | null>(null);
  const samples = useMemo(() => {
    const t0 = performance.now();
    const range = `${lo},${hi}`;
    const last = cache.current?.range === range ? cache.current : null;
    const x = last?.x ?? grid(lo, hi, CURVE_POINTS);
    const byEntry = new Map<string, SampledCurves>();
    const out = props.entries.map((entry) => {
      const key = formatEntry(entry);
      const curves = byEntry.get(key) ?? last?.byEntry.get(key) ?? sampleEntry(entry, x);
      byEntry.set(key, curves);
      return curves;
    });
    cache.current = { range, x, byEntry };
    curveTiming.sampleMs = performance.now() - t0;
    return { x, out };
  }, [props.entries, lo, hi]);
  const onRange = useRef(props.onRange);
  onRange.current = props.onRange;
  // Wheel zoom and drag pan fire faster than frames on some devices: one range per frame.
  const setRangePerFrame = useMemo(() => perFrame((r: [number, number]) => onRange.current(rounded(r))), []);
  const setRange = (r: [number, number]) => props.onRange(rounded(r));
  const zoom = (factor: number) => {
    const mid = (lo + hi) / 2;
    setRange([mid - ((hi - lo) / 2) * factor, mid + ((hi - lo) / 2) * factor]);
  };
  const pan = (fraction: number) => setRange([lo + (hi - lo) * fraction, hi + (hi - lo) * fraction]);
  const labels = props.entries.map(entryLabel);
  const figure = () => {
    // Every 4th point keeps exported SVGs small (250 points per curve).
    const rows = samples.out.flatMap((s: SampledCurves, i) =>
      PANES.flatMap((pane) =>
        Array.from({ length: Math.ceil(s.x.length / 4) }, (_, k) => ({
          series: labels[i],
          panel: pane.title.replace(/ \(.*\)$/, ''),
          x: s.x[k * 4],
          y: s[pane.key][k * 4],
        })),
      ),
    );
    return lineFigure(rows, 'Activations: f, derivatives and gate', 'x', '');
  };
  return (
    <section class="panel curves" aria-labelledby="curves-title">
      <h2 id="curves-title">Curves</h2>
      <div class="layout">
        <aside class="controls">
          <EntryList idPrefix="curves" entries={props.entries} onChange={props.onEntries} withParams={true} />
          <fieldset class="range">
            <legend>x range</legend>
            {RANGE_ENDS.map(({ id, label, end }) => (
              <Fragment key={id}>
                <label for={id}>{label}</label>
                <input
                  id={id}
                  type="number"
                  step="any"
                  value={[lo, hi][end]}
                  onChange={(e) => {
                    const next: [number, number] = [lo, hi];
                    next[end] = Number((e.currentTarget as HTMLInputElement).value);
                    setRange(next);
                  }}
                />
              </Fragment>
            ))}
            <div class="buttons">
              <button type="button" aria-label="Zoom in" onClick={() => zoom(0.8)}>
                +
              </button>
              <button type="button" aria-label="Zoom out" onClick={() => zoom(1.25)}>
                −
              </button>
              <button type="button" aria-label="Pan left" onClick={() => pan(-0.1)}>
                ←
              </button>
              <button type="button" aria-label="Pan right" onClick={() => pan(0.1)}>
                →
              </button>
              <button type="button" onClick={() => setRange([-5, 5])}>
                Reset
              </button>
            </div>
            <p class="muted small">Mouse wheel zooms, dragging pans.</p>
          </fieldset>
          <ExportButtons name="curves" make={figure} />
        </aside>
        <div class="charts grid2">
          {PANES.map((pane) => (
            <Chart
              key={pane.key}
              id={`chart-${pane.key}`}
              title={pane.title}
              xLabel="x"
              x={samples.x}
              series={samples.out.map((s, i) => ({
                label: labels[i],
                color: entryColor(i),
                values: s[pane.key],
              }))}
              xRange={props.range}
              onXRange={setRangePerFrame}
              syncKey="curves"
              theme={props.theme}
            />
          ))}
        </div>
      </div>
      <p class="muted small">
        Values from the catalog's WebAssembly kernels in float64 (within 4 ulp of the exact catalog); f'' is
        the central difference of f' with h = ∛ε·max(1, |x|), so a kink shows as a spike.
      </p>
    </section>
  );
}
