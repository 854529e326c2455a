/**
 * Seed statistics of a comparison and its verdict: per activation the seed summary of every metric
 * (`seedSummary`, the lab's one seed summary), and ONE computation, `judgeComparison`, from which the
 * ranking, the summary sentence, compare.json and the HTML report all take their verdict.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { type SeedSummary, seedSummary } from '../fn/descriptive.js';
import {
  formatMetric,
  formatMetricDelta,
  METRIC_KINDS,
  type MetricKind,
  metricValue,
} from '../metrics/kinds.js';
import type { RunSummary } from '../train/run.js';

export type { MetricKind };

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
  testAccuracy: SeedSummary | null;
  testLoss: SeedSummary | null;
  /** Language tasks: per-seed exp(test loss). */
  perplexity: SeedSummary | null;
  /** Task metrics (segmentation, detection, ...) by key: per-seed test values. */
  taskMetrics?: Record<string, SeedSummary | null>;
  msPerStep: SeedSummary | null;
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
    const taskKeys = [...new Set(tests.flatMap((t) => Object.keys(t.metrics ?? {})))];
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
      testAccuracy: seedSummary(tests.map((t) => t.accuracy)),
      testLoss: seedSummary(tests.map((t) => t.loss)),
      perplexity: seedSummary(perplexities),
      taskMetrics: Object.fromEntries(
        taskKeys.map((key) => [key, seedSummary(tests.map((t) => metricValue(t, key)))]),
      ),
      msPerStep: seedSummary(
        mine
          .filter((o) => o.summary !== null && o.summary.stepsDone > 1)
          .map((o) => o.summary!.timing.msPerStep),
      ),
    };
  });
}

/** The verdict's input for one activation: its seed summary of the ranking metric and its run counts. */
export interface VerdictGroup {
  label: string;
  /** Ranking metric over finished seeds (test accuracy as a fraction, or test loss); null if none. */
  metric: SeedSummary | null;
  runs: number;
  diverged: number;
  /** Runs that failed or never finished (no result, not a divergence). */
  failed: number;
  /** Optional detail on the diverged runs, e.g. "seed 0 at step 7". */
  divergedAt?: string[];
}

/** Two-sided confidence level of every pairwise test. */
export const VERDICT_CONFIDENCE = 0.95;

export const VERDICT_TEST =
  "Welch's two-sample t-test over seeds, two-sided, each activation against the best";

/** Welch's t-test of one activation against the best. */
export interface PairTest {
  /** This mean minus the best's mean. */
  difference: number;
  /** sqrt(s1^2/n1 + s2^2/n2). */
  standardError: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  t: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Confidence interval of the difference at VERDICT_CONFIDENCE: difference +- halfWidth. */
  halfWidth: number;
}

/**
 * Where an activation stands against the best: `best`; `tied` (the difference is not significant at
 * VERDICT_CONFIDENCE); `behind` (significant); `untested` (one seed, or no spread over seeds on either
 * side, so no test is possible); `unranked` (no finished run).
 */
export type Standing = 'best' | 'tied' | 'behind' | 'untested' | 'unranked';

export interface RankEntry {
  rank: number;
  label: string;
  /** Mean of the ranking metric: test accuracy (classification) or test loss (language); null if none. */
  value: number | null;
  sem: number;
  /** Finished seeds. */
  n: number;
  /** value - best value (signed; 0 for the best). */
  deltaToBest: number | null;
  standing: Standing;
  /** The test against the best; null for the best, untested and unranked entries. */
  test: PairTest | null;
  /** Why an `untested` entry could not be tested. */
  untestedBecause?: 'one seed' | 'no spread';
  note: string;
}

/** The kinds of verdict; each has its own sentence. */
export type VerdictCase =
  | 'all-diverged'
  | 'no-result'
  | 'one-activation'
  | 'one-finished'
  | 'one-seed'
  | 'ahead'
  | 'mixed';

export interface Verdict {
  /** "test " + the kind's ranking metric (src/lab/metrics/kinds.ts), e.g. 'test accuracy', 'test mIoU'. */
  metric: string;
  higherIsBetter: boolean;
  test: string;
  confidence: number;
  case: VerdictCase;
  ranking: RankEntry[];
  /** The summary sentence(s), printed under the table and in the report. */
  sentence: string;
}

/**
 * Welch's t-test for the difference of two means from their seed summaries (Welch 1947): t = d / se,
 * se^2 = s1^2/n1 + s2^2/n2, df = se^4 / ((s1^2/n1)^2/(n1-1) + (s2^2/n2)^2/(n2-1)). Null when either side
 * has one value or neither side has spread (se = 0): no noise estimate, no test.
 */
export function welchTest(a: SeedSummary, b: SeedSummary, confidence = VERDICT_CONFIDENCE): PairTest | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.std ** 2 / a.n;
  const vb = b.std ** 2 / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const standardError = Math.sqrt(se2);
  const df = se2 ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const difference = a.mean - b.mean;
  const t = difference / standardError;
  return {
    difference,
    standardError,
    df,
    t,
    pValue: Math.min(1, 2 * tCdf(-Math.abs(t), df)),
    halfWidth: tQuantile(0.5 + confidence / 2, df) * standardError,
  };
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function pValueText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toPrecision(2)}`;
}

/**
 * The verdict of a comparison. Groups are ranked by mean (test accuracy: higher is better; test loss:
 * lower is better, so perplexity = exp(loss) orders the same); each finished activation is compared with
 * the best by Welch's t-test at VERDICT_CONFIDENCE. "Ahead of every other one" needs every pairwise test
 * to be significant (an intersection-union test, so it holds at the stated level without correction).
 * One seed, no spread, all runs diverged and a single activation each get their own sentence.
 */
export function judgeComparison(groups: readonly VerdictGroup[], kind: MetricKind): Verdict {
  const rank = METRIC_KINDS[kind].rank;
  const higherIsBetter = rank.higherIsBetter;
  const metricName = `test ${rank.title}`;
  const show = (v: number) => formatMetric(rank, v);
  const showDelta = (d: number) => formatMetricDelta(rank, d);
  const finished = groups
    .filter((g) => g.metric !== null)
    .sort((a, b) => (higherIsBetter ? b.metric!.mean - a.metric!.mean : a.metric!.mean - b.metric!.mean));
  const unfinished = groups.filter((g) => g.metric === null);
  const best = finished[0]?.metric ?? null;
  const runNotes = (g: VerdictGroup) =>
    [
      g.diverged > 0 ? `${g.diverged} of ${g.runs} runs diverged` : '',
      g.failed > 0 ? `${g.failed} of ${g.runs} runs failed` : '',
    ].filter(Boolean);
  const ranking: RankEntry[] = finished.map((g, i) => {
    const m = g.metric!;
    const base = {
      rank: i + 1,
      label: g.label,
      value: m.mean,
      sem: m.sem,
      n: m.n,
      deltaToBest: m.mean - best!.mean,
    };
    let entry: RankEntry;
    if (i === 0) entry = { ...base, standing: 'best', test: null, note: 'best' };
    else {
      const test = welchTest(m, best!);
      if (test === null) {
        const because = m.n < 2 || best!.n < 2 ? 'one seed' : 'no spread';
        entry = {
          ...base,
          standing: 'untested',
          test: null,
          untestedBecause: because,
          note:
            because === 'one seed'
              ? 'not tested: one seed gives no noise estimate'
              : 'not tested: every seed gave the same value on both sides',
        };
      } else {
        const behind = test.pValue < 1 - VERDICT_CONFIDENCE;
        entry = {
          ...base,
          standing: behind ? 'behind' : 'tied',
          test,
          note: `${behind ? 'behind the best beyond seed noise' : 'not distinguishable from the best'} (${pValueText(test.pValue)})`,
        };
      }
    }
    entry.note = [entry.note, ...runNotes(g)].join('; ');
    return entry;
  });
  for (const g of unfinished) {
    const reasons = [
      g.diverged > 0 ? `diverged (${g.divergedAt?.join(', ') ?? `${g.diverged} of ${g.runs} runs`})` : '',
      g.failed > 0 ? `failed (${g.failed} runs)` : '',
    ].filter(Boolean);
    ranking.push({
      rank: ranking.length + 1,
      label: g.label,
      value: null,
      sem: Number.NaN,
      n: 0,
      deltaToBest: null,
      standing: 'unranked',
      test: null,
      note: reasons.join('; ') || 'no finished run',
    });
  }

  const labelsOf = (s: Standing) => ranking.filter((r) => r.standing === s).map((r) => r.label);
  const unranked = labelsOf('unranked');
  const unrankedText =
    unranked.length > 0
      ? ` ${joinNames(unranked)} ${unranked.length === 1 ? 'has' : 'have'} no finished run.`
      : '';
  let verdictCase: VerdictCase;
  let sentence: string;
  const total = groups.reduce((a, g) => a + g.runs, 0);
  const diverged = groups.reduce((a, g) => a + g.diverged, 0);
  if (finished.length === 0) {
    if (total > 0 && diverged === total) {
      verdictCase = 'all-diverged';
      sentence = `Every run diverged (${total} of ${total}: the loss became NaN/Inf): there is no result to rank.`;
    } else {
      verdictCase = 'no-result';
      sentence = `No run finished with a test result (${diverged} diverged, ${total - diverged} failed or unfinished): there is nothing to rank.`;
    }
  } else if (groups.length === 1) {
    verdictCase = 'one-activation';
    const m = best!;
    sentence = `Only one activation was compared (${finished[0].label}: mean ${metricName} ${show(m.mean)} over ${m.n} seed${m.n === 1 ? '' : 's'}): there is nothing to rank it against.`;
  } else if (finished.length === 1) {
    verdictCase = 'one-finished';
    sentence = `Only ${finished[0].label} finished with a test result (mean ${metricName} ${show(best!.mean)}), so no comparison is possible.${unrankedText}`;
  } else if (ranking.every((r) => r.standing !== 'tied' && r.standing !== 'behind')) {
    verdictCase = 'one-seed';
    const order = finished.map((g) => g.label).join(' > ');
    const single = finished.filter((g) => g.metric!.n === 1).map((g) => g.label);
    sentence =
      single.length === finished.length
        ? `One seed per activation: seed noise cannot be estimated, so the order by mean ${metricName} (${order}) is not evidence; use --seeds 3 or more.${unrankedText}`
        : `Order by mean ${metricName}: ${order}; no pair with the best could be tested (${single.length > 0 ? `one seed: ${joinNames(single)}` : 'every seed gave the same value on both sides'}), so this order is not evidence.${unrankedText}`;
  } else {
    const tied = labelsOf('tied');
    const behind = labelsOf('behind');
    const untested = labelsOf('untested');
    const level = `${Math.round(100 * VERDICT_CONFIDENCE)}%`;
    const first = finished[0].label;
    if (tied.length === 0 && untested.length === 0 && unranked.length === 0) {
      verdictCase = 'ahead';
      sentence = `${first} is ahead of every other activation beyond seed noise: each difference is significant at ${level} confidence (Welch's t-test over seeds).`;
    } else {
      verdictCase = 'mixed';
      const parts = [`${first} ranks first by mean ${metricName}`];
      if (tied.length > 0)
        parts.push(
          `${joinNames(tied)} ${tied.length === 1 ? 'is' : 'are'} not distinguishable from it at ${level} confidence (Welch's t-test over seeds)`,
        );
      if (behind.length > 0)
        parts.push(`${joinNames(behind)} ${behind.length === 1 ? 'is' : 'are'} behind it beyond seed noise`);
      if (untested.length > 0)
        parts.push(`${joinNames(untested)} could not be tested (one seed or no spread over seeds)`);
      sentence = `${parts.join('; ')}.${unrankedText}`;
    }
    const second = ranking[1];
    if (second.test !== null) {
      const gap = Math.abs(second.test.difference);
      sentence += ` Gap to ${second.label}: ${showDelta(gap)}, ${level} confidence interval ±${showDelta(second.test.halfWidth)} (Welch's t, ${second.test.df.toFixed(1)} degrees of freedom, ${pValueText(second.test.pValue)}).`;
    }
  }
  return {
    metric: metricName,
    higherIsBetter,
    test: VERDICT_TEST,
    confidence: VERDICT_CONFIDENCE,
    case: verdictCase,
    ranking,
    sentence,
  };
}

/** The seed summary of metric `key` (src/lab/metrics/kinds.ts) in one of compare's groups. */
export function metricSummary(g: GroupStats, key: string): SeedSummary | null {
  if (key === 'accuracy') return g.testAccuracy;
  if (key === 'loss') return g.testLoss;
  if (key === 'perplexity') return g.perplexity;
  return g.taskMetrics?.[key] ?? null;
}

/**
 * The verdict's input from compare's groups: the kind's ranking metric (accuracy for classification,
 * test loss for language, the task metric for the others).
 */
export function verdictGroups(groups: readonly GroupStats[], kind: MetricKind): VerdictGroup[] {
  return groups.map((g) => ({
    label: g.label,
    metric: metricSummary(g, METRIC_KINDS[kind].rank.key),
    runs: g.runs,
    diverged: g.diverged.length,
    failed: g.failed.length,
    divergedAt: g.diverged.map((d) => `seed ${d.seed} at step ${d.step}`),
  }));
}
