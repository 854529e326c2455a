/**
 * The sweep file: YAML, read with the `yaml` package so that every error names the key and its line.
 *
 * ```yaml
 * name: golu-mlp-ablation            # required; letters, digits, '.', '_', '-'
 * task: mnist-mlp                    # required; a list makes the task an axis
 * fixed: { optimizer: sgd, momentum: 0.9, epochs: 8 }   # run options by their CLI names
 * grid: { activation: [relu, golu], model.depth: [1, 2], lr: [0.1, 0.01] }   # cartesian product
 * zip: [{ lr: [0.1, 0.01], batch-size: [256, 32] }]     # axes that vary together
 * exclude: [{ activation: relu, lr: 0.1 }]               # drop every trial matching all keys of a rule
 * seeds: 3                           # a count (0..n-1) or a list
 * metric: test.accuracy              # what merge ranks by (default: the task's ranking metric)
 * ```
 * This module checks the file's shape; whether a key is a run option, and whether its values are valid,
 * is decided by the run-option schema when the trials are resolved (plan.ts).
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, type Node, parse, parseDocument, type YAMLMap } from 'yaml';
import { METRIC_SPECS } from '../metrics/kinds.js';

/** A value of a run option in a sweep file. */
export type SweepValue = string | number | boolean;

/** What `metric:` may name: auto (the task's ranking metric) or split.key of the lab's metric vocabulary. */
export type SweepMetric = 'auto' | `${'test' | 'val'}.${string}`;
export const METRICS: readonly SweepMetric[] = [
  'auto',
  ...(['test', 'val'] as const).flatMap((split) =>
    [...METRIC_SPECS.keys()].map((key): SweepMetric => `${split}.${key}`),
  ),
];

export interface SweepFile {
  name: string;
  description: string;
  /** One or more tasks; more than one makes `task` the first axis. */
  tasks: string[];
  fixed: Record<string, SweepValue>;
  /** Cartesian axes in file order. */
  grid: { key: string; values: SweepValue[] }[];
  /** Groups of axes that vary together (equal-length lists). */
  zip: { keys: string[]; values: SweepValue[][] }[];
  exclude: Record<string, SweepValue[]>[];
  seeds: number[];
  metric: SweepMetric;
  /** Where each key was written ("grid.lr" -> line), for messages raised after parsing. */
  lines: Record<string, number>;
  /** The file (or "<text>") named in messages. */
  source: string;
}

const TOP_KEYS = ['name', 'description', 'task', 'fixed', 'grid', 'zip', 'exclude', 'seeds', 'metric'];

/** An error in a sweep file: "sweep.yaml:4: grid.lr: ..." */
export class SweepFileError extends Error {
  constructor(source: string, line: number | null, message: string) {
    super(`${source}${line === null ? '' : `:${line}`}: ${message}`);
    this.name = 'SweepFileError';
  }
}

/** Reads and checks a sweep file. */
export function readSweepFile(path: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`sweep file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return parseSweepText(text, path);
}

/** Parses sweep YAML text; `source` names it in messages. */
export function parseSweepText(text: string, source = '<text>'): SweepFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? (e.pos ? lineCounter.linePos(e.pos[0]).line : null);
    throw new SweepFileError(source, line, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (node: Node | null | undefined): number | null =>
    node?.range ? lineCounter.linePos(node.range[0]).line : null;
  const fail = (node: Node | null | undefined, message: string): never => {
    throw new SweepFileError(source, lineOf(node), message);
  };
  const root = doc.contents;
  if (!isMap(root)) fail(root, 'a sweep file must be a mapping with at least name and task');
  const top = root as YAMLMap;
  const lines: Record<string, number> = {};
  const entries = new Map<string, Node | null>();
  for (const pair of top.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    if (key === null) fail(pair.key as Node, 'keys must be plain names');
    if (!TOP_KEYS.includes(key!)) {
      fail(pair.key as Node, `unknown key '${key}'; valid keys: ${TOP_KEYS.join(', ')}`);
    }
    entries.set(key!, (pair.value as Node | null) ?? null);
    lines[key!] = lineOf(pair.key as Node) ?? 0;
  }

  const scalar = (node: Node | null | undefined, where: string): SweepValue => {
    if (!isScalar(node)) return fail(node, `${where}: expected a number, string or true/false`);
    const v = node.value;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail(node, `${where}: expected a finite number, got ${v}`);
      return v;
    }
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    return fail(node, `${where}: expected a number, string or true/false, got ${v === null ? 'nothing' : v}`);
  };
  const list = (node: Node | null | undefined, where: string): SweepValue[] => {
    if (!isSeq(node)) return [scalar(node, where)];
    if (node.items.length === 0) fail(node, `${where}: the list is empty`);
    const values = node.items.map((item, i) => scalar(item as Node, `${where}[${i}]`));
    const seen = new Set<string>();
    node.items.forEach((item, i) => {
      const k = JSON.stringify(values[i]);
      if (seen.has(k)) fail(item as Node, `${where}: repeats the value ${values[i]}`);
      seen.add(k);
    });
    return values;
  };
  const mapOf = (node: Node | null | undefined, where: string): [string, Node | null, Node][] => {
    if (!isMap(node)) return fail(node, `${where}: expected a mapping of run options (key: value)`);
    return node.items.map((pair) => {
      if (!isScalar(pair.key)) return fail(pair.key as Node, `${where}: keys must be plain names`);
      const key = String(pair.key.value);
      return [key, (pair.value as Node | null) ?? null, pair.key as Node];
    });
  };
  const keyLine = (key: string, node: Node, where: string) => {
    lines[`${where}.${key}`] = lineOf(node) ?? 0;
    if (lines[`key:${key}`] !== undefined) {
      fail(node, `${where}.${key}: '${key}' is already set on line ${lines[`key:${key}`]}; each key once`);
    }
    lines[`key:${key}`] = lineOf(node) ?? 0;
  };

  const nameNode = entries.get('name');
  if (nameNode === undefined) fail(root, "missing required key 'name'");
  const name = scalar(nameNode, 'name');
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    fail(nameNode, `name: must be letters, digits, '.', '_' or '-' (a folder name), got '${name}'`);
  }
  const description = entries.has('description')
    ? String(scalar(entries.get('description'), 'description'))
    : '';
  const taskNode = entries.get('task');
  if (taskNode === undefined) fail(root, "missing required key 'task'");
  const tasks = list(taskNode, 'task').map((t) => {
    if (typeof t !== 'string') fail(taskNode, `task: expected a task name, got ${t}`);
    return t as string;
  });
  if (tasks.length > 1) lines['key:task'] = lineOf(taskNode) ?? 0;

  const fixed: Record<string, SweepValue> = {};
  if (entries.has('fixed')) {
    for (const [key, value, keyNode] of mapOf(entries.get('fixed'), 'fixed')) {
      keyLine(key, keyNode, 'fixed');
      fixed[key] = scalar(value, `fixed.${key}`);
    }
  }
  const grid: SweepFile['grid'] = [];
  if (entries.has('grid')) {
    for (const [key, value, keyNode] of mapOf(entries.get('grid'), 'grid')) {
      keyLine(key, keyNode, 'grid');
      grid.push({ key, values: list(value, `grid.${key}`) });
    }
  }
  const zip: SweepFile['zip'] = [];
  if (entries.has('zip')) {
    const node = entries.get('zip');
    const groups = isSeq(node) ? (node.items as Node[]) : [node as Node];
    groups.forEach((group, g) => {
      const where = `zip[${g}]`;
      const members = mapOf(group, where);
      if (members.length < 1) fail(group, `${where}: needs at least one key`);
      const columns = members.map(([key, value, keyNode]) => {
        keyLine(key, keyNode, where);
        return { key, values: list(value, `${where}.${key}`), node: keyNode };
      });
      const n = columns[0].values.length;
      for (const c of columns) {
        if (c.values.length !== n) {
          fail(
            c.node,
            `${where}.${c.key}: has ${c.values.length} values but ${columns[0].key} has ${n}; zipped lists must be equally long`,
          );
        }
      }
      zip.push({
        keys: columns.map((c) => c.key),
        values: Array.from({ length: n }, (_, i) => columns.map((c) => c.values[i])),
      });
    });
  }
  const exclude: SweepFile['exclude'] = [];
  if (entries.has('exclude')) {
    const node = entries.get('exclude');
    if (!isSeq(node)) fail(node, 'exclude: expected a list of rules, e.g. [{ activation: relu, lr: 0.1 }]');
    (node as { items: Node[] }).items.forEach((rule, r) => {
      const where = `exclude[${r}]`;
      const out: Record<string, SweepValue[]> = {};
      for (const [key, value, keyNode] of mapOf(rule, where)) {
        lines[`${where}.${key}`] = lineOf(keyNode) ?? 0;
        out[key] = list(value, `${where}.${key}`);
      }
      if (Object.keys(out).length === 0) fail(rule, `${where}: an empty rule would exclude every trial`);
      exclude.push(out);
    });
  }
  let seeds = [0];
  if (entries.has('seeds')) {
    const node = entries.get('seeds');
    if (isSeq(node)) {
      seeds = list(node, 'seeds').map((s, i) => {
        if (typeof s !== 'number' || !Number.isSafeInteger(s)) {
          fail((node as { items: Node[] }).items[i], `seeds[${i}]: expected an integer seed, got ${s}`);
        }
        return s as number;
      });
    } else {
      const count = scalar(node, 'seeds');
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
        fail(node, `seeds: expected a count in 1..1000 (seeds 0..n-1) or a list of seeds, got ${count}`);
      }
      seeds = Array.from({ length: count as number }, (_, i) => i);
    }
    lines.seeds = lineOf(node) ?? 0;
  }
  let metric: SweepMetric = 'auto';
  if (entries.has('metric')) {
    const m = scalar(entries.get('metric'), 'metric');
    if (!METRICS.includes(m as SweepMetric)) {
      fail(entries.get('metric'), `metric: expected one of ${METRICS.join(', ')}, got '${m}'`);
    }
    metric = m as SweepMetric;
  }
  for (const [r, rule] of exclude.entries()) {
    for (const key of Object.keys(rule)) {
      const known = key === 'seed' || key === 'task' || lines[`key:${key}`] !== undefined;
      if (!known) {
        throw new SweepFileError(
          source,
          lines[`exclude[${r}].${key}`] ?? null,
          `exclude[${r}].${key}: '${key}' is not an axis of this sweep; axes: ${axisKeys({ tasks, grid, zip }).join(', ')}`,
        );
      }
    }
  }
  return {
    name: name as string,
    description,
    tasks,
    fixed,
    grid,
    zip,
    exclude,
    seeds,
    metric,
    lines,
    source,
  };
}

/** The axes of a sweep in expansion order (task first when there are several, seed last). */
export function axisKeys(file: Pick<SweepFile, 'tasks' | 'grid' | 'zip'>): string[] {
  return [
    ...(file.tasks.length > 1 ? ['task'] : []),
    ...file.grid.map((g) => g.key),
    ...file.zip.flatMap((z) => z.keys),
    'seed',
  ];
}

/** The line of a key ("grid.lr", "fixed.epochs") or null. */
export function lineOfKey(file: SweepFile, key: string): number | null {
  if (file.lines[`set:${key}`] !== undefined) return null;
  for (const where of ['fixed', 'grid']) {
    const line = file.lines[`${where}.${key}`];
    if (line !== undefined) return line;
  }
  for (let g = 0; g < file.zip.length; g++) {
    const line = file.lines[`zip[${g}].${key}`];
    if (line !== undefined) return line;
  }
  return file.lines[`key:${key}`] ?? null;
}

/**
 * "--set key=value": the value read as YAML (0.1 a number, true a boolean, sgd a string); a list such as
 * `[relu, golu]` makes (or replaces) an axis.
 */
export function parseSetting(text: string): { key: string; value: SweepValue | SweepValue[] } {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (key === '') throw new Error(`--set must look like key=value (e.g. --set epochs=2), got '${text}'`);
  let value: unknown;
  try {
    value = parse(text.slice(eq + 1));
  } catch {
    value = undefined;
  }
  const scalar = (v: unknown) =>
    typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  const ok = Array.isArray(value) ? value.length > 0 && value.every(scalar) : scalar(value);
  if (!ok) {
    throw new Error(
      `--set ${key}: expected a number, a word, true/false or a list like [a, b], got '${text.slice(eq + 1)}'`,
    );
  }
  return { key, value: value as SweepValue | SweepValue[] };
}

/**
 * The file with some keys set for one invocation (`--set`: a value fixes the key, so a grid axis given
 * this way is no longer an axis; a list replaces the axis or adds one) and the seeds replaced (`--seeds`).
 * A key in a zip group cannot be set alone.
 */
export function withSettings(
  file: SweepFile,
  settings: readonly { key: string; value: SweepValue | SweepValue[] }[],
  seeds?: readonly number[],
): SweepFile {
  const out: SweepFile = {
    ...file,
    fixed: { ...file.fixed },
    grid: [...file.grid],
    lines: { ...file.lines },
  };
  for (const { key, value } of settings) {
    if (key === 'task' || key === 'name' || key === 'seed') {
      throw new Error(`--set ${key}: not settable this way${key === 'seed' ? ' (use --seeds)' : ''}`);
    }
    if (file.zip.some((z) => z.keys.includes(key))) {
      throw new Error(`--set ${key}: ${key} varies in a zip group of ${file.source}; edit the file instead`);
    }
    delete out.fixed[key];
    delete out.lines[`grid.${key}`];
    delete out.lines[`fixed.${key}`];
    out.lines[`set:${key}`] = 0; // messages name the flag, not a line
    out.lines[`key:${key}`] = 0;
    if (Array.isArray(value)) {
      if (new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
        throw new Error(`--set ${key}: the list repeats a value`);
      }
      const at = out.grid.findIndex((g) => g.key === key);
      if (at >= 0) out.grid[at] = { key, values: [...value] };
      else out.grid.push({ key, values: [...value] });
    } else {
      out.grid = out.grid.filter((g) => g.key !== key);
      out.fixed[key] = value;
    }
  }
  if (seeds !== undefined) out.seeds = [...seeds];
  return out;
}
