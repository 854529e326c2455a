/**
 * `npx tsx bench/ratio-medians.ts run1.json run2.json ...`: the median over repeated
 * `npm run bench:train -- ... --json` runs of each activation's step time relative to relu (process CPU
 * time, per model and device column), as a Markdown table with the spread (lowest and highest run) and
 * each run's load average. Repeated runs make the ratios robust on a shared, loaded machine, where even
 * CPU times of one run scatter. Nothing here measures; it only summarises the files (npm's own lines
 * before the JSON are skipped).
 */
import { readFileSync } from 'node:fs';

interface Timing {
  ms: number;
  cpuMs: number;
}
interface BenchRun {
  machine: { cores: number; loadBefore: number[]; loadAfter: number[] };
  form: string;
  columns: { key: string; adapter: { software?: boolean } | null }[];
  rows: { model: string; batch: number; activation: string; jax: Record<string, Timing> }[];
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('ratio-medians: give one or more bench:train --json output files\n');
  process.exit(2);
}
const runs: BenchRun[] = files.map((file) => {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('{');
  if (start < 0) throw new Error(`${file}: no JSON object in it (a bench:train --json output?)`);
  return JSON.parse(text.slice(start)) as BenchRun;
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(' ');
console.log(
  `${runs.length} runs (activation form ${[...new Set(runs.map((r) => r.form))].join(', ')}); load average before -> after each: ${runs.map((r) => `${load(r.machine.loadBefore)} -> ${load(r.machine.loadAfter)}`).join('; ')} (${runs[0].machine.cores} cores)\n`,
);
const first = runs[0];
const models = [...new Set(first.rows.map((r) => r.model))];
const timing = (run: BenchRun, model: string, activation: string, column: string) =>
  run.rows.find((r) => r.model === model && r.activation === activation)?.jax[column];
for (const column of first.columns) {
  const software = column.adapter?.software ? ' (software adapter: correctness only)' : '';
  const header = models.map((model) => {
    const relu = median(runs.flatMap((run) => timing(run, model, 'relu', column.key)?.cpuMs ?? []));
    const batch = first.rows.find((r) => r.model === model)?.batch;
    return `${model}, batch ${batch} (relu ${relu.toFixed(1)} ms)`;
  });
  console.log(
    `${column.key}${software}: step CPU time relative to relu, median [lowest–highest] of ${runs.length} runs\n`,
  );
  console.log(`| activation | ${header.join(' | ')} |\n|---|${models.map(() => '---|').join('')}`);
  const activations = [...new Set(first.rows.map((r) => r.activation))].filter((a) => a !== 'relu');
  for (const activation of activations) {
    const cells = models.map((model) => {
      const values = runs.flatMap((run) => {
        const relu = timing(run, model, 'relu', column.key);
        const row = timing(run, model, activation, column.key);
        return relu && row ? [row.cpuMs / relu.cpuMs] : [];
      });
      if (values.length === 0) return '–';
      const spread =
        values.length > 1 ? ` [${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}]` : '';
      return `${median(values).toFixed(2)}${spread}`;
    });
    console.log(`| ${activation} | ${cells.join(' | ')} |`);
  }
  console.log('');
}
