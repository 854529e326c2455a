/**
 * Statistics under X ~ N(mu, sigma^2), live: E[f], Var[f], E[f'], E[f'^2] by the lab's quadrature, the
 * ranking by variance and the gate as a distribution: the numbers of `gatelab stats`, computed by the
 * same modules in a worker and shown with the same significant digits.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { GlobalMinimum } from '../../lab/fn/minimize.js';
import type { ActivationStats } from '../../lab/fn/stats.js';
import { barFigure } from '../../lab/report/figures.js';
import { type Entry, entryLabel } from '../state.js';
import { figureSvg } from '../ui/export.js';
import { ExportButtons } from '../ui/export-buttons.js';
import type { StatsRequest, StatsResponse } from '../workers/stats-protocol.js';

/** Significant digits as `gatelab stats` prints them (0 for |x| < 1e-12, inf, NaN). */
export function significant(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0 || Math.abs(x) < 1e-12) return '0';
  return Number(x.toPrecision(digits)).toString();
}

/** min f and where it is reached, written as `gatelab stats` writes them. */
function minimumCells(m: GlobalMinimum): [string, string] {
  if (m.kind === 'unbounded') return ['-inf', 'x->-inf'];
  const where =
    m.kind === 'attained'
      ? significant(m.x, 6)
      : m.kind === 'flat'
        ? `x<=${significant(m.upTo, 6)}`
        : 'x->-inf';
  return [significant(m.value, 6), where];
}

export interface StatsPanelProps {
  entries: Entry[];
  mu: number;
  sigma: number;
  onMoments(mu: number, sigma: number): void;
}

interface Row {
  label: string;
  stats: ActivationStats;
}

let worker: Worker | undefined;
/** Request ids are unique across mounts of the panel (they share the worker). */
let lastRequestId = 0;
function statsWorker(): Worker {
  worker ??= new Worker(new URL('../workers/stats-worker.ts', import.meta.url), { type: 'module' });
  return worker;
}

/** Slider position 0..1000 for sigma on a log scale over [0.05, 20]. */
const SIGMA_LO = 0.05;
const SIGMA_HI = 20;
const sigmaToPos = (s: number) =>
  Math.round(
    (1000 * Math.log(Math.min(SIGMA_HI, Math.max(SIGMA_LO, s)) / SIGMA_LO)) / Math.log(SIGMA_HI / SIGMA_LO),
  );
const posToSigma = (p: number) => Number((SIGMA_LO * (SIGMA_HI / SIGMA_LO) ** (p / 1000)).toPrecision(3));

export function StatsPanel(props: StatsPanelProps) {
  const [rows, setRows] = useState<Row[]>([]);
  const [status, setStatus] = useState('computing…');
  const [svg, setSvg] = useState('');
  const request = useRef(0);
  const schedule = useRef<((message: StatsRequest) => void) | null>(null);

  // One request in flight: while the worker computes, newer slider values replace each other and
  // only the latest is sent next, so the table never lags behind a queue of stale requests.
  const inFlight = useRef(false);
  const latest = useRef<StatsRequest | null>(null);
  const entriesOf = useRef(new Map<number, Entry[]>());
  useEffect(() => {
    const w = statsWorker();
    const send = () => {
      const next = latest.current;
      if (next === null) return;
      latest.current = null;
      inFlight.current = true;
      w.postMessage(next);
    };
    const listener = (event: MessageEvent<StatsResponse>) => {
      const entries = entriesOf.current.get(event.data.id);
      if (entries === undefined) return; // an answer to an earlier mount of the panel
      entriesOf.current.delete(event.data.id);
      inFlight.current = false;
      send();
      if (event.data.id !== request.current) return; // superseded while computing
      if (event.data.error) {
        setStatus(`error: ${event.data.error}`);
        return;
      }
      const labelled = event.data.rows.map((stats, i) => ({ label: entryLabel(entries[i]), stats }));
      labelled.sort((a, b) => a.stats.moments.variance.value - b.stats.moments.variance.value);
      setRows(labelled);
      setStatus(`computed in ${event.data.ms.toFixed(0)} ms`);
    };
    w.addEventListener('message', listener);
    schedule.current = (message: StatsRequest) => {
      if (latest.current !== null) entriesOf.current.delete(latest.current.id); // never sent
      latest.current = message;
      if (!inFlight.current) send();
    };
    return () => {
      w.removeEventListener('message', listener);
      schedule.current = null;
    };
  }, []);

  useEffect(() => {
    const id = ++lastRequestId;
    request.current = id;
    entriesOf.current.set(id, props.entries);
    schedule.current?.({ id, entries: props.entries, mu: props.mu, sigma: props.sigma });
    setStatus('computing…');
  }, [props.entries, props.mu, props.sigma]);

  const figure = () =>
    rows.length === 0
      ? null
      : barFigure(
          rows.flatMap((r) => [
            { activation: r.label, value: r.stats.moments.variance.value, panel: 'Var[f(X)]' },
            { activation: r.label, value: r.stats.moments.meanSquaredSlope.value, panel: "E[f'(X)^2]" },
          ]),
          'Output variance and squared slope under a Gaussian input',
          `X ~ N(${props.mu}, ${props.sigma}^2)`,
        );

  useEffect(() => {
    const f = figure();
    if (f === null) return;
    let live = true;
    figureSvg(f)
      .then((text) => live && setSvg(text))
      .catch((e: Error) => live && setStatus(`figure failed: ${e.message}`));
    return () => {
      live = false;
    };
  }, [rows]);

  return (
    <section class="panel stats" aria-labelledby="stats-title">
      <h2 id="stats-title">Statistics under X ~ N(μ, σ²)</h2>
      <div class="moments-controls">
        <label for="mu-slider">μ</label>
        <input
          id="mu-slider"
          type="range"
          min={-300}
          max={300}
          value={Math.round(props.mu * 100)}
          aria-valuetext={String(props.mu)}
          onInput={(e) =>
            props.onMoments(Number((e.currentTarget as HTMLInputElement).value) / 100, props.sigma)
          }
        />
        <input
          id="mu-text"
          class="exact"
          type="number"
          step="any"
          aria-label="μ exact value"
          value={props.mu}
          onChange={(e) => {
            const v = Number((e.currentTarget as HTMLInputElement).value);
            if (Number.isFinite(v)) props.onMoments(v, props.sigma);
          }}
        />
        <label for="sigma-slider">
          σ <span class="muted">log</span>
        </label>
        <input
          id="sigma-slider"
          type="range"
          min={0}
          max={1000}
          value={sigmaToPos(props.sigma)}
          aria-valuetext={String(props.sigma)}
          onInput={(e) =>
            props.onMoments(props.mu, posToSigma(Number((e.currentTarget as HTMLInputElement).value)))
          }
        />
        <input
          id="sigma-text"
          class="exact"
          type="number"
          step="any"
          min={0}
          aria-label="σ exact value (> 0)"
          value={props.sigma}
          onChange={(e) => {
            const v = Number((e.currentTarget as HTMLInputElement).value);
            if (v > 0 && Number.isFinite(v)) props.onMoments(props.mu, v);
          }}
        />
        <span class="muted small" aria-live="polite" id="stats-status">
          {status}
        </span>
      </div>
      <div class="table-scroll">
        <table id="stats-table">
          <caption>
            Ranked by Var[f(X)] (lowest first); moments by adaptive Gauss-Kronrod quadrature (relative error
            target 1e-12), as `gatelab stats --mu {props.mu} --sigma {props.sigma}`.
          </caption>
          <thead>
            <tr>
              <th scope="col">rank</th>
              <th scope="col">activation</th>
              <th scope="col">f(0)</th>
              <th scope="col">f'(0)</th>
              <th scope="col">min f</th>
              <th scope="col">at x</th>
              <th scope="col">gate median</th>
              <th scope="col">gate mean</th>
              <th scope="col">gate sd</th>
              <th scope="col">gate skew</th>
              <th scope="col">E[f(X)]</th>
              <th scope="col">Var[f(X)]</th>
              <th scope="col">E[f'(X)]</th>
              <th scope="col">E[f'(X)^2]</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const m = r.stats.moments;
              const g = r.stats.gate;
              const [minimum, minimumAt] = minimumCells(r.stats.minimum);
              return (
                <tr key={r.label} data-activation={r.label}>
                  <td>{i + 1}</td>
                  <th scope="row">{r.label}</th>
                  <td>{significant(r.stats.valueAtZero, 5)}</td>
                  <td>{significant(r.stats.slopeAtZero, 5)}</td>
                  <td>{minimum}</td>
                  <td>{minimumAt}</td>
                  {g.applies ? (
                    <>
                      <td data-key="gateMedian">{significant(g.median, 5)}</td>
                      <td data-key="gateMean">{significant(g.mean, 5)}</td>
                      <td data-key="gateSd">{significant(g.std, 5)}</td>
                      <td data-key="gateSkewness">{significant(g.skewness, 5)}</td>
                    </>
                  ) : (
                    <td colSpan={4} class="muted small">
                      no CDF gate: {g.reason}
                    </td>
                  )}
                  <td data-key="mean">{significant(m.mean.value, 10)}</td>
                  <td data-key="variance">{significant(m.variance.value, 10)}</td>
                  <td data-key="meanSlope">{significant(m.meanSlope.value, 10)}</td>
                  <td data-key="meanSquaredSlope">{significant(m.meanSquaredSlope.value, 10)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div
        class="figure"
        id="stats-figure"
        role="img"
        aria-label="Bars of Var[f(X)] and E[f'(X)^2]"
        dangerouslySetInnerHTML={{ __html: svg }}
      />
      <ExportButtons name="stats" make={figure} />
    </section>
  );
}
