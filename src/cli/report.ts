import type { Command } from 'commander';
import { writeReport } from './format.js';

/** `gatelab report`: one self-contained HTML file about a set of runs. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML report (tables, figures, generated summary) of run folders')
    .argument('<paths...>', 'run folders (runs/<id>) or folders containing run folders (e.g. runs/)')
    .option('--out <file>', 'output HTML file', 'report.html')
    .option('--title <text>', 'report title')
    .action(async (paths: string[], options: { out: string; title?: string }) => {
      const file = await writeReport(paths, options.out, options.title);
      process.stdout.write(`wrote ${file}\n`);
    });
}
