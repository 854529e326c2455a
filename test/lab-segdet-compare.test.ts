import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliSync } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const runsDir = tempDir('segdet-compare');

const cli = (args: string[]) => runCliSync(args, 550_000);

const tiny = (task: string, id: string) => [
  'compare',
  '--task',
  task,
  '--epochs',
  '1',
  '--batch-size',
  '4',
  '--eval-batch-size',
  '4',
  '--model',
  'channels=4,4,4',
  '--model',
  'groups=2',
  '--limit-train',
  '4',
  '--limit-eval',
  '2',
  '--runs-dir',
  runsDir,
  '--jobs',
  '2',
  '--id',
  id,
];

describe('compare on the segmentation and detection tasks', () => {
  it('mnist-seg: 2 activations x 2 seeds, table by mIoU, figures in run folders and the report', () => {
    const result = cli([...tiny('mnist-seg', 'seg'), '--activations', 'relu,golu', '--seeds', '2']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('test mIoU % (mean ± std)');
    expect(result.stdout).toContain('test pixel accuracy %');
    expect(result.stdout).toContain('Ranking by mean test mIoU (higher is better):');
    const dir = join(runsDir, 'seg');
    const runs = readdirSync(dir).filter((n) => existsSync(join(dir, n, 'summary.json')));
    expect(runs).toHaveLength(4);
    for (const run of runs) {
      const summary = JSON.parse(readFileSync(join(dir, run, 'summary.json'), 'utf8'));
      expect(summary.metricKind).toBe('segmentation');
      expect(Object.keys(summary.test.metrics)).toEqual(['miou', 'pixel_accuracy']);
      expect(summary.test.perClass.iou.values).toHaveLength(11);
      expect(readdirSync(join(dir, run, 'figures')).sort()).toEqual([
        'test-step000001.svg',
        'val-step000001.svg',
      ]);
    }
    const compare = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
    expect(compare.verdict.metric).toBe('test mIoU');
    const report = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(report).toContain('test mIoU % (mean ± std)');
    expect(report).toContain('Task metrics');
    expect(report).toContain('Per-class test iou %');
    expect(report).toContain('<h3>Predictions</h3>');
    expect(report.match(/<figure class="evaluation">/g)).toHaveLength(2);
    expect(report).toContain('data:image/png;base64,');
  }, 600_000);

  it('mnist-det: 2 activations x 1 seed, table by COCO mAP, detection figures', () => {
    const result = cli([...tiny('mnist-det', 'det'), '--activations', 'relu,golu', '--seeds', '1']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('test mAP@[.5:.95] % (mean ± std)');
    expect(result.stdout).toContain('test mAP@0.5 %');
    const report = readFileSync(join(runsDir, 'det', 'report.html'), 'utf8');
    expect(report).toContain('Per-class test ap50 %');
    expect(report).toContain('detections (after NMS)');
  }, 600_000);
});
