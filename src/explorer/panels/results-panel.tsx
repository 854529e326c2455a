/**
 * Open results: drop (or choose) a compare.json, a sweep's merged result, run folders or a zip of them.
 * compare.json -> the `gatelab compare` table and ranking plus a bar figure; run folders -> the lab's
 * HTML report (`gatelab report`: summary, tables, training curves with seed bands, learning-rate
 * heatmaps, diagnostics) in a sandboxed frame; other JSON results -> a table of their rows.
 */
import { useState } from 'preact/hooks';
import { type GroupStats, judgeComparison, type Verdict, verdictGroups } from '../../lab/compare/stats.js';
import { formatCompareTable } from '../../lab/compare/table.js';
import { barFigure } from '../../lab/report/figures.js';
import type { Figure } from '../../lab/report/render.js';
import {
  classify,
  type DroppedFile,
  filesFromDrop,
  filesFromInput,
  type OpenedResults,
} from '../results/open-files.js';
import { isMergedSweep, type SweepView, sweepView } from '../results/sweep-view.js';
import { figureSvg } from '../ui/export.js';
import { ExportButtons } from '../ui/export-buttons.js';

/** A figure rendered to SVG text, with the buttons that export it (`name`: the file name). */
function SvgFigure(props: { name: string; label: string; svg: string; figure: Figure | null }) {
  return (
    <>
      <div
        class="figure"
        role="img"
        aria-label={props.label}
        dangerouslySetInnerHTML={{ __html: props.svg }}
      />
      <ExportButtons name={props.name} make={() => props.figure} />
    </>
  );
}

interface ComparisonView {
  path: string;
  table: string;
  figure: Figure | null;
  svg: string;
}

interface View {
  opened: OpenedResults;
  comparisons: ComparisonView[];
  reportHtml: string;
  tables: { path: string; columns: string[]; rows: Record<string, unknown>[] }[];
  sweeps: (SweepView & { path: string; svg: string })[];
}

function comparisonView(path: string, value: Record<string, unknown>): Omit<ComparisonView, 'svg'> {
  const groups = value.groups as GroupStats[];
  const kind = groups.some((g) => g.perplexity !== null && g.perplexity !== undefined)
    ? 'language'
    : 'classification';
  // compare.json holds the verdict since the verdict statistics landed; older files only a ranking.
  const saved = value.verdict as Verdict | undefined;
  const verdict = saved?.ranking ? saved : judgeComparison(verdictGroups(groups, kind), kind);
  const seeds = Array.isArray(value.seeds) ? (value.seeds as number[]) : [];
  const table = formatCompareTable({
    title: `${path}: ${String(value.task ?? 'comparison')}, ${groups.length} activations x ${seeds.length} seeds`,
    details: [typeof value.dir === 'string' ? `runs: ${value.dir}` : ''].filter(Boolean),
    kind,
    groups,
    verdict,
  });
  const rows = groups
    .map((g) => {
      const s = kind === 'language' ? g.perplexity : g.testAccuracy;
      if (!s) return null;
      const scale = kind === 'language' ? 1 : 100;
      return {
        activation: g.label,
        value: s.mean * scale,
        error: Number.isFinite(s.sem) ? s.sem * scale : 0,
      };
    })
    .filter((r) => r !== null);
  const metric = kind === 'language' ? 'test perplexity' : 'test accuracy %';
  return {
    path,
    table,
    figure: rows.length > 0 ? barFigure(rows, `${metric} (mean ± SEM over seeds)`, path) : null,
  };
}

/** Rows of a JSON result: the value itself if it is an array of objects, else its first such field. */
function rowsOf(value: unknown): Record<string, unknown>[] | null {
  const isRows = (v: unknown): v is Record<string, unknown>[] =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  if (isRows(value)) return value;
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) if (isRows(v)) return v;
  }
  return null;
}

const cell = (v: unknown) =>
  typeof v === 'number'
    ? Number(v.toPrecision(6)).toString()
    : typeof v === 'object'
      ? JSON.stringify(v)
      : String(v);

async function buildView(files: DroppedFile[]): Promise<View> {
  const opened = classify(files);
  const comparisons = await Promise.all(
    opened.comparisons.map(async (c) => {
      const view = comparisonView(c.path, c.value);
      return { ...view, svg: view.figure ? await figureSvg(view.figure) : '' };
    }),
  );
  let reportHtml = '';
  if (opened.runs.length > 0) {
    const { buildRunsReport } = await import('../../lab/report/report.js');
    reportHtml = await buildRunsReport(opened.runs, {
      title: `Opened in gatelab explore: ${opened.runs.length} runs`,
    });
  }
  const sweeps = await Promise.all(
    opened.other
      .filter((o) => isMergedSweep(o.value))
      .map(async (o) => {
        const view = sweepView(o.value as Record<string, unknown>);
        return { ...view, path: o.path, svg: view.figure ? await figureSvg(view.figure) : '' };
      }),
  );
  const other = opened.other.filter((o) => !isMergedSweep(o.value));
  const tables = other
    .map((o) => {
      const rows = rowsOf(o.value);
      if (rows === null) return null;
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].slice(0, 16);
      return { path: o.path, columns, rows: rows.slice(0, 500) };
    })
    .filter((t) => t !== null);
  for (const o of other)
    if (rowsOf(o.value) === null) opened.problems.push(`${o.path}: a JSON result without rows to show`);
  return { opened, comparisons, reportHtml, tables, sweeps };
}

function RowsTable(props: { caption: string; columns: string[]; rows: Record<string, unknown>[] }) {
  return (
    <div class="table-scroll">
      <table class="result-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {props.columns.map((c) => (
                <td key={c}>{r[c] === undefined || r[c] === null ? '' : cell(r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ResultsPanel() {
  const [view, setView] = useState<View | null>(null);
  const [status, setStatus] = useState('');
  const [over, setOver] = useState(false);
  const open = async (files: Promise<DroppedFile[]>) => {
    setStatus('reading…');
    try {
      const list = await files;
      const next = await buildView(list);
      setView(next);
      const o = next.opened;
      setStatus(
        `opened ${list.length} file${list.length === 1 ? '' : 's'}: ${o.comparisons.length} comparison(s), ${o.runs.length} run folder(s), ${next.tables.length} other table(s)`,
      );
    } catch (error) {
      setStatus(`could not open: ${(error as Error).message}`);
    }
  };
  return (
    <section class="panel results" aria-labelledby="results-title">
      <h2 id="results-title">Open results</h2>
      <section
        id="drop-zone"
        aria-label="Drop results here"
        class={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer) void open(filesFromDrop(e.dataTransfer));
        }}
      >
        <p>Drop a compare.json, a sweep's merged result, run folders or a zip of them here, or choose:</p>
        <label for="results-files">Files (compare.json, *.json, *.zip, run files)</label>
        <input
          id="results-files"
          type="file"
          multiple
          accept=".json,.jsonl,.zip"
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            if (input.files) void open(filesFromInput(input.files));
          }}
        />
        <label for="results-folder">A folder of run folders</label>
        <input
          id="results-folder"
          type="file"
          // A boolean property: Preact assigns it, and '' would turn the folder picker off.
          {...{ webkitdirectory: true }}
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            if (input.files) void open(filesFromInput(input.files));
          }}
        />
      </section>
      <p id="results-status" aria-live="polite">
        {status}
      </p>
      {view?.opened.problems.map((p) => (
        <p key={p} class="error">
          {p}
        </p>
      ))}
      {view?.comparisons.map((c) => (
        <div key={c.path} class="comparison" data-comparison={c.path}>
          <pre class="compare-table">{c.table}</pre>
          <SvgFigure name="comparison" label={`Bars of ${c.path}`} svg={c.svg} figure={c.figure} />
        </div>
      ))}
      {view?.sweeps.map((sweep) => (
        <div key={sweep.path} class="sweep" data-sweep={sweep.path}>
          <h3>{sweep.title}</h3>
          <SvgFigure name="sweep" label={`Figure of ${sweep.path}`} svg={sweep.svg} figure={sweep.figure} />
          <RowsTable
            caption={`${sweep.path}: cells (mean ± SEM over seeds)`}
            columns={sweep.columns}
            rows={sweep.rows}
          />
          {sweep.best.length > 0 && (
            <RowsTable
              caption="best setting per activation"
              columns={Object.keys(sweep.best[0])}
              rows={sweep.best}
            />
          )}
        </div>
      ))}
      {view?.tables.map((t) => (
        <RowsTable key={t.path} caption={t.path} columns={t.columns} rows={t.rows} />
      ))}
      {view?.reportHtml && (
        <iframe
          id="results-report"
          title="Report of the opened run folders"
          sandbox=""
          srcdoc={view.reportHtml}
        />
      )}
    </section>
  );
}
