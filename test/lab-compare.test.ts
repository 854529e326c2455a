import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { describe, expect, it } from 'vitest';
import { parseSeeds } from '../src/cli/args/lists.js';
import {
  groupOutcomes,
  judgeComparison,
  type RunOutcome,
  VERDICT_CONFIDENCE,
  verdictGroups,
  welchTest,
} from '../src/lab/compare/stats.js';
import { formatCompareTable } from '../src/lab/compare/table.js';
import { seedSummary } from '../src/lab/fn/descriptive.js';
import { parseActivationList } from '../src/lab/options/activation.js';
import type { RunSummary } from '../src/lab/train/run.js';
import { runCliSync, words } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const runsDir = tempDir('lab-compare');

const cli = (args: string[]) => runCliSync(args, 100_000);

const tiny = [
  '--task',
  'mnist-mlp',
  '--epochs',
  '1',
  '--batch-size',
  '64',
  '--model',
  'depth=1',
  '--model',
  'width=32',
  '--limit-train',
  '256',
  '--limit-eval',
  '128',
  '--runs-dir',
  runsDir,
  '--jobs',
  '2',
];

describe('gatelab compare (end to end)', () => {
  it('runs 2 activations x 1 seed in child processes, prints the table and writes every run', () => {
    const result = cli(['compare', ...tiny, ...words('--activations relu,golu:gamma=2 --seeds 1 --id e2e')]);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain('gatelab compare: mnist-mlp, 2 activations x 1 seeds (0)');
    expect(out).toMatch(/activation\s+test acc % \(mean ± std\)\s+SEM\s+test loss/);
    expect(out).toMatch(/\nrelu\s+\d+\.\d\d\s+—\s+\d\.\d{4}/);
    expect(out).toMatch(/\ngolu\(gamma=2\)\s+\d+\.\d\d/);
    expect(out).toContain('Ranking by mean test accuracy');
    expect(out).toContain('no noise estimate');
    const dir = join(runsDir, 'e2e');
    for (const run of ['relu-s0', 'golu_gamma=2-s0']) {
      for (const file of ['config.json', 'metrics.jsonl', 'summary.json'])
        expect(existsSync(join(dir, run, file))).toBe(true);
    }
    const compare = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
    expect(compare.groups.map((g: { label: string }) => g.label)).toEqual(['relu', 'golu(gamma=2)']);
    const summary = JSON.parse(readFileSync(join(dir, 'relu-s0', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).toBe('completed');
    const reluGroup = compare.groups[0];
    expect(reluGroup.testAccuracy.mean).toBeCloseTo(summary.test!.accuracy, 12);
    expect(readFileSync(join(dir, 'table.txt'), 'utf8')).toBe(out.slice(out.indexOf('gatelab compare:')));
    // compare.json carries the same verdict the table printed.
    expect(compare.verdict.case).toBe('one-seed');
    expect(out).toContain(compare.verdict.sentence);
    expect(compare.verdict.ranking.map((r: { label: string }) => r.label).sort()).toEqual(
      ['golu(gamma=2)', 'relu'].sort(),
    );
  });

  it('a comparison is a sweep: sweep status and merge read its folder', () => {
    const dir = join(runsDir, 'e2e');
    const status = cli(['sweep', 'status', dir, '--json']);
    expect(status.status, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json.counts).toEqual({ done: 2, running: 0, failed: 0, interrupted: 0, pending: 0 });
    const merge = cli(['sweep', 'merge', dir]);
    expect(merge.status, merge.stderr).toBe(0);
    const compare = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
    const merged = JSON.parse(readFileSync(join(dir, 'merged', 'results.json'), 'utf8'));
    expect(merged.cells.map((c: { axes: { activation: string } }) => c.axes.activation)).toEqual([
      'relu',
      'golu(gamma=2)',
    ]);
    // The same runs, the same numbers.
    expect(merged.cells[0].value.mean).toBe(compare.groups[0].testAccuracy.mean);
  });

  it('--lrs: one sweep of rates x activations x seeds, a table per rate, the lr table, --rebuild', () => {
    const args = ['compare', ...tiny, '--activations', 'relu,golu', '--seeds', '1', '--lrs', '0.01,0.001'];
    const result = cli([...args, '--id', 'lrs', '--no-report']);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out.match(/gatelab compare: mnist-mlp, 2 activations x 1 seeds/g)).toHaveLength(2);
    expect(out).toMatch(/training: .*lr 0\.01[,)]/);
    expect(out).toMatch(/training: .*lr 0\.001[,)]/);
    const dir = join(runsDir, 'lrs');
    for (const lr of ['0.01', '0.001']) {
      for (const run of ['relu-s0', 'golu-s0'])
        expect(existsSync(join(dir, `lr-${lr}`, run, 'summary.json'))).toBe(true);
      const compare = JSON.parse(readFileSync(join(dir, `lr-${lr}`, 'compare.json'), 'utf8'));
      expect(compare.lr).toBe(Number(lr));
      expect(compare.groups.map((g: { label: string }) => g.label)).toEqual(['relu', 'golu']);
    }
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(plan.axes).toEqual(['lr', 'activation', 'seed']);
    expect(plan.trials.map((t: { folder: string }) => t.folder)).toEqual([
      'lr-0.01/relu-s0',
      'lr-0.01/golu-s0',
      'lr-0.001/relu-s0',
      'lr-0.001/golu-s0',
    ]);
    const before = readFileSync(join(dir, 'lr-0.001', 'compare.json'), 'utf8');
    // Rerun: everything is kept; --rebuild gives the same groups from the run folders alone.
    const again = cli([...args, '--id', 'lrs', '--no-report']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('4 runs kept, 0 continue from checkpoints, 0 start');
    const rebuilt = cli(['compare', '--rebuild', 'lrs', '--runs-dir', runsDir, '--no-report']);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout.match(/table rebuilt from the run folders/g)).toHaveLength(2);
    const groups = (text: string) => JSON.parse(text).groups;
    expect(groups(readFileSync(join(dir, 'lr-0.001', 'compare.json'), 'utf8'))).toEqual(groups(before));
  });

  it('reports runs whose loss blows up as diverged instead of averaging them', () => {
    const result = cli([
      'compare',
      ...tiny,
      ...words('--activations relu --seeds 1 --optimizer sgd --momentum 0 --lr 1e25 --id blowup'),
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/relu\s+—\s+—\s+—\s+.*0\/1, 1 diverged/);
    expect(result.stdout).toMatch(/1\.\s+relu\s+—\s+diverged \(seed 0 at step \d+\)/);
    expect(result.stdout).toContain('Every run diverged (1 of 1');
    expect(result.stdout).not.toContain('ahead of every other');
    const summary = JSON.parse(readFileSync(join(runsDir, 'blowup', 'relu-s0', 'summary.json'), 'utf8'));
    expect(summary.status).toBe('diverged');
    // Diverged runs are results (exit 0 above); --strict makes them an error.
    const strict = cli(['compare', '--rebuild', 'blowup', '--runs-dir', runsDir, '--strict', '--no-report']);
    expect(strict.status, strict.stderr).toBe(1);
    expect(strict.stdout).toContain('table rebuilt from the run folders');
  });

  it('rejects bad input before starting any run', () => {
    const unknown = cli(['compare', ...tiny, '--activations', 'relu,nope']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown activation 'nope'.*Valid names/);
    expect(() => parseActivationList('golu:beta=-1')).toThrow(
      /golu parameter 'beta' must be a number in \(0, Infinity\)/,
    );
    const badTask = cli(['train', '--task', 'nope']);
    expect(badTask.stderr).toMatch(/Valid tasks/);
  });
});

function outcome(label: string, seed: number, acc: number | null, diverged = false): RunOutcome {
  const summary = {
    status: diverged ? 'diverged' : 'completed',
    diverged: diverged ? { step: 7, epoch: 1, loss: Number.NaN } : null,
    test: acc === null ? null : { loss: 1 - acc, accuracy: acc, count: 100 },
    stepsDone: 10,
    timing: { msPerStep: 20 },
  } as unknown as RunSummary;
  return {
    label,
    name: label,
    params: {},
    seed,
    summary: acc === null && !diverged ? null : summary,
    error: 'boom',
  };
}

const seeds = (label: string, values: (number | null)[], diverged = false) =>
  values.map((v, seed) => outcome(label, seed, v, diverged));
const judge = (outcomes: RunOutcome[], kind: 'classification' | 'language' = 'classification') => {
  const groups = groupOutcomes(outcomes);
  const verdict = judgeComparison(verdictGroups(groups, kind), kind);
  const table = formatCompareTable({ title: 'T', details: [], kind, groups, verdict });
  return { groups, verdict, table };
};

describe('statistics and table', () => {
  it('seedSummary: mean, sample std, SEM; non-finite values are left out and counted', () => {
    const s = seedSummary([0.9, 0.92, 0.94])!;
    expect(s.mean).toBeCloseTo(0.92, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.sem).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(s.nonFinite).toBe(0);
    expect(Number.isNaN(seedSummary([1])!.sem)).toBe(true);
    expect(seedSummary([])).toBeNull();
    const withBad = seedSummary([1, Number.NaN, 3, Number.POSITIVE_INFINITY])!;
    expect([withBad.n, withBad.mean, withBad.nonFinite]).toEqual([2, 2, 2]);
    expect(seedSummary([Number.NaN, Number.NEGATIVE_INFINITY])).toBeNull();
    // Identical seeds: exactly no spread (the rounded sum 3 * 0.95 / 3 is not 0.95).
    expect(seedSummary([0.95, 0.95, 0.95])).toMatchObject({ mean: 0.95, std: 0, sem: 0 });
  });

  it("Welch's t-test: statistic, Welch-Satterthwaite df and the interval's t quantile", () => {
    const a = seedSummary([0.9, 0.91, 0.92])!;
    const b = seedSummary([0.915, 0.925, 0.935])!;
    const test = welchTest(a, b)!;
    // Equal variances and sizes: df = 2(n - 1) = 4, se = sqrt(2 s^2 / n).
    expect(test.df).toBeCloseTo(4, 10);
    expect(test.standardError).toBeCloseTo(Math.sqrt((2 * 0.01 ** 2) / 3), 12);
    expect(test.t).toBeCloseTo(-0.015 / test.standardError, 10);
    expect(test.halfWidth).toBeCloseTo(2.7764451051977987 * test.standardError, 10);
    expect(test.pValue).toBeGreaterThan(0.05);
    // One side without spread: df = n - 1 of the other side.
    const flat = seedSummary([0.95, 0.95, 0.95])!;
    expect(welchTest(b, flat)!.df).toBeCloseTo(2, 10);
    expect(welchTest(seedSummary([1])!, b)).toBeNull();
    expect(welchTest(flat, seedSummary([0.9, 0.9])!)).toBeNull();
  });

  it('ranks by mean, tests against the best, lists diverged and failed runs last', () => {
    const { verdict, table } = judge([
      ...seeds('a', [0.9, 0.91, 0.92]),
      ...seeds('b', [0.915, 0.925, 0.935]),
      ...seeds('c', [0.5, 0.51, 0.52]),
      ...seeds('d', [null, null], true),
      outcome('e', 0, null),
    ]);
    const ranking = verdict.ranking;
    expect(ranking.map((r) => r.label)).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(ranking.map((r) => r.standing)).toEqual(['best', 'tied', 'behind', 'unranked', 'unranked']);
    expect(ranking[3].note).toBe('diverged (seed 0 at step 7, seed 1 at step 7)');
    expect(ranking[4].note).toBe('failed (1 runs)');
    expect(verdict.case).toBe('mixed');
    expect(verdict.sentence).toMatch(
      /^b ranks first by mean test accuracy; a is not distinguishable from it at 95% confidence \(Welch's t-test over seeds\); c is behind it beyond seed noise\. d and e have no finished run\./,
    );
    expect(table).toMatch(/b\s+92\.50 ± 1\.00\s+0\.58/);
    expect(table).toMatch(/d\s+—\s+—\s+—\s+20\.0 ± 0\.0\s+0\/2, 2 diverged/);
    expect(table).toContain(verdict.sentence);
    expect(table).toContain(
      "(Welch's two-sample t-test over seeds, two-sided, each activation against the best; 95% confidence.)",
    );
  });

  it('the gap to the runner-up is stated with its t-based interval, not one standard error', () => {
    const { verdict } = judge([...seeds('a', [0.9, 0.91, 0.92]), ...seeds('b', [0.915, 0.925, 0.935])]);
    const test = verdict.ranking[1].test!;
    const halfWidth = tQuantile(0.5 + VERDICT_CONFIDENCE / 2, test.df) * test.standardError;
    expect(verdict.sentence).toContain(
      `Gap to a: 1.50 pts, 95% confidence interval ±${(100 * halfWidth).toFixed(2)} pts (Welch's t, 4.0 degrees of freedom`,
    );
    // At 4 degrees of freedom the interval is 2.78 standard errors wide: a 2-SE rule is too narrow.
    expect(halfWidth / test.standardError).toBeGreaterThan(2.7);
  });

  it('best with zero spread (SEM 0): ranking, sentence and table agree', () => {
    const { verdict, table } = judge([
      ...seeds('flat', [0.95, 0.95, 0.95]),
      ...seeds('near', [0.93, 0.945, 0.955]),
      ...seeds('far', [0.8, 0.801, 0.802]),
    ]);
    expect(verdict.ranking[0]).toMatchObject({ label: 'flat', sem: 0, standing: 'best' });
    expect(verdict.ranking[1]).toMatchObject({ label: 'near', standing: 'tied' });
    expect(verdict.ranking[2]).toMatchObject({ label: 'far', standing: 'behind' });
    expect(verdict.ranking[1].test!.df).toBeCloseTo(2, 10);
    expect(verdict.case).toBe('mixed');
    expect(verdict.sentence).toContain('near is not distinguishable from it');
    expect(verdict.sentence).not.toContain('ahead of every other');
    expect(table).not.toContain('ahead of every other');
    expect(table).toMatch(/2\.\s+near.*not distinguishable from the best/);
  });

  it('every difference significant: the "ahead" sentence', () => {
    const { verdict } = judge([...seeds('a', [0.9, 0.901, 0.902]), ...seeds('b', [0.8, 0.802, 0.801])]);
    expect(verdict.case).toBe('ahead');
    expect(verdict.sentence).toMatch(
      /^a is ahead of every other activation beyond seed noise: each difference is significant at 95% confidence/,
    );
  });

  it('zero spread on both sides: no test, said so', () => {
    const { verdict } = judge([...seeds('a', [0.9, 0.9]), ...seeds('b', [0.8, 0.8])]);
    expect(verdict.ranking[1]).toMatchObject({ standing: 'untested', untestedBecause: 'no spread' });
    expect(verdict.case).toBe('one-seed');
    expect(verdict.sentence).toContain('every seed gave the same value on both sides');
    expect(verdict.sentence).toContain('not evidence');
  });

  it('one seed: no noise estimate and no claim', () => {
    const { verdict, table } = judge([outcome('a', 0, 0.9), outcome('b', 0, 0.8)]);
    expect(verdict.case).toBe('one-seed');
    expect(verdict.sentence).toBe(
      'One seed per activation: seed noise cannot be estimated, so the order by mean test accuracy (a > b) is not evidence; use --seeds 3 or more.',
    );
    expect(verdict.ranking[1].untestedBecause).toBe('one seed');
    expect(table).not.toContain('Welch');
  });

  it('every run diverged: its own sentence, no ranking claim', () => {
    const { verdict, table } = judge([...seeds('a', [null, null], true), ...seeds('b', [null], true)]);
    expect(verdict.case).toBe('all-diverged');
    expect(verdict.sentence).toBe(
      'Every run diverged (3 of 3: the loss became NaN/Inf): there is no result to rank.',
    );
    expect(table).toContain(verdict.sentence);
    expect(table).not.toContain('ahead');
  });

  it('one activation, and one activation finished', () => {
    const one = judge(seeds('golu', [0.9, 0.92])).verdict;
    expect(one.case).toBe('one-activation');
    expect(one.sentence).toBe(
      'Only one activation was compared (golu: mean test accuracy 91.00% over 2 seeds): there is nothing to rank it against.',
    );
    const alone = judge([...seeds('golu', [0.9, 0.92]), ...seeds('relu', [null], true)]).verdict;
    expect(alone.case).toBe('one-finished');
    expect(alone.sentence).toContain('Only golu finished with a test result');
    expect(alone.sentence).toContain('relu has no finished run.');
  });

  it('language tasks rank by test loss (lower first)', () => {
    const { verdict } = judge([outcome('x', 0, 0.4), outcome('y', 0, 0.6)], 'language');
    expect(verdict.ranking.map((r) => r.label)).toEqual(['y', 'x']);
    expect(verdict.metric).toBe('test loss');
  });

  it('parses activation lists and seeds', () => {
    expect(parseActivationList('relu, golu:gamma=2:beta=0.5,silu')).toEqual([
      { name: 'relu' },
      { name: 'golu', params: { gamma: 2, beta: 0.5 } },
      { name: 'swish' },
    ]);
    expect(parseSeeds('3')).toEqual([0, 1, 2]);
    expect(parseSeeds('4,9')).toEqual([4, 9]);
    expect(() => parseSeeds('0')).toThrow(/count/);
    expect(() => parseSeeds('1,1')).toThrow(/repeats/);
  });
});
