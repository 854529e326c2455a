import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildRunsReport } from '../lab/report/report.js';
import { findRunDirs, loadRun } from '../lab/report/runs.js';

/** Writes the HTML report of the given run folders; returns the absolute path written. */
export async function writeRunsReport(
  paths: readonly string[],
  out: string,
  title?: string,
): Promise<string> {
  const runs = findRunDirs(paths).map(loadRun);
  const html = await buildRunsReport(runs, { title });
  const file = resolve(out);
  writeFileSync(file, html);
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
