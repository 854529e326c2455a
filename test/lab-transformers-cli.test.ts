import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFlags, runCliSync, TINY_VIT_MODEL, words } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir('transformers-cli');

const cli = (args: string[]) => runCliSync(args, 600_000);
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** A one-layer encoder of width 16 over 16 characters. */
const TINY_MLM = modelFlags('nLayer=1', 'nHead=2', 'nEmbd=16', 'blockSize=16');

/** Runs `gatelab ARGS --runs-dir root/FOLDER`, expects it to succeed, and returns that runs folder. */
function succeedsIn(folder: string, args: string[]): string {
  const runsDir = join(root, folder);
  const r = cli([...args, '--runs-dir', runsDir]);
  expect(r.status, r.stderr).toBe(0);
  return runsDir;
}

describe('transformer tasks from the CLI', () => {
  it('train --task mnist-vit --learnable: logs the parameters and the report plots them', () => {
    const runsDir = succeedsIn('train', [
      ...words('train --task mnist-vit --activation golu --learnable alpha,beta,gamma --run-id vit --quiet'),
      ...words('--epochs 2 --batch-size 32 --limit-train 128 --limit-eval 64'),
      ...TINY_VIT_MODEL,
    ]);
    const dir = join(runsDir, 'vit');
    const summary = json(join(dir, 'summary.json'));
    expect(summary.status).toBe('completed');
    expect(summary.activation.label).toBe('golu[learn alpha,beta,gamma per layer]');
    expect(summary.model).toContain('vit 28x28x1, patch 14 (4 patches + class token), 1 blocks x 2 heads');
    expect(summary.test.count).toBe(64);
    expect(
      summary.learnedActivation.map((v: { layer: string; param: string }) => `${v.layer}.${v.param}`),
    ).toEqual(['blocks.0.alpha', 'blocks.0.beta', 'blocks.0.gamma']);
    const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((record) => record.kind === 'activation-params')
      .map((record) => record.step);
    expect(steps).toEqual([0, 4, 8]); // before training and after each of the 2 evaluations
    const report = cli(['report', dir, '--out', join(root, 'vit.html')]);
    expect(report.status, report.stderr).toBe(0);
    expect(readFileSync(join(root, 'vit.html'), 'utf8')).toContain('Learnable activation parameters');
  });

  it('compare --task text-mlm: every activation completes with masked-token metrics', () => {
    const runsDir = succeedsIn('compare', [
      ...words('compare --task text-mlm --activations relu,gem --seeds 1 --jobs 1 --id mlm --no-report'),
      ...words('--epochs 1 --steps-per-epoch 4 --eval-batches 2 --batch-size 8 --eval-batch-size 8'),
      ...TINY_MLM,
    ]);
    const compare = json(join(runsDir, 'mlm', 'compare.json'));
    const runs = compare.outcomes as {
      label: string;
      summary: { status: string; test: Record<string, number> };
    }[];
    expect(runs.map((run) => run.label)).toEqual(['relu', 'gem']);
    for (const run of runs) {
      expect(run.summary.status).toBe('completed');
      // 2 batches of 8 windows of 16 characters, ~15 % of them masked and scored.
      expect(run.summary.test.count).toBeGreaterThan(0);
      expect(run.summary.test.count).toBeLessThan(2 * 8 * 16);
      expect(run.summary.test.perplexity).toBeCloseTo(Math.exp(run.summary.test.loss), 6);
    }
  });

  it('a sweep over mnist-vit runs and merges', () => {
    const file = join(root, 'vit-sweep.yaml');
    writeFileSync(
      file,
      `name: vit-tiny
task: mnist-vit
fixed: { epochs: 1, batch-size: 32, limit-train: 128, limit-eval: 64, model.patchSize: 14, model.depth: 1, model.width: 16, model.heads: 2 }
grid:
  activation: [relu, golu]
seeds: 1
`,
    );
    const out = join(root, 'sweep');
    const run = cli(['sweep', 'run', file, '--out', out, '--jobs', '1']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('sweep vit-tiny: 2 trials finished, 0 failed');
    const merge = cli(['sweep', 'merge', out]);
    expect(merge.status, merge.stderr).toBe(0);
    const merged = json(join(out, 'merged', 'results.json'));
    expect(merged.finished).toBe(2);
    expect(merged.cells.map((c: { axes: { activation: string } }) => c.axes.activation)).toEqual([
      'relu',
      'golu',
    ]);
  });
}, 1_200_000);
