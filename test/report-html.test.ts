import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'parse5';
import { describe, expect, it } from 'vitest';
import { groupOutcomes, judgeComparison, type RunOutcome, verdictGroups } from '../src/lab/compare/stats.js';
import { escapeHtml } from '../src/lab/report/html.js';
import { buildRunsReport, describeComparison, groupRuns, judgeRunGroups } from '../src/lab/report/report.js';
import { findRunDirs, type LoadedRun, loadRun } from '../src/lab/runs/read.js';
import { RunDirectory } from '../src/lab/runs/run-folder.js';
import type { RunSummary } from '../src/lab/train/run.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir('report');

interface FakeRun {
  activation: string;
  seed: number;
  lr?: number;
  accuracy: number;
  diverge?: boolean;
}

/** Writes a run folder in the trainer's format, through the trainer's own writer. */
function writeRun(dir: string, r: FakeRun): string {
  const lr = r.lr ?? 0.001;
  const run = new RunDirectory(dir, `mnist-mlp-${r.activation}-s${r.seed}-lr${lr}`);
  run.writeConfig({
    task: 'mnist-mlp',
    activation: { name: r.activation },
    seed: r.seed,
    epochs: 2,
    batchSize: 128,
    lr,
    optimizer: 'adamw',
    activationLabel: r.activation,
    modelDescription: `mlp 784-[512 LN ${r.activation}]x2-10`,
    dataDescription: 'mnist (embedded): 1024 train / 256 val / 256 test',
  });
  for (let step = 1; step <= 16; step++) {
    const loss = r.diverge && step > 10 ? Number.NaN : 2.3 / step + 0.1 * r.seed;
    if (Number.isNaN(loss)) {
      run.appendMetric({ kind: 'diverged', step, epoch: 2, loss });
      break;
    }
    run.appendMetric({
      kind: 'step',
      step,
      epoch: step <= 8 ? 1 : 2,
      totalSteps: 16,
      loss,
      lr,
      msPerStep: 100,
    });
    if (step % 8 === 0) {
      run.appendMetric({
        kind: 'eval',
        step,
        epoch: step / 8,
        split: 'val',
        loss,
        accuracy: r.accuracy - 0.05 / step,
        count: 256,
      });
    }
  }
  const test = r.diverge ? null : { loss: 0.5, accuracy: r.accuracy, count: 256 };
  run.writeSummary({
    id: run.dir.split('/').pop(),
    task: 'mnist-mlp',
    activation: { name: r.activation, params: {}, label: r.activation },
    seed: r.seed,
    status: r.diverge ? 'diverged' : 'completed',
    diverged: r.diverge ? { step: 11, epoch: 2, loss: Number.NaN } : null,
    model: `mlp 784-[512 LN ${r.activation}]x2-10`,
    data: 'mnist (embedded): 1024 train / 256 val / 256 test',
    test,
    val: test,
    timing: { msPerStep: 100 },
  });
  return run.dir;
}

/** Parses HTML with parse5 and returns its parse errors (an empty list for valid HTML). */
function htmlErrors(html: string): string[] {
  const errors: string[] = [];
  parse(html, { onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}`) });
  return errors;
}

describe('gatelab report', () => {
  const compareDir = join(root, 'compare');
  for (const activation of ['relu', 'golu']) {
    for (const seed of [0, 1, 2])
      writeRun(compareDir, {
        activation,
        seed,
        accuracy: activation === 'golu' ? 0.9 + 0.001 * seed : 0.85 + 0.002 * seed,
      });
  }

  it('reads the trainer format, finds runs in nested folders', () => {
    const dirs = findRunDirs([root]);
    expect(dirs).toHaveLength(6);
    const run = loadRun(dirs[0]);
    expect(run.steps).toHaveLength(16);
    expect(run.evals.map((e) => e.step)).toEqual([8, 16]);
    expect(run.test?.accuracy).toBeGreaterThan(0.8);
  });

  it('is one valid, self-contained HTML file with the tables, figures and a generated summary', async () => {
    const runs = findRunDirs([compareDir]).map(loadRun);
    const html = await buildRunsReport(runs, { generatedAt: new Date(0) });
    expect(htmlErrors(html)).toEqual([]);
    // No external references: no src/href pointing at http(s), no script or stylesheet links at all.
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|<iframe|<img/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    // Figures are inline SVG: training curves and final metrics.
    expect(html.match(/<svg /g)?.length).toBe(2);
    // Ids are unique across the inlined figures.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // The summary names what was compared and the verdict.
    expect(html).toContain('6 runs of mnist-mlp compare 2 activations (golu, relu) over 3 seeds');
    expect(html).toMatch(/Mean test accuracy: golu 90\.10% \(SEM 0\.06\), relu 85\.20%/);
    expect(html).toContain(
      'golu is ahead of every other activation beyond seed noise: each difference is significant at 95% confidence',
    );
    expect(html).not.toContain('twice the combined standard error');
    expect(html).toContain('90.10 ± 0.10');
  });

  it('adds the learning-rate heatmap when runs differ in learning rate, and reports divergence', async () => {
    const lrDir = join(root, 'lr');
    for (const lr of [0.1, 0.01]) {
      for (const seed of [0, 1]) {
        writeRun(lrDir, { activation: 'golu', seed, lr, accuracy: 0.9, diverge: lr === 0.1 && seed === 1 });
        writeRun(lrDir, { activation: 'gelu', seed, lr, accuracy: 0.88 });
      }
    }
    const runs = findRunDirs([lrDir]).map(loadRun);
    const html = await buildRunsReport(runs);
    expect(htmlErrors(html)).toEqual([]);
    expect(html).toContain('Learning-rate ablation');
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).toContain('golu @ lr 0.1');
    expect(html).toMatch(/Diverged \(loss became NaN\/Inf\): golu seed 1 at step 11/);
  });

  it('says when one seed gives no noise estimate', () => {
    const runs = ['relu', 'golu'].map((activation, i) =>
      loadRun(writeRun(join(root, 'single'), { activation, seed: 0, accuracy: 0.8 + 0.1 * i })),
    );
    const groups = groupRuns(runs as LoadedRun[], 'classification');
    expect(judgeRunGroups(groups, 'classification').ranking.map((r) => r.label)).toEqual(['golu', 'relu']);
    expect(describeComparison('mnist-mlp', runs, groups, 'classification')).toContain(
      'One seed per activation: seed noise cannot be estimated',
    );
  });

  it("gives the same verdict as compare's table: best with SEM 0 (identical seeds)", async () => {
    const accuracies: Record<string, number[]> = {
      flat: [0.95, 0.95, 0.95],
      near: [0.93, 0.945, 0.955],
      far: [0.8, 0.801, 0.802],
    };
    const dir = join(root, 'sem0');
    const outcomes: RunOutcome[] = [];
    for (const [activation, values] of Object.entries(accuracies)) {
      values.forEach((accuracy, seed) => {
        writeRun(dir, { activation, seed, accuracy });
        const summary = { status: 'completed', test: { loss: 0.5, accuracy, count: 256 } } as RunSummary;
        outcomes.push({ label: activation, name: activation, params: {}, seed, summary });
      });
    }
    const fromCompare = judgeComparison(
      verdictGroups(groupOutcomes(outcomes), 'classification'),
      'classification',
    );
    const html = await buildRunsReport(findRunDirs([dir]).map(loadRun));
    expect(fromCompare.ranking.map((r) => r.standing)).toEqual(['best', 'tied', 'behind']);
    expect(html).toContain(escapeHtml(fromCompare.sentence));
    expect(html).not.toContain('ahead of every other');
    expect(html).toContain('not distinguishable from the best');
  });

  it('names the file and the problem when a run file is corrupt', () => {
    const dir = writeRun(join(root, 'corrupt'), { activation: 'relu', seed: 0, accuracy: 0.8 });
    writeFileSync(join(dir, 'summary.json'), '{"status": ');
    expect(() => loadRun(dir)).toThrow(/summary\.json: not valid JSON/);
    writeFileSync(join(dir, 'summary.json'), '{}');
    writeFileSync(join(dir, 'metrics.jsonl'), '{"kind":"step"}\nnot json\n{"kind":"step"}\n');
    expect(() => loadRun(dir)).toThrow(/metrics\.jsonl: line 2 is not valid JSON/);
    expect(() => findRunDirs([join(root, 'nothing-here')])).toThrow(/no such file or folder/);
  });
});
