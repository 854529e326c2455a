/** The comparison table printed by `gatelab compare`, laid out like the GoLU paper's result tables. */
import type { SeedSummary } from '../fn/descriptive.js';
import { formatMetric, formatMetricDelta, METRIC_KINDS, metricHeader } from '../metrics/kinds.js';
import type { RunSummary } from '../train/run.js';
import {
  type GroupStats,
  groupOutcomes,
  judgeComparison,
  type MetricKind,
  type RunOutcome,
  type Verdict,
  verdictGroups,
} from './stats.js';

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
  const spec = METRIC_KINDS[input.kind];
  // Tasks with their own metrics: one column per task metric (the first with its SEM), then the loss.
  const own = spec.taskMetrics;
  const scaleOf = (percent: boolean) => (percent ? 100 : 1);
  const header =
    own.length > 0
      ? [
          'activation',
          `${metricHeader(own[0])} (mean ± std)`,
          'SEM',
          ...own.slice(1).map((m) => metricHeader(m)),
          'test loss (mean ± std)',
          'ms/step',
          'runs ok',
        ]
      : language
        ? ['activation', 'test ppl (mean ± std)', 'SEM', 'test loss', 'token acc %', 'ms/step', 'runs ok']
        : ['activation', 'test acc % (mean ± std)', 'SEM', 'test loss (mean ± std)', 'ms/step', 'runs ok'];
  const rows = input.groups.map((g) =>
    own.length > 0
      ? [
          g.label,
          pm(g.taskMetrics?.[own[0].key] ?? null, scaleOf(own[0].percent), own[0].digits),
          sem(g.taskMetrics?.[own[0].key] ?? null, scaleOf(own[0].percent), own[0].digits),
          ...own.slice(1).map((m) => pm(g.taskMetrics?.[m.key] ?? null, scaleOf(m.percent), m.digits)),
          pm(g.testLoss, 1, 4),
          pm(g.msPerStep, 1, 1),
          status(g),
        ]
      : language
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

  const rank = spec.rank;
  const metricName = language
    ? 'test loss (lower is better; perplexity = exp(loss))'
    : `test ${rank.title} (${rank.higherIsBetter ? 'higher' : 'lower'} is better)`;
  lines.push(`Ranking by mean ${metricName}:`);
  const rankRows = input.verdict.ranking.map((r) => {
    const value = r.value === null ? '—' : formatMetric(rank, r.value);
    const delta =
      r.deltaToBest === null || r.rank === 1
        ? ''
        : `${r.deltaToBest >= 0 ? '+' : ''}${formatMetricDelta(rank, r.deltaToBest)}`;
    return [`${r.rank}.`, r.label, value, delta, r.note];
  });
  for (const line of layout(rankRows, [true, false, true, true, false])) lines.push(`  ${line}`);
  lines.push('', input.verdict.sentence);
  if (input.verdict.ranking.some((r) => r.test !== null))
    lines.push(`(${input.verdict.test}; ${Math.round(100 * input.verdict.confidence)}% confidence.)`);
  return `${lines.join('\n')}\n`;
}

/** The table's first detail lines: the model and the data of a finished run (none without one). */
export function modelAndDataLines(summary: RunSummary | undefined): string[] {
  if (summary === undefined) return [];
  return [
    `model: ${summary.model} (${summary.paramCount.toLocaleString('en-US')} parameters with ${summary.activation.label})`,
    `data: ${summary.data}`,
  ];
}

/** A comparison's seed statistics per activation, its verdict, and its text table. */
export function tabulateComparison(
  input: Omit<TableInput, 'groups' | 'verdict'> & { outcomes: RunOutcome[] },
): {
  groups: GroupStats[];
  verdict: Verdict;
  table: string;
} {
  const groups = groupOutcomes(input.outcomes);
  const verdict = judgeComparison(verdictGroups(groups, input.kind), input.kind);
  const table = formatCompareTable({
    title: input.title,
    details: input.details,
    kind: input.kind,
    groups,
    verdict,
  });
  return { groups, verdict, table };
}
