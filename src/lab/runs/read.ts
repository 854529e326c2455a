/**
 * Reading run folders (the format is described in ./run-folder.ts): config.json, metrics.jsonl,
 * summary.json and the optional analysis files (diagnostics.json, landscape.json). Corrupt files
 * produce errors that name the file and the problem; `loadRuns` reads what it can and lists the
 * damaged folders instead of failing on the first.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { asMetricKind, inferMetricKind, type MetricKind } from '../metrics/kinds.js';
import { DamagedFileError, parseJsonLines, parseJsonObject, toNumber } from './files.js';
import { RUN_FILES } from './run-folder.js';

/** One evaluation as the trainer reports it and metrics.jsonl holds it. */
export interface EvalRecord {
  loss: number;
  /** Correct fraction (examples, tokens or pixels); NaN for a model with its own loss (detection). */
  accuracy: number;
  /** exp(loss), language tasks only. */
  perplexity?: number;
  /** Task metrics by key (segmentation, detection: src/lab/metrics/kinds.ts). */
  metrics?: Record<string, number>;
  /** Per-class task metrics, e.g. { iou: { classes, values } } (segmentation IoU per class). */
  perClass?: Record<string, { classes: string[]; values: number[] }>;
}

/** One training step's record in metrics.jsonl (the trainer's step event carries more). */
export interface StepRecord {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm?: number;
}

export interface EvalPoint extends EvalRecord {
  step: number;
  epoch: number;
  split: string;
  /** The evaluation's figure, relative to the run folder (figures/...svg). */
  figure?: string;
}

/** An evaluation's figure, with its SVG text when it could be read. */
export interface RunFigure {
  split: string;
  step: number;
  epoch: number;
  path: string;
  svg?: string;
}

/** One run folder, read and normalised. */
export interface LoadedRun {
  id: string;
  dir: string;
  task: string;
  /** How the run is judged (summary.json / config.json, else inferred from its evaluations). */
  metricKind: MetricKind;
  /** Activation label, e.g. "golu" or "golu(beta=2)". */
  label: string;
  activation: string;
  seed: number;
  lr: number;
  config: Record<string, unknown>;
  /** 'completed' | 'diverged' | 'incomplete' (no summary.json: still running or crashed). */
  status: string;
  model: string;
  data: string;
  test: EvalRecord | null;
  val: EvalRecord | null;
  msPerStep: number;
  steps: StepRecord[];
  evals: EvalPoint[];
  diverged: { step: number; epoch: number; loss: number } | null;
  /** Other records of metrics.jsonl by kind (e.g. diagnostics). */
  extra: Record<string, Record<string, unknown>[]>;
  /** Parsed optional JSON files next to the run files, by base name (diagnostics, landscape, ...). */
  attachments: Record<string, unknown>;
  /** The last figure of each split's evaluations (SVG text when read from a folder). */
  figures: RunFigure[];
  /** Problems read past (e.g. a torn last line of metrics.jsonl after a crash). */
  warnings: string[];
}

function evalOf(value: unknown): EvalRecord | null {
  if (value === null || typeof value !== 'object') return null;
  const r = value as Record<string, unknown>;
  const out: EvalRecord = { loss: toNumber(r.loss), accuracy: toNumber(r.accuracy) };
  if (r.perplexity !== undefined) out.perplexity = toNumber(r.perplexity);
  if (r.metrics !== null && typeof r.metrics === 'object') {
    out.metrics = Object.fromEntries(
      Object.entries(r.metrics as Record<string, unknown>).map(([k, v]) => [k, toNumber(v)]),
    );
  }
  if (r.perClass !== null && typeof r.perClass === 'object') {
    const perClass: NonNullable<EvalRecord['perClass']> = {};
    for (const [k, v] of Object.entries(r.perClass as Record<string, unknown>)) {
      const entry = v as { classes?: unknown; values?: unknown } | null;
      if (entry && Array.isArray(entry.classes) && Array.isArray(entry.values))
        perClass[k] = { classes: entry.classes.map(String), values: entry.values.map(toNumber) };
    }
    out.perClass = perClass;
  }
  return out;
}

/** Optional files that analysis commands write into a run folder. */
export const ATTACHMENTS = [
  'diagnostics',
  'landscape',
] as const satisfies readonly (keyof typeof RUN_FILES)[];

/** The text of a run folder's files (absent ones undefined), e.g. from a zip or a browser file drop. */
export interface RunFolderTexts {
  config: string;
  summary?: string;
  metrics?: string;
  /** Optional analysis files by name (see ATTACHMENTS). */
  attachments?: Partial<Record<(typeof ATTACHMENTS)[number], string>>;
  /** SVG text of evaluation figures by their path relative to the folder (figures/...svg). */
  figures?: Record<string, string>;
}

/**
 * One run folder from its files' text, with no file system (the explorer reads dropped or unzipped
 * folders with it); `dir` names the folder in errors and its last part is the run's id.
 */
export function parseRunFolder(dir: string, texts: RunFolderTexts): LoadedRun {
  const at = (name: string) => `${dir}/${name}`;
  const config = parseJsonObject(texts.config, at(RUN_FILES.config));
  const summary = texts.summary === undefined ? null : parseJsonObject(texts.summary, at(RUN_FILES.summary));
  const { records, tornLine } =
    texts.metrics === undefined
      ? { records: [], tornLine: null }
      : parseJsonLines(texts.metrics, at(RUN_FILES.metrics));
  const steps: StepRecord[] = [];
  const evals: EvalPoint[] = [];
  const extra: Record<string, Record<string, unknown>[]> = {};
  let diverged: LoadedRun['diverged'] = null;
  for (const r of records) {
    if (r.kind === 'step') {
      const s: StepRecord = {
        step: toNumber(r.step),
        epoch: toNumber(r.epoch),
        loss: toNumber(r.loss),
        lr: toNumber(r.lr),
      };
      if (r.gradNorm !== undefined) s.gradNorm = toNumber(r.gradNorm);
      steps.push(s);
    } else if (r.kind === 'eval') {
      const point: EvalPoint = {
        ...evalOf(r)!,
        step: toNumber(r.step),
        epoch: toNumber(r.epoch),
        split: String(r.split),
      };
      if (typeof r.figure === 'string') point.figure = r.figure;
      evals.push(point);
    } else if (r.kind === 'diverged') {
      diverged = { step: toNumber(r.step), epoch: toNumber(r.epoch), loss: toNumber(r.loss) };
    } else {
      const kind = String(r.kind ?? 'unknown');
      if (!extra[kind]) extra[kind] = [];
      extra[kind].push(r);
    }
  }
  const attachments: Record<string, unknown> = {};
  for (const name of ATTACHMENTS) {
    const text = texts.attachments?.[name];
    if (text !== undefined) attachments[name] = parseJsonObject(text, at(RUN_FILES[name]));
  }
  const activation = config.activation as { name?: string } | undefined;
  const summaryActivation = summary?.activation as { label?: string } | undefined;
  const timing = summary?.timing as { msPerStep?: unknown } | undefined;
  const test = evalOf(summary?.test);
  const val = evalOf(summary?.val);
  const metricKind =
    asMetricKind(summary?.metricKind) ??
    asMetricKind(config.metricKind) ??
    inferMetricKind([test, val, ...evals]);
  return {
    id: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir,
    dir,
    task: String(config.task ?? summary?.task ?? 'unknown'),
    metricKind,
    label: String(summaryActivation?.label ?? config.activationLabel ?? activation?.name ?? 'unknown'),
    activation: String(activation?.name ?? 'unknown'),
    seed: toNumber(config.seed),
    lr: toNumber(config.lr),
    config,
    status: summary ? String(summary.status ?? 'completed') : 'incomplete',
    model: String(summary?.model ?? config.modelDescription ?? ''),
    data: String(summary?.data ?? config.dataDescription ?? ''),
    test,
    val,
    msPerStep: toNumber(timing?.msPerStep),
    steps,
    evals,
    diverged: diverged ?? (summary?.diverged ? (summary.diverged as LoadedRun['diverged']) : null),
    extra,
    attachments,
    figures: lastFigures(evals).map((f) =>
      texts.figures?.[f.path] === undefined ? f : { ...f, svg: texts.figures[f.path] },
    ),
    warnings: tornLine === null ? [] : [tornLine],
  };
}

/** The last evaluation figure of each split, in split order of first appearance. */
export function lastFigures(evals: readonly EvalPoint[]): RunFigure[] {
  const last = new Map<string, RunFigure>();
  for (const e of evals) {
    if (e.figure !== undefined)
      last.set(e.split, { split: e.split, step: e.step, epoch: e.epoch, path: e.figure });
  }
  return [...last.values()];
}

/** Reads one run folder (needs config.json; summary.json may be missing for an unfinished run). */
export function loadRun(dir: string): LoadedRun {
  const root = resolve(dir);
  const configFile = join(root, RUN_FILES.config);
  if (!existsSync(configFile)) throw new Error(`${root}: not a run folder (no ${RUN_FILES.config})`);
  const read = (file: string) => {
    if (!existsSync(file)) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new DamagedFileError(file, `cannot read (${(error as Error).message})`);
    }
  };
  const attachments: RunFolderTexts['attachments'] = {};
  for (const name of ATTACHMENTS) {
    const text = read(join(root, RUN_FILES[name]));
    if (text !== undefined) attachments[name] = text;
  }
  const metrics = read(join(root, RUN_FILES.metrics));
  const run = parseRunFolder(root, {
    config: read(configFile)!,
    summary: read(join(root, RUN_FILES.summary)),
    metrics,
    attachments,
  });
  // The figures named by the eval records (only the last of each split is kept), read here from disk.
  for (const figure of run.figures) {
    const file = join(root, figure.path);
    if (figure.path.includes('..') || !existsSync(file)) {
      run.warnings.push(`${file}: figure named in ${RUN_FILES.metrics} is missing`);
      continue;
    }
    figure.svg = read(file);
  }
  return run;
}

/** A run folder that could not be read, and why. */
export interface DamagedRun {
  dir: string;
  problem: string;
}

/** Reads every run folder it can; damaged ones are listed with their problem instead of failing. */
export function loadRuns(dirs: readonly string[]): { runs: LoadedRun[]; damaged: DamagedRun[] } {
  const runs: LoadedRun[] = [];
  const damaged: DamagedRun[] = [];
  for (const dir of dirs) {
    try {
      runs.push(loadRun(dir));
    } catch (error) {
      damaged.push({ dir: resolve(dir), problem: (error as Error).message });
    }
  }
  return { runs, damaged };
}

/**
 * Run folders under the given paths: a path with config.json is one run; any other folder contributes
 * its subfolders that are runs (one level, then two: a comparison folder of run folders).
 */
export function findRunDirs(paths: readonly string[]): string[] {
  const found: string[] = [];
  const isRun = (dir: string) => existsSync(join(dir, RUN_FILES.config));
  const subdirs = (dir: string) =>
    readdirSync(dir)
      .sort()
      .map((name) => join(dir, name))
      .filter((p) => statSync(p).isDirectory());
  for (const path of paths) {
    const root = resolve(path);
    if (!existsSync(root)) throw new Error(`${path}: no such file or folder`);
    if (!statSync(root).isDirectory())
      throw new Error(`${path}: not a folder (give a run folder like runs/<id>)`);
    if (isRun(root)) {
      found.push(root);
      continue;
    }
    const level1 = subdirs(root);
    const runs = level1.filter(isRun);
    const nested = level1.filter((d) => !isRun(d)).flatMap((d) => subdirs(d).filter(isRun));
    if (runs.length + nested.length === 0)
      throw new Error(`${path}: no run folders (folders with config.json) inside`);
    found.push(...runs, ...nested);
  }
  return [...new Set(found)];
}
