import type { Command } from 'commander';
import { list } from '../activation.js';

/** `gatelab list`: the catalog — names, parameters with defaults and ranges, formulas. */
export function registerList(program: Command): void {
  program
    .command('list')
    .description('list every activation with its parameters (default, valid range) and formula')
    .option('--json', 'print JSON instead of a table')
    .action((options: { json?: boolean }) => {
      const entries = list();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        return;
      }
      for (const entry of entries) {
        const aliases = entry.aliases.length > 0 ? ` (alias: ${entry.aliases.join(', ')})` : '';
        process.stdout.write(`${entry.name}${aliases} — ${entry.title}\n`);
        process.stdout.write(`  f(x)  = ${entry.formula}\n`);
        process.stdout.write(`  f'(x) = ${entry.derivativeFormula}\n`);
        for (const p of entry.params) {
          const learnable = p.learnable ? ', learnable' : '';
          process.stdout.write(`  ${p.name} = ${p.default}  in ${p.range}${learnable}  ${p.description}\n`);
        }
        if (entry.kinks !== 'none') process.stdout.write(`  kinks: ${entry.kinks}\n`);
        process.stdout.write(`  source: ${entry.reference}\n\n`);
      }
    });
}
