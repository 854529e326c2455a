/**
 * Reading run folders written by the trainer (src/lab/train/runDir.ts): runs/<id>/config.json,
 * metrics.jsonl (one JSON record per line: kind "step" | "eval" | "diverged" | ...), summary.json,
 * and the optional analysis files other commands add (diagnostics.json, landscape.json).
 * Corrupt files produce errors that name the file and the problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** JSON numbers that the trainer wrote as "NaN" / "Infinity" strings, back to numbers. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

export interface EvalRecord {
  loss: number;
  accuracy: number;
  perplexity?: number;
}

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
}

/** One run folder, read and normalised. */
export interface LoadedRun {
  id: string;
  dir: string;
  task: string;
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
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('expected a JSON object');
    }
    return value as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

function parseJsonLines(text: string, file: string): Record<string, unknown>[] {
  const lines = text.split('\n');
  const records: Record<string, unknown>[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      // A run killed mid-write leaves a truncated last line; anything else is corruption.
      if (i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === '')) return;
      throw new Error(`${file}: line ${i + 1} is not valid JSON (${(error as Error).message})`);
    }
  });
  return records;
}

function evalOf(value: unknown): EvalRecord | null {
  if (value === null || typeof value !== 'object') return null;
  const r = value as Record<string, unknown>;
  const out: EvalRecord = { loss: toNumber(r.loss), accuracy: toNumber(r.accuracy) };
  if (r.perplexity !== undefined) out.perplexity = toNumber(r.perplexity);
  return out;
}

/** Optional files that analysis commands write into a run folder. */
export const ATTACHMENTS = ['diagnostics', 'landscape'] as const;

/** The text of a run folder's files (absent ones undefined), e.g. from a zip or a browser file drop. */
export interface RunFolderTexts {
  config: string;
  summary?: string;
  metrics?: string;
  /** Optional analysis files by base name (see ATTACHMENTS). */
  attachments?: Partial<Record<(typeof ATTACHMENTS)[number], string>>;
}

/** One run folder from its files' text; `dir` names the folder in errors. */
export function parseRunFolder(dir: string, texts: RunFolderTexts): LoadedRun {
  const config = parseJsonObject(texts.config, `${dir}/config.json`);
  const summary = texts.summary === undefined ? null : parseJsonObject(texts.summary, `${dir}/summary.json`);
  const records = texts.metrics === undefined ? [] : parseJsonLines(texts.metrics, `${dir}/metrics.jsonl`);
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
      evals.push({ ...evalOf(r)!, step: toNumber(r.step), epoch: toNumber(r.epoch), split: String(r.split) });
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
    if (text !== undefined) attachments[name] = parseJsonObject(text, `${dir}/${name}.json`);
  }
  const activation = config.activation as { name?: string } | undefined;
  const summaryActivation = summary?.activation as { label?: string } | undefined;
  const timing = summary?.timing as { msPerStep?: unknown } | undefined;
  return {
    id: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir,
    dir,
    task: String(config.task ?? summary?.task ?? 'unknown'),
    label: String(summaryActivation?.label ?? config.activationLabel ?? activation?.name ?? 'unknown'),
    activation: String(activation?.name ?? 'unknown'),
    seed: toNumber(config.seed),
    lr: toNumber(config.lr),
    config,
    status: summary ? String(summary.status ?? 'completed') : 'incomplete',
    model: String(summary?.model ?? config.modelDescription ?? ''),
    data: String(summary?.data ?? config.dataDescription ?? ''),
    test: evalOf(summary?.test),
    val: evalOf(summary?.val),
    msPerStep: toNumber(timing?.msPerStep),
    steps,
    evals,
    diverged: diverged ?? (summary?.diverged ? (summary.diverged as LoadedRun['diverged']) : null),
    extra,
    attachments,
  };
}

/** Reads one run folder (needs config.json; summary.json may be missing for an unfinished run). */
export function loadRun(dir: string): LoadedRun {
  const root = resolve(dir);
  const configFile = join(root, 'config.json');
  if (!existsSync(configFile)) throw new Error(`${root}: not a run folder (no config.json)`);
  const read = (name: string) => {
    const file = join(root, name);
    if (!existsSync(file)) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${file}: cannot read (${(error as Error).message})`);
    }
  };
  const attachments: RunFolderTexts['attachments'] = {};
  for (const name of ATTACHMENTS) {
    const text = read(`${name}.json`);
    if (text !== undefined) attachments[name] = text;
  }
  return parseRunFolder(root, {
    config: read('config.json')!,
    summary: read('summary.json'),
    metrics: read('metrics.jsonl'),
    attachments,
  });
}

/**
 * Run folders under the given paths: a path with config.json is one run; any other folder contributes
 * its subfolders that are runs (one level, then two: a comparison folder of run folders).
 */
export function findRunDirs(paths: readonly string[]): string[] {
  const found: string[] = [];
  const isRun = (dir: string) => existsSync(join(dir, 'config.json'));
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
