/**
 * The run-folder format, written here and read in ./read.ts (nothing else knows the file names):
 *
 *   runs/<id>/run.json          the resolved run configuration (canonical JSON; `train --config` input)
 *             config.json       the same plus descriptions of the built model, data and optimizer
 *             metrics.jsonl     one record per line: kind "step" | "eval" | "diverged" (appended whole)
 *             summary.json      the result (status, final evaluations, timing); absent while running
 *             diagnostics.json  optional (--diagnostics)
 *             weights.json      optional (--save-weights): manifest of weights.bin (./weights.ts)
 *             weights.bin       optional: float32 little-endian tensors
 *             landscape.json    optional (gatelab landscape)
 *             figures/          optional: one SVG per evaluation of tasks with their own evaluation
 *                               (segmentation, detection), figures/<split>-step<NNNNNN>.svg, named by
 *                               the eval record's `figure`
 *             checkpoint.bin    while unfinished: the state to resume from (./checkpoint.ts)
 *
 * A comparison folder holds one run folder per activation x seed plus compare.json and table.txt.
 * Every file is written atomically (./files.ts); errors name the file and the cause.
 */
import { existsSync, statSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appendJsonLine, makeFolder, writeFileSafely, writeJsonFile } from './files.js';

/** File names inside a run folder. */
export const RUN_FILES = {
  runConfig: 'run.json',
  config: 'config.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  diagnostics: 'diagnostics.json',
  weightsManifest: 'weights.json',
  weightsData: 'weights.bin',
  landscape: 'landscape.json',
  checkpoint: 'checkpoint.bin',
  figures: 'figures',
} as const;

/** The figure of the evaluation of `split` at `step`, relative to the run folder. */
export function figurePath(split: string, step: number): string {
  return `${RUN_FILES.figures}/${safeName(split)}-step${String(step).padStart(6, '0')}.svg`;
}

/** File names inside a comparison folder (next to its run folders). */
export const COMPARE_FILES = {
  result: 'compare.json',
  table: 'table.txt',
  report: 'report.html',
  /** What the comparison is (task, activations, seeds, shared configuration): a rerun checks it. */
  plan: 'compare-plan.json',
} as const;

/** The kinds of metrics.jsonl records ('activation-params': learnable activation parameters, src/lab/analysis/learnable.ts). */
export type MetricRecordKind = 'step' | 'eval' | 'diverged' | 'activation-params';

/** A filesystem-safe, readable run id: task-activation-sSEED-YYYYMMDD-HHMMSS. */
export function makeRunId(parts: string[], date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return [...parts, stamp].map(safeName).join('-');
}

/** Letters, digits, '.', '_', '=' and '-' only: "golu(gamma=2, beta=1)" -> "golu_gamma=2_beta=1". */
export function safeName(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._=-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * Checks a user-chosen folder name (--run-id, --id): one plain name, no path separators, no "..",
 * so a run never lands outside its runs folder.
 */
export function checkRunId(id: string, what: string): string {
  if (!/^[A-Za-z0-9._=-]+$/.test(id) || id.includes('..') || id === '.') {
    throw new Error(
      `${what} must be a plain folder name (letters, digits, '.', '_', '=', '-'; no path separators, no '..'), got '${id}'`,
    );
  }
  return id;
}

/** The writer of one run folder. */
export class RunDirectory {
  readonly dir: string;

  /**
   * Creates runsDir/id (adding -2, -3, ... if it exists) with an empty metrics.jsonl. `existing`:
   * 'resume' opens an interrupted run's folder as it is.
   */
  constructor(runsDir: string, id: string, existing: false | 'resume' = false) {
    let dir = resolve(runsDir, id);
    if (!existing) {
      for (let n = 2; existsSync(dir); n++) dir = resolve(runsDir, `${id}-${n}`);
      makeFolder(dir);
    }
    this.dir = dir;
    if (existing !== 'resume') writeFileSafely(this.file('metrics'), '');
  }

  /** An interrupted run's folder, opened to continue it (nothing is truncated). */
  static resume(dir: string): RunDirectory {
    return new RunDirectory(dir, '.', 'resume');
  }

  /** Bytes of metrics.jsonl written so far (recorded in checkpoints). */
  metricsBytes(): number {
    const file = this.file('metrics');
    return existsSync(file) ? statSync(file).size : 0;
  }

  /** Cuts metrics.jsonl back to `bytes` (the lines written after a checkpoint are written again on resume). */
  truncateMetrics(bytes: number): void {
    const file = this.file('metrics');
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size < bytes) {
      throw new Error(`${file}: holds ${size} bytes, fewer than the ${bytes} its checkpoint recorded`);
    }
    truncateSync(file, bytes);
  }

  /** The path of one of the run's files. */
  file(name: keyof typeof RUN_FILES): string {
    return join(this.dir, RUN_FILES[name]);
  }

  /** run.json: the resolved run configuration, in its canonical JSON text. */
  writeRunConfig(text: string): void {
    writeFileSafely(this.file('runConfig'), text);
  }

  writeConfig(config: unknown): void {
    writeJsonFile(this.file('config'), config);
  }

  appendMetric(record: { kind: MetricRecordKind } & Record<string, unknown>): void {
    appendJsonLine(this.file('metrics'), record);
  }

  /** Writes an evaluation's figure (SVG text); returns its path relative to the run folder. */
  writeFigure(split: string, step: number, svg: string): string {
    const relative = figurePath(split, step);
    makeFolder(join(this.dir, RUN_FILES.figures));
    writeFileSafely(join(this.dir, relative), svg);
    return relative;
  }

  writeSummary(summary: unknown): void {
    writeJsonFile(this.file('summary'), summary);
  }

  writeDiagnostics(file: unknown): void {
    writeJsonFile(this.file('diagnostics'), file, true);
  }
}
