/**
 * Renders a `npm run bench -- --json <file>` result as markdown tables (for the README):
 *
 *   npx tsx bench/render.ts bench/results/bench.json [--size 1M] [--mode forward]
 *
 * One table per (size, mode): Melem/s per implementation, and the fast path's speed relative to
 * a memory copy of the same array.
 */
import { readFileSync } from 'node:fs';

interface Row {
  activation: string;
  mode: string;
  size: number;
  copyMelemPerSecond: number;
  results: Record<string, number | null>;
  measuredOn?: Record<string, number>;
}

interface Report {
  command: string;
  date: string;
  node: string;
  cpu: string;
  cores: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  parallelCapacity?: number;
  rows: Row[];
  targets?: string[];
}

function sizeLabel(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}M`;
  if (n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: tsx bench/render.ts <bench.json> [--size 1M] [--mode forward]');
  process.exit(1);
}
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
const sizes = [...new Set(report.rows.map((r) => r.size))].filter(
  (s) => !option('--size') || sizeLabel(s) === option('--size'),
);
const modes = [...new Set(report.rows.map((r) => r.mode))].filter(
  (m) => !option('--mode') || m === option('--mode'),
);
const impls = Object.keys(report.rows[0]?.results ?? {});

console.log(
  `\`${report.command}\` — ${report.date.slice(0, 10)}, Node ${report.node}, ${report.cpu}, ${report.cores} cores, ` +
    `load average ${report.loadAverageBefore.map((l) => l.toFixed(1)).join('/')} before, ` +
    `${report.loadAverageAfter.map((l) => l.toFixed(1)).join('/')} after` +
    (report.parallelCapacity !== undefined
      ? `, parallel capacity ${report.parallelCapacity.toFixed(2)}x`
      : '') +
    '. Melem/s (median); "~" = measured on a prefix (slow cells).\n',
);
for (const size of sizes) {
  for (const mode of modes) {
    const rows = report.rows.filter((r) => r.size === size && r.mode === mode);
    console.log(
      `**${mode}, ${sizeLabel(size)} float32 elements** (memory copy: ${num(rows[0]?.copyMelemPerSecond)} Melem/s)\n`,
    );
    console.log(`| activation | ${impls.join(' | ')} | fast / copy |`);
    console.log(`|---|${impls.map(() => '---:').join('|')}|---:|`);
    for (const r of rows) {
      const cells = impls.map((i) => `${r.measuredOn?.[i] !== undefined ? '~' : ''}${num(r.results[i])}`);
      const fast = r.results.fast;
      console.log(
        `| ${r.activation} | ${cells.join(' | ')} | ${fast ? (fast / r.copyMelemPerSecond).toFixed(2) : '–'} |`,
      );
    }
    console.log('');
  }
}
if (report.targets) console.log(['```', ...report.targets, '```'].join('\n'));
