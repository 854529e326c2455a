/**
 * Helpers for tests that compare run folders: the files without their wall-clock fields (`msPerStep` of
 * step lines; `timing`, `startedAt`, `finishedAt` of summary.json, plus `id`, `dir` and `resumedAt`, which
 * name the folder and its resumes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** metrics.jsonl records without the wall-clock field. */
export function metricsWithoutClock(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const { msPerStep: _clock, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

/** summary.json without the fields that are wall-clock times or name the folder. */
export function summaryWithoutClock(dir: string): Record<string, unknown> {
  const {
    timing: _t,
    startedAt: _s,
    finishedAt: _f,
    id: _i,
    dir: _d,
    resumedAt: _r,
    ...rest
  } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  return rest;
}
