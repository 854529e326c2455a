/** The files of one run: runs/<id>/config.json, metrics.jsonl, summary.json. */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** JSON cannot hold NaN/Infinity: write them as strings so a diverged loss stays visible. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

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

export class RunDirectory {
  readonly dir: string;

  /** Creates runsDir/id (adding -2, -3, ... if it exists). */
  constructor(runsDir: string, id: string, existing = false) {
    let dir = resolve(runsDir, id);
    if (!existing) {
      for (let n = 2; existsSync(dir); n++) dir = resolve(runsDir, `${id}-${n}`);
      mkdirSync(dir, { recursive: true });
    }
    this.dir = dir;
    writeFileSync(join(dir, 'metrics.jsonl'), '');
  }

  /** A folder prepared for one run (holds run.json, written by `compare` or a sweep). */
  static open(dir: string): RunDirectory {
    if (!existsSync(join(dir, 'run.json')))
      throw new Error(`${dir}: not a prepared run folder (no run.json)`);
    return new RunDirectory(dir, '.', true);
  }

  /** run.json: the resolved run configuration, in its canonical JSON text. */
  writeRunConfig(text: string): void {
    writeFileSync(join(this.dir, 'run.json'), text);
  }

  writeConfig(config: unknown): void {
    writeFileSync(join(this.dir, 'config.json'), `${JSON.stringify(jsonSafe(config), null, 2)}\n`);
  }

  appendMetric(record: Record<string, unknown>): void {
    appendFileSync(join(this.dir, 'metrics.jsonl'), `${JSON.stringify(jsonSafe(record))}\n`);
  }

  writeSummary(summary: unknown): void {
    writeFileSync(join(this.dir, 'summary.json'), `${JSON.stringify(jsonSafe(summary), null, 2)}\n`);
  }
}
