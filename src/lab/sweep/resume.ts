/**
 * How a trial's run folder continues, decided from the folder alone (one rule for every executor and for
 * `compare`): a finished run (completed or diverged summary) is kept; a run with a readable run.json of
 * the same configuration, a readable checkpoint and the metrics it recorded resumes from that checkpoint;
 * anything else (killed before its first checkpoint, a damaged or cut file) starts again from scratch.
 * A run.json that holds another configuration is never overwritten: the caller refuses it.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../runs/checkpoint.js';
import { readJsonObject } from '../runs/files.js';
import { RUN_FILES } from '../runs/run-folder.js';
import type { RunConfig } from '../train/config.js';
import { type RunSummary, readRunJson } from '../train/run.js';

export type RunFolderState =
  | { kind: 'absent' }
  | { kind: 'finished'; summary: RunSummary }
  | { kind: 'resumable' }
  | { kind: 'restart'; why: string }
  | { kind: 'different'; differences: string[] };

/** Dotted paths where two JSON values differ: "model.width: 16 there, 24 now". */
export function describeDifferences(before: unknown, now: unknown, path = ''): string[] {
  const show = (v: unknown) => (v === undefined ? '(not set)' : JSON.stringify(v));
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(now)) {
    const a = before as Record<string, unknown>;
    const b = now as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
      describeDifferences(a[k], b[k], path ? `${path}.${k}` : k),
    );
  }
  return JSON.stringify(before) === JSON.stringify(now)
    ? []
    : [`${path}: ${show(before)} there, ${show(now)} now`];
}

/** A configuration without the checkpoint interval, which changes no result. */
export function withoutCheckpointEvery<T extends { checkpointEvery?: unknown }>(
  config: T,
): Omit<T, 'checkpointEvery'> {
  const { checkpointEvery: _c, ...rest } = config;
  return rest;
}

/** summary.json of a run folder, or null when it is missing or unreadable. */
export function readRunSummary(runDir: string): RunSummary | null {
  const file = join(runDir, RUN_FILES.summary);
  if (!existsSync(file)) return null;
  try {
    return readJsonObject(file) as unknown as RunSummary;
  } catch {
    return null;
  }
}

/** Reads a run folder that should hold a run of `config` and says how it continues (reads only). */
export function inspectRunFolder(runDir: string, config: RunConfig): RunFolderState {
  if (!existsSync(runDir)) return { kind: 'absent' };
  let found: RunConfig;
  try {
    found = readRunJson(runDir);
  } catch (error) {
    return { kind: 'restart', why: (error as Error).message };
  }
  const differences = describeDifferences(withoutCheckpointEvery(found), withoutCheckpointEvery(config));
  if (differences.length > 0) return { kind: 'different', differences };
  const summary = readRunSummary(runDir);
  if (summary !== null && (summary.status === 'completed' || summary.status === 'diverged')) {
    return { kind: 'finished', summary };
  }
  try {
    const checkpoint = readCheckpoint(runDir);
    const metrics = join(runDir, RUN_FILES.metrics);
    const size = existsSync(metrics) ? statSync(metrics).size : 0;
    if (size < checkpoint.metricsBytes) {
      return {
        kind: 'restart',
        why: `${metrics} holds ${size} bytes, fewer than the ${checkpoint.metricsBytes} its checkpoint recorded`,
      };
    }
    return { kind: 'resumable' };
  } catch (error) {
    return { kind: 'restart', why: (error as Error).message };
  }
}
