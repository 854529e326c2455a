/**
 * The comparison of a browser session in the lab's formats: seed statistics, ranking and the text table
 * of `gatelab compare` (src/lab/compare/), and a zip of the comparison folder as `gatelab compare`
 * writes it — compare.json, table.txt and one run folder per run — which `gatelab report` renders.
 */
import { zipSync } from 'fflate';
import type { GroupStats, MetricKind, RunOutcome, Verdict } from '../../lab/compare/stats.js';
import { modelAndDataLines, tabulateComparison } from '../../lab/compare/table.js';
import { jsonSafe } from '../../lab/runs/files.js';
import { COMPARE_FILES, RUN_FILES } from '../../lab/runs/run-folder.js';
import type { RunSummary } from '../../lab/train/run.js';
import type { RunFiles, RunInfo } from './protocol.js';

export interface FinishedRun {
  info: RunInfo;
  files: RunFiles;
  summary: RunSummary;
}

/** What describes a session (the rest of a comparison is computed from its runs). */
interface SessionInfo {
  id: string;
  task: string;
  kind: MetricKind;
  seeds: number[];
  wallSeconds: number;
  device: string;
}

export interface BrowserComparison extends SessionInfo {
  outcomes: RunOutcome[];
  groups: GroupStats[];
  verdict: Verdict;
  table: string;
}

export function compareRuns(
  options: SessionInfo & { runs: readonly FinishedRun[]; details: string[] },
): BrowserComparison {
  const runs = [...options.runs].sort((a, b) => a.info.index - b.info.index);
  const outcomes: RunOutcome[] = runs.map((r) => ({
    label: r.info.label,
    name: r.info.name,
    params: r.info.params,
    seed: r.info.seed,
    summary: r.summary,
  }));
  const labels = [...new Set(runs.map((r) => r.info.label))];
  const { groups, verdict, table } = tabulateComparison({
    title: `gatelab explore: ${options.task}, ${labels.length} activations x ${options.seeds.length} seeds (${options.seeds.join(', ')})`,
    details: [
      ...modelAndDataLines(runs[0]?.summary),
      ...options.details,
      `${runs.length} runs in one browser worker on jax-js's ${options.device} device in ${options.wallSeconds.toFixed(1)} s wall time (runs interleaved step by step)`,
    ],
    kind: options.kind,
    outcomes,
  });
  return {
    id: options.id,
    task: options.task,
    kind: options.kind,
    seeds: options.seeds,
    wallSeconds: options.wallSeconds,
    device: options.device,
    outcomes,
    groups,
    verdict,
    table,
  };
}

/** The comparison folder as a zip: <id>/compare.json, <id>/table.txt, <id>/<run>/{config.json,...}. */
export function comparisonZip(comparison: BrowserComparison, runs: readonly FinishedRun[]): Uint8Array {
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {};
  const { table, kind: _kind, ...rest } = comparison;
  const compareJson = { ...rest, dir: comparison.id, jobs: 1 };
  files[`${comparison.id}/${COMPARE_FILES.result}`] = encoder.encode(
    `${JSON.stringify(jsonSafe(compareJson), null, 2)}\n`,
  );
  files[`${comparison.id}/${COMPARE_FILES.table}`] = encoder.encode(table);
  for (const run of runs) {
    for (const [key, text] of Object.entries(run.files) as [keyof typeof RUN_FILES, string][]) {
      files[`${comparison.id}/${run.info.runId}/${RUN_FILES[key]}`] = encoder.encode(text);
    }
  }
  return zipSync(files, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}
