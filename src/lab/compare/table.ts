/** The comparison table printed by `gatelab compare`, laid out like the GoLU paper's result tables. */
import type { SeedSummary } from '../fn/descriptive.js';
import type { GroupStats, MetricKind, Verdict } from './stats.js';

export interface TableInput {
  title: string;
  /** Lines under the title (model, data, training setup). */
  details: string[];
  kind: MetricKind;
  groups: GroupStats[];
  /** The comparison's verdict (`judgeComparison`): the ranking and the sentence come from it. */
  verdict: Verdict;
}

function pm(s: SeedSummary | null, scale: number, digits: number): string {
  if (s === null) return '—';
  const mean = (s.mean * scale).toFixed(digits);
  return s.n > 1 ? `${mean} ± ${(s.std * scale).toFixed(digits)}` : mean;
}

function sem(s: SeedSummary | null, scale: number, digits: number): string {
  if (s === null || !Number.isFinite(s.sem)) return '—';
  return (s.sem * scale).toFixed(digits);
}

function status(g: GroupStats): string {
  const parts = [`${g.completed}/${g.runs}`];
  if (g.diverged.length > 0) parts.push(`${g.diverged.length} diverged`);
  if (g.failed.length > 0) parts.push(`${g.failed.length} failed`);
  return parts.join(', ');
}

function layout(rows: string[][], rightAligned: boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/** Renders the table, the ranking and the notes as plain text. */
export function formatCompareTable(input: TableInput): string {
  const lines: string[] = [input.title, ...input.details.map((d) => `  ${d}`), ''];
  const language = input.kind === 'language';
  const header = language
    ? ['activation', 'test ppl (mean ± std)', 'SEM', 'test loss', 'token acc %', 'ms/step', 'runs ok']
    : ['activation', 'test acc % (mean ± std)', 'SEM', 'test loss (mean ± std)', 'ms/step', 'runs ok'];
  const rows = input.groups.map((g) =>
    language
      ? [
          g.label,
          pm(g.perplexity, 1, 3),
          sem(g.perplexity, 1, 3),
          pm(g.testLoss, 1, 4),
          pm(g.testAccuracy, 100, 2),
          pm(g.msPerStep, 1, 1),
          status(g),
        ]
      : [
          g.label,
          pm(g.testAccuracy, 100, 2),
          sem(g.testAccuracy, 100, 2),
          pm(g.testLoss, 1, 4),
          pm(g.msPerStep, 1, 1),
          status(g),
        ],
  );
  const right = header.map((_, i) => i > 0 && i < header.length - 1);
  const table = layout([header, ...rows], right);
  lines.push(table[0], '-'.repeat(table[0].length), ...table.slice(1), '');

  const metricName = language
    ? 'test loss (lower is better; perplexity = exp(loss))'
    : 'test accuracy (higher is better)';
  lines.push(`Ranking by mean ${metricName}:`);
  const rankRows = input.verdict.ranking.map((r) => {
    const value = r.value === null ? '—' : language ? r.value.toFixed(4) : `${(100 * r.value).toFixed(2)}%`;
    const delta =
      r.deltaToBest === null || r.rank === 1
        ? ''
        : language
          ? `${r.deltaToBest >= 0 ? '+' : ''}${r.deltaToBest.toFixed(4)}`
          : `${r.deltaToBest >= 0 ? '+' : ''}${(100 * r.deltaToBest).toFixed(2)} pts`;
    return [`${r.rank}.`, r.label, value, delta, r.note];
  });
  for (const line of layout(rankRows, [true, false, true, true, false])) lines.push(`  ${line}`);
  lines.push('', input.verdict.sentence);
  if (input.verdict.ranking.some((r) => r.test !== null))
    lines.push(`(${input.verdict.test}; ${Math.round(100 * input.verdict.confidence)}% confidence.)`);
  return `${lines.join('\n')}\n`;
}
