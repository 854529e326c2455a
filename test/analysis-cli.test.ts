import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLearningRates } from '../src/cli/args/lists.js';
import { formatLrTable } from '../src/cli/format.js';
import { registerPlot } from '../src/cli/plot.js';
import { registerStats } from '../src/cli/stats.js';
import { registerVariance } from '../src/cli/variance.js';
import { paramsByActivation } from '../src/lab/options/activation.js';
import { runCommand } from './helpers/command.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir('analysis-cli');

describe('gatelab stats / plot / variance commands', () => {
  it('stats prints one aligned row per activation, sorted by variance, with parameters applied', async () => {
    const out = await runCommand(registerStats, ['stats', 'golu', 'gelu', 'relu', '--param', 'golu.gamma=2']);
    const lines = out.split('\n');
    const header = lines.findIndex((l) => l.startsWith('activation'));
    const rows = lines.slice(header + 2, header + 5);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['golu', 'relu', 'gelu']);
    // Every row has as many columns as the header.
    const columns = lines[header].trim().split(/\s{2,}/).length;
    for (const r of rows) expect(r.trim().split(/\s{2,}/)).toHaveLength(columns);
    expect(out).toContain('relu: f(x)/x jumps by 1 at 0');
    const json = JSON.parse(await runCommand(registerStats, ['stats', 'relu', '--json']));
    expect(json[0].moments.mean.value).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
    const grid = await runCommand(registerStats, [
      'stats',
      'relu',
      '--grid',
      '--mus',
      '0',
      '--sigmas',
      '1,2',
    ]);
    expect(grid).toMatch(/relu\s+0\.34084506\s+1\.3633802/);
  });

  it('parameters: k=v applies where it exists, name.k=v to one activation; errors name the problem', () => {
    expect(Object.fromEntries(paramsByActivation(['golu', 'swish'], ['beta=2', 'golu.gamma=3']))).toEqual({
      golu: { beta: 2, gamma: 3 },
      swish: { beta: 2 },
    });
    expect(() => paramsByActivation(['relu'], ['beta=2'])).toThrow(/none of relu has a parameter 'beta'/);
    expect(() => paramsByActivation(['golu'], ['golu.delta=1'])).toThrow(
      /its parameters: alpha, beta, gamma/,
    );
    expect(() => paramsByActivation(['golu'], ['beta=x'])).toThrow(/not a number/);
  });

  it('plot writes an SVG; variance prints its table and writes the KDE figure', async () => {
    const svg = join(dir, 'a.svg');
    expect(
      await runCommand(registerPlot, [
        'plot',
        'golu',
        'swish',
        '--range',
        '-3,3',
        '--points',
        '50',
        '--out',
        svg,
      ]),
    ).toContain(svg);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);
    const kde = join(dir, 'kde.svg');
    const out = await runCommand(registerVariance, [
      'variance',
      'golu',
      'relu',
      '--images',
      '5',
      '--svg',
      kde,
    ]);
    expect(out).toMatch(/5 mnist test images/);
    expect(out).toMatch(/\ngolu\s/);
    expect(readFileSync(kde, 'utf8')).toContain('golu');
  });

  it('compare --lrs parsing and the LR table', () => {
    expect(parseLearningRates('0.1, 0.01')).toEqual([0.1, 0.01]);
    expect(() => parseLearningRates('0.1,-1')).toThrow(/positive/);
    expect(() => parseLearningRates('0.1,0.1')).toThrow(/repeats/);
    const summary = (mean: number, sem: number) => ({
      n: 3,
      mean,
      std: sem * Math.sqrt(3),
      sem,
      min: mean,
      max: mean,
      nonFinite: 0,
    });
    const group = (label: string, mean: number) => ({
      label,
      name: label,
      params: {},
      runs: 3,
      completed: 3,
      diverged: [],
      failed: [],
      testAccuracy: summary(mean, 0.004),
      testLoss: null,
      perplexity: null,
      msPerStep: null,
    });
    const table = formatLrTable(
      [
        { lr: 0.1, groups: [group('relu', 0.95), group('golu', 0.96)] },
        { lr: 0.01, groups: [group('relu', 0.97)] },
      ],
      'classification',
    );
    expect(table).toMatch(/relu\s+95\.00 ± 0\.40\s+97\.00 ± 0\.40/);
    expect(table).toMatch(/golu\s+96\.00 ± 0\.40\s+—/);
  });
});
