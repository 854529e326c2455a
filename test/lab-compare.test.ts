/**
 * `gatelab compare` end to end (real child processes, tiny sizes, 2 activations, 1 seed), a comparison
 * where every run blows up, and the statistics/table on hand-made outcomes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeeds } from '../src/cli/args/lists.js';
import { groupOutcomes, type RunOutcome, rankGroups, summarize } from '../src/lab/compare/stats.js';
import { formatCompareTable } from '../src/lab/compare/table.js';
import { parseActivationList } from '../src/lab/options/activation.js';
import type { RunSummary } from '../src/lab/train/run.js';

const runsDir = mkdtempSync(join(tmpdir(), 'gatelab-lab-compare-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 100_000,
  });

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
    const result = cli([
      'compare',
      ...tiny,
      '--activations',
      'relu,golu:gamma=2',
      '--seeds',
      '1',
      '--id',
      'e2e',
    ]);
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
  });

  it('reports runs whose loss blows up as diverged instead of averaging them', () => {
    const result = cli([
      'compare',
      ...tiny,
      '--activations',
      'relu',
      '--seeds',
      '1',
      '--optimizer',
      'sgd',
      '--momentum',
      '0',
      '--lr',
      '1e25',
      '--id',
      'blowup',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/relu\s+—\s+—\s+—\s+.*0\/1, 1 diverged/);
    expect(result.stdout).toMatch(/1\.\s+relu\s+—\s+diverged \(seed 0 at step \d+\)/);
    const summary = JSON.parse(readFileSync(join(runsDir, 'blowup', 'relu-s0', 'summary.json'), 'utf8'));
    expect(summary.status).toBe('diverged');
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

describe('statistics and table', () => {
  it('summarize: mean, sample std, SEM', () => {
    const s = summarize([0.9, 0.92, 0.94])!;
    expect(s.mean).toBeCloseTo(0.92, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.sem).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(Number.isNaN(summarize([1])!.sem)).toBe(true);
    expect(summarize([])).toBeNull();
  });

  it('ranks by mean, flags seed noise, lists diverged and failed runs last', () => {
    const outcomes = [
      outcome('a', 0, 0.9),
      outcome('a', 1, 0.91),
      outcome('a', 2, 0.92),
      outcome('b', 0, 0.915),
      outcome('b', 1, 0.925),
      outcome('b', 2, 0.935),
      outcome('c', 0, 0.5),
      outcome('c', 1, 0.51),
      outcome('c', 2, 0.52),
      outcome('d', 0, null, true),
      outcome('d', 1, null, true),
      outcome('e', 0, null),
    ];
    const groups = groupOutcomes(outcomes);
    const ranking = rankGroups(groups, 'classification');
    expect(ranking.map((r) => r.label)).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(ranking[1].withinNoiseOfBest).toBe(true);
    expect(ranking[2].withinNoiseOfBest).toBe(false);
    expect(ranking[3].note).toBe('diverged (seed 0 at step 7, seed 1 at step 7)');
    expect(ranking[4].note).toBe('failed (1 runs)');
    const table = formatCompareTable({ title: 'T', details: [], kind: 'classification', groups, ranking });
    expect(table).toMatch(/b\s+92\.50 ± 1\.00\s+0\.58/);
    expect(table).toMatch(/d\s+—\s+—\s+—\s+20\.0 ± 0\.0\s+0\/2, 2 diverged/);
    expect(table).toContain('Within seed noise of each other at the top: b, a');
  });

  it('language tasks rank by test loss (lower first)', () => {
    const groups = groupOutcomes([outcome('x', 0, 0.4), outcome('y', 0, 0.6)]);
    expect(rankGroups(groups, 'language').map((r) => r.label)).toEqual(['y', 'x']);
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
