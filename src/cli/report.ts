import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { GroupStats, MetricKind } from '../lab/compare/stats.js';
import { buildRunsReport } from '../lab/report/report.js';
import { writeFileSafely } from '../lab/runs/files.js';
import { findRunDirs, loadRuns } from '../lab/runs/read.js';
import { formatTable } from './stats.js';

/** Writes the HTML report of the given run folders; returns the absolute path written. */
export async function writeRunsReport(
  paths: readonly string[],
  out: string,
  title?: string,
): Promise<string> {
  const { runs, damaged } = loadRuns(findRunDirs(paths));
  // A damaged folder is marked in the report (and on stderr); the rest is rendered.
  for (const d of damaged)
    process.stderr.write(`gatelab: ${d.dir}: damaged run folder left out (${d.problem})\n`);
  if (runs.length === 0) throw new Error(`no readable run folder in ${paths.join(', ')}`);
  const html = await buildRunsReport(runs, { title, damaged });
  const file = resolve(out);
  writeFileSafely(file, html);
  return file;
}

/** `gatelab report`: one self-contained HTML file about a set of runs. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML report (tables, figures, generated summary) of run folders')
    .argument('<paths...>', 'run folders (runs/<id>) or folders containing run folders (e.g. runs/)')
    .option('--out <file>', 'output HTML file', 'report.html')
    .option('--title <text>', 'report title')
    .action(async (paths: string[], options: { out: string; title?: string }) => {
      const file = await writeRunsReport(paths, options.out, options.title);
      process.stdout.write(`wrote ${file}\n`);
    });
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
  const cell = (g: GroupStats | undefined) => {
    const s = kind === 'language' ? g?.perplexity : g?.testAccuracy;
    if (!s) return '—';
    const scale = kind === 'language' ? 1 : 100;
    const digits = kind === 'language' ? 3 : 2;
    const sem = Number.isFinite(s.sem) ? ` ± ${(s.sem * scale).toFixed(digits)}` : '';
    return `${(s.mean * scale).toFixed(digits)}${sem}`;
  };
  const header = ['activation', ...results.map((r) => `lr ${r.lr}`)];
  const rows = labels.map((label) => [
    label,
    ...results.map((r) => cell(r.groups.find((g) => g.label === label))),
  ]);
  const what = kind === 'language' ? 'test perplexity' : 'test accuracy %';
  return `Learning-rate ablation: ${what}, mean ± SEM over seeds\n${formatTable(header, rows)}\n`;
}
