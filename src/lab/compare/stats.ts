/**
 * Seed statistics of a comparison: mean, sample standard deviation and standard error per activation,
 * and a ranking that says where a difference is within seed noise.
 */
import type { RunSummary } from '../train/run.js';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); 0 for one value. */
  std: number;
  /** Standard error of the mean, std / sqrt(n); NaN for one value (no noise estimate). */
  sem: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(variance);
  return {
    n,
    mean,
    std,
    sem: n > 1 ? std / Math.sqrt(n) : Number.NaN,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

export type MetricKind = 'classification' | 'language';

export interface GroupStats {
  label: string;
  name: string;
  params: Record<string, number>;
  /** Seeds that ran (finished, diverged or failed). */
  runs: number;
  completed: number;
  diverged: { seed: number; step: number; epoch: number }[];
  /** Runs whose process failed (an error, not a divergence). */
  failed: { seed: number; error: string }[];
  testAccuracy: Summary | null;
  testLoss: Summary | null;
  /** Language tasks: per-seed exp(test loss). */
  perplexity: Summary | null;
  msPerStep: Summary | null;
}

export interface RunOutcome {
  label: string;
  name: string;
  params: Record<string, number>;
  seed: number;
  summary: RunSummary | null;
  error?: string;
}

/** Groups outcomes by activation label, in the order the labels first appear. */
export function groupOutcomes(outcomes: readonly RunOutcome[]): GroupStats[] {
  const labels = [...new Set(outcomes.map((o) => o.label))];
  return labels.map((label) => {
    const mine = outcomes.filter((o) => o.label === label);
    const completed = mine.filter((o) => o.summary?.status === 'completed' && o.summary.test !== null);
    const tests = completed.map((o) => o.summary!.test!);
    const perplexities = tests.filter((t) => t.perplexity !== undefined).map((t) => t.perplexity!);
    return {
      label,
      name: mine[0].name,
      params: mine[0].params,
      runs: mine.length,
      completed: completed.length,
      diverged: mine
        .filter((o) => o.summary?.status === 'diverged')
        .map((o) => ({ seed: o.seed, step: o.summary!.diverged!.step, epoch: o.summary!.diverged!.epoch })),
      failed: mine
        .filter((o) => o.summary === null)
        .map((o) => ({ seed: o.seed, error: o.error ?? 'unknown error' })),
      testAccuracy: summarize(tests.map((t) => t.accuracy)),
      testLoss: summarize(tests.map((t) => t.loss)),
      perplexity: summarize(perplexities),
      msPerStep: summarize(
        mine
          .filter((o) => o.summary !== null && o.summary.stepsDone > 1)
          .map((o) => o.summary!.timing.msPerStep),
      ),
    };
  });
}

export interface RankEntry {
  rank: number;
  label: string;
  /** The ranking metric: test accuracy (classification) or test loss (language); null if no run finished. */
  value: number | null;
  sem: number;
  /** value - best value (signed; 0 for the best). */
  deltaToBest: number | null;
  /** |delta| < 2 * sqrt(sem^2 + sem_best^2): not distinguishable from the best at these seeds. */
  withinNoiseOfBest: boolean | null;
  note: string;
}

/**
 * Ranks groups by mean test accuracy (classification, higher is better) or mean test loss (language,
 * lower is better; perplexity is its exponential, so the order is the same). Two means count as within
 * seed noise when they differ by less than two standard errors of their difference, about a 95%
 * interval; with one seed there is no noise estimate and the note says so. Groups without a finished
 * run rank last.
 */
export function rankGroups(groups: readonly GroupStats[], kind: MetricKind): RankEntry[] {
  const metric = (g: GroupStats) => (kind === 'classification' ? g.testAccuracy : g.testLoss);
  const better =
    kind === 'classification' ? (a: number, b: number) => b - a : (a: number, b: number) => a - b;
  const finished = groups
    .filter((g) => metric(g) !== null)
    .sort((a, b) => better(metric(a)!.mean, metric(b)!.mean));
  const unfinished = groups.filter((g) => metric(g) === null);
  const best = finished[0] ? metric(finished[0])! : null;
  const entries: RankEntry[] = finished.map((g, i) => {
    const m = metric(g)!;
    const delta = m.mean - best!.mean;
    const noise = 2 * Math.sqrt(m.sem ** 2 + best!.sem ** 2);
    const known = Number.isFinite(noise);
    const within = known ? Math.abs(delta) < noise : null;
    let note = '';
    if (i === 0) note = 'best';
    else if (within === null) note = 'no noise estimate (1 seed)';
    else note = within ? 'within seed noise of the best' : 'worse than the best beyond seed noise';
    if (g.diverged.length > 0) note += `; ${g.diverged.length} of ${g.runs} runs diverged`;
    if (g.failed.length > 0) note += `; ${g.failed.length} of ${g.runs} runs failed`;
    return {
      rank: i + 1,
      label: g.label,
      value: m.mean,
      sem: m.sem,
      deltaToBest: delta,
      withinNoiseOfBest: within,
      note,
    };
  });
  for (const g of unfinished) {
    const reasons = [
      g.diverged.length > 0
        ? `diverged (${g.diverged.map((d) => `seed ${d.seed} at step ${d.step}`).join(', ')})`
        : '',
      g.failed.length > 0 ? `failed (${g.failed.length} runs)` : '',
    ].filter(Boolean);
    entries.push({
      rank: entries.length + 1,
      label: g.label,
      value: null,
      sem: Number.NaN,
      deltaToBest: null,
      withinNoiseOfBest: null,
      note: reasons.join('; ') || 'no finished run',
    });
  }
  return entries;
}
