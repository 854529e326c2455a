/**
 * Training in the page: the chosen activations x seeds on a preset (lab model + bundled data) in a Web
 * Worker with jax-js; live loss and validation-accuracy curves (mean over seeds, band = min..max),
 * steps/s and device; pause, resume, stop; then the `gatelab compare` table and ranking and a zip of
 * the runs in the lab's run-folder format.
 */
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MetricKind } from '../../lab/metrics/kinds.js';
import { type CurveRow, trainingCurvesFigure } from '../../lab/report/figures.js';
import { makeRunId } from '../../lab/runs/run-folder.js';
import { DEVICES, type Entry, entryLabel, OPTIMIZERS, PRESETS, type TrainSettings } from '../state.js';
import {
  type BrowserComparison,
  compareRuns,
  comparisonZip,
  type FinishedRun,
} from '../training/compare-files.js';
import { PRESET_SPECS } from '../training/presets.js';
import type { FromWorker, RunInfo, ToWorker, TrainSetup } from '../training/protocol.js';
import { Chart } from '../ui/chart.js';
import { EntryList, entryColor } from '../ui/entry-list.js';
import { download } from '../ui/export.js';
import { ExportButtons } from '../ui/export-buttons.js';

/** The settings entered as whole numbers >= 1 (a bad entry is an error naming the field). */
const COUNT_FIELDS = [
  { key: 'steps', id: 'train-steps', label: 'Steps' },
  { key: 'batchSize', id: 'train-batch', label: 'Batch size' },
] as const;

type Phase = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'error';

interface Live {
  runs: RunInfo[];
  totalSteps: number;
  kind: MetricKind;
  device: string;
  note: string;
  model: string;
  data: string;
  /** loss[run][step - 1] */
  loss: (number | null)[][];
  /** Validation evaluations per run: step -> accuracy / loss. */
  evals: Map<number, { accuracy: number; loss: number }>[];
  finished: FinishedRun[];
  stepsPerSecond: number;
  doneSteps: number;
}

/** What the tests and scripts read (window.gatelabExplorer.training). */
export const trainingProbe: {
  phase: Phase;
  live: Live | null;
  comparison: BrowserComparison | null;
  error: string;
} = {
  phase: 'idle',
  live: null,
  comparison: null,
  error: '',
};

function parseSeeds(text: string): number[] | string {
  const seeds = text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0))
    return `'${text}' is not a list of seeds like 0,1,2`;
  if (new Set(seeds).size !== seeds.length) return `'${text}' repeats a seed`;
  return seeds;
}

/** Mean and min..max over the seeds of each label, at each index of the per-run series. */
function aggregate(live: Live, series: (run: number) => (number | null)[], length: number) {
  const labels = [...new Set(live.runs.map((r) => r.label))];
  return labels.map((label) => {
    const members = live.runs.filter((r) => r.label === label).map((r) => series(r.index));
    const mean: (number | null)[] = [];
    const lo: (number | null)[] = [];
    const hi: (number | null)[] = [];
    for (let i = 0; i < length; i++) {
      const values = members
        .map((m) => m[i])
        .filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
      if (values.length === 0) {
        mean.push(null);
        lo.push(null);
        hi.push(null);
      } else {
        mean.push(values.reduce((a, b) => a + b, 0) / values.length);
        lo.push(Math.min(...values));
        hi.push(Math.max(...values));
      }
    }
    return { label, mean, lo, hi };
  });
}

export interface TrainPanelProps {
  settings: TrainSettings;
  curveEntries: Entry[];
  theme: string;
  onSettings(settings: TrainSettings): void;
}

export function TrainPanel(props: TrainPanelProps) {
  const s = props.settings;
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState('');
  const [seedText, setSeedText] = useState(s.seeds.join(','));
  const [, setFrame] = useState(0);
  const live = useRef<Live | null>(null);
  const worker = useRef<Worker | null>(null);
  const comparison = useRef<BrowserComparison | null>(null);
  const scheduled = useRef(false);
  const setup = (next: Partial<TrainSettings>) => props.onSettings({ ...s, ...next });

  useEffect(() => setSeedText(s.seeds.join(',')), [s.seeds]);
  useEffect(() => () => worker.current?.terminate(), []);

  const redraw = () => {
    if (scheduled.current) return;
    scheduled.current = true;
    requestAnimationFrame(() => {
      scheduled.current = false;
      setFrame((f) => f + 1);
    });
  };
  const changePhase = (p: Phase) => {
    trainingProbe.phase = p;
    setPhase(p);
  };

  const start = () => {
    if (s.activations.length === 0) {
      setError('choose at least one activation');
      return;
    }
    worker.current?.terminate();
    comparison.current = null;
    trainingProbe.comparison = null;
    setError('');
    changePhase('starting');
    const w = new Worker(new URL('../workers/train-worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    const compareId = makeRunId(['explore', s.preset]);
    const message: ToWorker = {
      type: 'start',
      setup: {
        preset: s.preset,
        activations: s.activations.map((e) => ({ name: e.name, params: e.params })),
        seeds: s.seeds,
        lr: s.lr,
        optimizer: s.optimizer,
        steps: s.steps,
        batchSize: s.batchSize,
        device: s.device,
        dataUrl: new URL('data/', document.baseURI).href,
        compareId,
      } satisfies TrainSetup,
    };
    w.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      const l = live.current;
      switch (m.type) {
        case 'ready':
          live.current = {
            runs: m.runs,
            totalSteps: m.totalSteps,
            kind: m.kind,
            device: m.device,
            note: m.note,
            model: m.model,
            data: m.data,
            loss: m.runs.map(() => new Array(m.totalSteps).fill(null)),
            evals: m.runs.map(() => new Map()),
            finished: [],
            stepsPerSecond: 0,
            doneSteps: 0,
          };
          trainingProbe.live = live.current;
          changePhase('running');
          break;
        case 'step':
          if (l) {
            l.loss[m.run][m.step - 1] = m.loss;
            l.stepsPerSecond = m.stepsPerSecond;
            l.doneSteps = m.doneSteps;
          }
          break;
        case 'eval':
          if (l && m.split === 'val') l.evals[m.run].set(m.step, { accuracy: m.accuracy, loss: m.loss });
          break;
        case 'run-done':
          l?.finished.push({ info: l.runs[m.run], files: m.files, summary: m.summary });
          break;
        case 'state':
          changePhase(m.state);
          break;
        case 'done':
          if (l) {
            comparison.current = compareRuns({
              id: compareId,
              task: s.preset,
              kind: l.kind,
              seeds: s.seeds,
              wallSeconds: m.wallSeconds,
              device: l.device,
              runs: l.finished,
              details: [
                `training: ${l.totalSteps} steps, batch ${s.batchSize}, ${s.optimizer} lr ${s.lr}${m.stopped ? ' (stopped early: see stepsDone in each summary)' : ''}`,
              ],
            });
            trainingProbe.comparison = comparison.current;
          }
          changePhase('done');
          w.terminate();
          worker.current = null;
          break;
        case 'error':
          trainingProbe.error = m.message;
          setError(m.message);
          changePhase('error');
          w.terminate();
          worker.current = null;
          break;
      }
      redraw();
    };
    w.onerror = (event) => {
      trainingProbe.error = event.message;
      setError(`worker failed: ${event.message}`);
      changePhase('error');
    };
    w.postMessage(message);
  };
  const send = (message: ToWorker) => worker.current?.postMessage(message);

  const l = live.current;
  const steps = l ? Array.from({ length: l.totalSteps }, (_, i) => i + 1) : [];
  const lossSeries = l ? aggregate(l, (run) => l.loss[run], l.totalSteps) : [];
  const accSeries = l
    ? aggregate(l, (run) => steps.map((step) => l.evals[run].get(step)?.accuracy ?? null), l.totalSteps)
    : [];
  const colorOf = (label: string) => {
    const i = s.activations.findIndex((e) => entryLabel(e) === label);
    return entryColor(Math.max(i, 0));
  };
  const running = phase === 'running' || phase === 'paused' || phase === 'starting' || phase === 'stopping';
  const preset = PRESET_SPECS[s.preset];
  const accuracyName = l?.kind === 'language' ? 'validation token accuracy' : 'validation accuracy';
  const figure = () => {
    if (!l) return null;
    const rows: CurveRow[] = [];
    const add = (metric: string, series: typeof lossSeries) => {
      for (const x of series) {
        x.mean.forEach((mean, i) => {
          if (mean !== null)
            rows.push({ activation: x.label, metric, step: i + 1, mean, lo: x.lo[i]!, hi: x.hi[i]! });
        });
      }
    };
    add('train loss', lossSeries);
    add(accuracyName, accSeries);
    return trainingCurvesFigure(rows, `Training in the browser: ${s.preset}`);
  };

  return (
    <section class="panel train" aria-labelledby="train-title">
      <h2 id="train-title">Training in the page</h2>
      <div class="layout">
        <aside class="controls">
          <label for="train-preset">Model and data</label>
          <select
            id="train-preset"
            value={s.preset}
            disabled={running}
            onChange={(e) =>
              setup({ preset: (e.currentTarget as HTMLSelectElement).value as TrainSettings['preset'] })
            }
          >
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {p}: {PRESET_SPECS[p].title}
              </option>
            ))}
          </select>
          <fieldset disabled={running}>
            <legend>Activations</legend>
            <EntryList
              idPrefix="train"
              entries={s.activations}
              onChange={(activations) => setup({ activations })}
              withParams={false}
            />
            <button type="button" onClick={() => setup({ activations: props.curveEntries })}>
              Use the curves panel's activations
            </button>
          </fieldset>
          <fieldset disabled={running} class="form-grid">
            <label for="train-seeds">Seeds</label>
            <input
              id="train-seeds"
              value={seedText}
              onInput={(e) => setSeedText((e.currentTarget as HTMLInputElement).value)}
              onChange={(e) => {
                const seeds = parseSeeds((e.currentTarget as HTMLInputElement).value);
                if (typeof seeds === 'string') setError(`seeds: ${seeds}`);
                else {
                  setError('');
                  setup({ seeds });
                }
              }}
            />
            <label for="train-lr">Learning rate</label>
            <input
              id="train-lr"
              type="number"
              step="any"
              min={0}
              value={s.lr}
              onChange={(e) => {
                const lr = Number((e.currentTarget as HTMLInputElement).value);
                if (lr > 0 && Number.isFinite(lr)) setup({ lr });
                else
                  setError(`learning rate must be > 0, got '${(e.currentTarget as HTMLInputElement).value}'`);
              }}
            />
            <label for="train-optimizer">Optimizer</label>
            <select
              id="train-optimizer"
              value={s.optimizer}
              onChange={(e) =>
                setup({
                  optimizer: (e.currentTarget as HTMLSelectElement).value as TrainSettings['optimizer'],
                })
              }
            >
              {OPTIMIZERS.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
            {COUNT_FIELDS.map((field) => (
              <Fragment key={field.id}>
                <label for={field.id}>{field.label}</label>
                <input
                  id={field.id}
                  type="number"
                  min={1}
                  step={1}
                  value={s[field.key]}
                  onChange={(e) => {
                    const text = (e.currentTarget as HTMLInputElement).value;
                    const count = Number(text);
                    if (Number.isInteger(count) && count >= 1) setup({ [field.key]: count });
                    else setError(`${field.label.toLowerCase()} must be a positive integer, got '${text}'`);
                  }}
                />
              </Fragment>
            ))}
            <label for="train-device">Device</label>
            <select
              id="train-device"
              value={s.device}
              onChange={(e) =>
                setup({ device: (e.currentTarget as HTMLSelectElement).value as TrainSettings['device'] })
              }
            >
              {DEVICES.map((d) => (
                <option key={d} value={d}>
                  {d === 'auto' ? 'auto (WebGPU if offered, else WebAssembly)' : d}
                </option>
              ))}
            </select>
          </fieldset>
          <div class="buttons">
            <button type="button" id="train-start" onClick={start} disabled={running}>
              Start
            </button>
            <button
              type="button"
              id="train-pause"
              disabled={phase !== 'running' && phase !== 'paused'}
              onClick={() => send({ type: phase === 'paused' ? 'resume' : 'pause' })}
            >
              {phase === 'paused' ? 'Resume' : 'Pause'}
            </button>
            <button
              type="button"
              id="train-stop"
              disabled={phase !== 'running' && phase !== 'paused'}
              onClick={() => send({ type: 'stop' })}
            >
              Stop
            </button>
          </div>
          <p class="muted small">
            {preset.title}. Runs interleave step by step; stop evaluates every run where it is.
          </p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </aside>
        <div class="charts">
          <p id="train-status" aria-live="polite">
            {phase === 'idle'
              ? 'Not started.'
              : l
                ? `${phase} · device ${l.device}${l.note ? ` (${l.note})` : ''} · ${l.doneSteps}/${l.totalSteps * l.runs.length} steps · ${l.stepsPerSecond.toFixed(1)} steps/s`
                : `${phase}…`}
          </p>
          {l && (
            <>
              {[
                { id: 'chart-loss', title: 'training loss', series: lossSeries },
                { id: 'chart-accuracy', title: accuracyName, series: accSeries },
              ].map((chart) => (
                <Chart
                  key={chart.id}
                  id={chart.id}
                  title={`${chart.title} (line: mean over seeds, band: min..max)`}
                  xLabel="step"
                  x={steps}
                  theme={props.theme}
                  series={chart.series.map((x) => ({
                    label: x.label,
                    color: colorOf(x.label),
                    values: x.mean,
                    band: { lo: x.lo, hi: x.hi },
                  }))}
                />
              ))}
              <ExportButtons name="training" make={figure} />
              <p class="muted small">
                {l.model}; {l.data}
              </p>
            </>
          )}
          {comparison.current && (
            <div class="comparison">
              <h3>Comparison (as `gatelab compare`)</h3>
              <pre id="compare-table">{comparison.current.table}</pre>
              <button
                type="button"
                id="train-download"
                onClick={() => {
                  const c = comparison.current!;
                  download(
                    `${c.id}.zip`,
                    new Blob([comparisonZip(c, live.current!.finished) as BlobPart], {
                      type: 'application/zip',
                    }),
                  );
                }}
              >
                Download runs (zip of run folders for gatelab report)
              </button>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
