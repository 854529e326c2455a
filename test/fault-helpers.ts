/**
 * Helpers for the fault tests: the CLI as a real child process, waiting for a run to reach a step,
 * and the processes still alive that belong to a folder (Linux /proc).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect } from 'vitest';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `gatelab ARGS` (from the sources, through tsx) with pipes for stdout and stderr. */
export function startCli(args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `gatelab ARGS` to its end. */
export function runCli(args: string[]): Promise<Finished> {
  return startCli(args).done;
}

/** Runs `gatelab ARGS` to its end and expects exit status 0 (its stderr is the failure's message). */
export async function runCliToSuccess(args: string[]): Promise<Finished> {
  const finished = await runCli(args);
  expect(finished.code, finished.stderr).toBe(0);
  return finished;
}

/**
 * The tiny MLP of the fault tests (one hidden layer), on 256 training images in batches of 32: 8 steps
 * per epoch, a checkpoint every 2 steps.
 */
export function tinyMlpArgs({ epochs = 2, width = 16 } = {}): string[] {
  return [
    ...['--task', 'mnist-mlp', '--epochs', String(epochs), '--batch-size', '32'],
    ...['--model', 'depth=1', '--model', `width=${width}`],
    ...['--limit-train', '256', '--limit-eval', '64', '--checkpoint-every', '2'],
  ];
}

/** Step records in a run folder's metrics.jsonl so far (0 if it does not exist yet). */
export function stepsWritten(runDir: string): number {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"step"')).length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the run in `runDir` has written `steps` step records (or `child` ended: false). */
export async function waitForSteps(runDir: string, steps: number, child: ChildProcess): Promise<boolean> {
  while (stepsWritten(runDir) < steps) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    await sleep(5);
  }
  return true;
}

/** Process ids whose command line mentions `text` (Linux /proc; the test process itself excluded). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Waits until no process mentions `text`, up to `timeoutMs`; returns those still alive. */
export async function waitForNoProcesses(text: string, timeoutMs: number): Promise<number[]> {
  const end = Date.now() + timeoutMs;
  let alive = processesMentioning(text);
  while (alive.length > 0 && Date.now() < end) {
    await sleep(100);
    alive = processesMentioning(text);
  }
  return alive;
}

/**
 * Pauses (SIGSTOP) the training process of each run folder in `runDirs` as soon as it has written `steps`
 * step records, until every one has; returns the paused process ids (SIGCONT them), or null if `child`
 * (the `compare` that started them) ended first. The runs of a `compare --jobs N` start seconds apart on a
 * loaded machine, while a tiny run trains in about a second: without the pause one may finish (and drop
 * its checkpoint, as a finished run does) before another has taken a step.
 */
export async function pauseRunsAt(
  runDirs: string[],
  steps: number,
  child: ChildProcess,
): Promise<number[] | null> {
  const paused = new Map<string, number[]>();
  while (paused.size < runDirs.length) {
    if (child.exitCode !== null || child.signalCode !== null) return null;
    for (const dir of runDirs) {
      if (paused.has(dir) || stepsWritten(dir) < steps) continue;
      const pids = runProcesses(dir);
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      paused.set(dir, pids);
    }
    await sleep(5);
  }
  return [...paused.values()].flat();
}

/**
 * The processes training the run folder `runDir` of a comparison: the sweep engine's worker of its trial
 * (`gatelab sweep run COMPARE_DIR --index I`), found through the comparison's plan.json.
 */
function runProcesses(runDir: string): number[] {
  const compareDir = dirname(runDir);
  const plan = JSON.parse(readFileSync(join(compareDir, 'plan.json'), 'utf8'));
  const trial = plan.trials.find((t: { folder?: string }) => t.folder === basename(runDir));
  if (trial === undefined)
    throw new Error(`no trial of ${compareDir}/plan.json has the folder ${basename(runDir)}`);
  return processesMentioning(`${compareDir} --index ${trial.index} `);
}

/** Continues processes paused by {@link pauseRunsAt}. */
export function resumeProcesses(pids: number[]): void {
  for (const pid of pids) process.kill(pid, 'SIGCONT');
}
