/** Writes the HTML report of run folders; damaged folders are marked in it and returned, the rest rendered. */
import { resolve } from 'node:path';
import { writeFileSafely } from '../runs/files.js';
import { type DamagedRun, findRunDirs, loadRuns } from '../runs/read.js';
import { buildRunsReport } from './report.js';

/** Writes the report of the run folders under `paths` to `out`; returns the absolute path and the damage. */
export async function writeRunsReport(
  paths: readonly string[],
  out: string,
  title?: string,
): Promise<{ file: string; damaged: DamagedRun[] }> {
  const { runs, damaged } = loadRuns(findRunDirs(paths));
  if (runs.length === 0) {
    throw new Error(
      `no readable run folder in ${paths.join(', ')}${damaged.length > 0 ? `: ${damaged.map((d) => d.problem).join('; ')}` : ''}`,
    );
  }
  const html = await buildRunsReport(runs, { title, damaged });
  const file = resolve(out);
  writeFileSafely(file, html);
  return { file, damaged };
}
