/**
 * The CLI as a real child process for the end-to-end tests, and small builders of its argument lists.
 * (The asynchronous form, with pipes and signals, is in test/fault-helpers.ts.)
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The CLI's entry from the sources, run through tsx. */
export const MAIN_TS = resolve('src/cli/main.ts');

/** Runs `gatelab ARGS` to its end (killed after `timeoutMs`); stdout and stderr as text. */
export function runCliSync(
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN_TS, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env,
  });
}

/** The words of a command line written as one string (no quoting: no word here holds a space). */
export const words = (line: string): string[] => line.trim().split(/\s+/);

/** One `--model KEY=VALUE` pair per setting: modelFlags('depth=1', 'width=16'). */
export const modelFlags = (...settings: string[]): string[] => settings.flatMap((s) => ['--model', s]);

/** A ViT of one block, width 16, on 14x14 patches (4 patches + class token). */
export const TINY_VIT_MODEL = modelFlags('patchSize=14', 'depth=1', 'width=16', 'heads=2');
