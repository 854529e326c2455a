/**
 * Shared command-line output: aligned text tables, number formatting, JSON in the lab's convention,
 * the learning-rate table and the HTML report with its damage notes.
 */
import { type GroupStats, type MetricKind, metricSummary } from '../lab/compare/stats.js';
import { METRIC_KINDS, metricHeader } from '../lab/metrics/kinds.js';
import { writeRunsReport } from '../lab/report/write.js';
import { toJsonText } from '../lab/runs/files.js';

/** JSON in the lab's one convention: NaN and infinities as the strings "NaN", "Infinity", "-Infinity". */
export function toJson(value: unknown): string {
  return toJsonText(value, 2);
}

/** Fixed-width text table, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Significant-digit formatting that keeps 0 as "0" and shows infinities and NaN plainly. */
export function sig(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  // Table entries are O(0.01..10) and accurate to ~1e-12; smaller values are rounding noise of a 0.
  if (Math.abs(x) < 1e-12) return '0';
  return Number(x.toPrecision(digits)).toString();
}

/** Writes a value as indented JSON to stdout (non-finite numbers as "NaN", "Infinity", "-Infinity"). */
export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** One learning rate's comparison, as `runCompare` returns it. */
export interface LrResult {
  lr: number;
  groups: readonly GroupStats[];
}

/**
 * The learning-rate ablation as text: activations x learning rates, each cell mean ± SEM over seeds of
 * test accuracy (%) or test perplexity; '—' where no seed finished.
 */
export function formatLrTable(results: readonly LrResult[], kind: MetricKind): string {
  const labels = [...new Set(results.flatMap((r) => r.groups.map((g) => g.label)))];
  const display = METRIC_KINDS[kind].display;
  const cell = (g: GroupStats | undefined) => {
    const s = g === undefined ? null : metricSummary(g, display.key);
    if (!s) return '—';
    const scale = display.percent ? 100 : 1;
    const digits = display.digits;
    const sem = Number.isFinite(s.sem) ? ` ± ${(s.sem * scale).toFixed(digits)}` : '';
    return `${(s.mean * scale).toFixed(digits)}${sem}`;
  };
  const header = ['activation', ...results.map((r) => `lr ${r.lr}`)];
  const rows = labels.map((label) => [
    label,
    ...results.map((r) => cell(r.groups.find((g) => g.label === label))),
  ]);
  const what = metricHeader(display);
  return `Learning-rate ablation: ${what}, mean ± SEM over seeds\n${formatTable(header, rows)}\n`;
}

/** Writes the report (lab/report/write.ts) and names each damaged run folder it left out on stderr. */
export async function writeReport(paths: readonly string[], out: string, title?: string): Promise<string> {
  const { file, damaged } = await writeRunsReport(paths, out, title);
  for (const d of damaged) process.stderr.write(`gatelab: damaged run folder left out: ${d.problem}\n`);
  return file;
}
