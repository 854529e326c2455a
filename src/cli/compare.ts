import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type CompareResult, PLAN_FILE, rebuildCompare, runComparison } from '../lab/compare/runner.js';
import { learnableParameterNames } from '../lab/models/activation-spec.js';
import { parseActivationList } from '../lab/options/activation.js';
import { integerType } from '../lab/options/types.js';
import { exitCodeFor, watchForStop } from '../lab/runs/lifecycle.js';
import { checkRunId } from '../lab/runs/run-folder.js';
import { planParallelRuns } from '../lab/runtime.js';
import { currentLauncher } from '../lab/sweep/local.js';
import { getTask, taskMetricKind, taskNames } from '../lab/tasks.js';
import { type RunOverrides, resolveRunConfig } from '../lab/train/config.js';
import { loadRunData } from '../lab/train/run.js';
import { parseLearningRates, parseSeeds } from './args/lists.js';
import { addRunOptions, runOptionsFromCli, taskOption, tasksHelp } from './args/run-options.js';
import { formatLrTable, printJson, writeReport } from './format.js';

interface CompareCli extends Record<string, unknown> {
  task?: string;
  activations?: string;
  lrs?: string;
  lr?: string;
  report?: string | boolean;
  seeds: string;
  jobs?: string;
  json?: boolean;
  id?: string;
  quiet?: boolean;
  strict?: boolean;
  rebuild?: string;
  runsDir: string;
}

/** compare sets the seed of each run from --seeds. */
const COMPARE_FLAGS = { except: ['seed'] } as const;

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const type = integerType({ min: 1 });
  try {
    return type.parse(text);
  } catch {
    throw new Error(`--jobs (parallel runs) must be ${type.accepts}, got '${text}'`);
  }
}

/** `gatelab compare`: activations x seeds in parallel processes, then a table of mean ± std, SEM and ranking. */
export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description(
      'train every activation x seed on a task in parallel processes and print a paper-style table',
    )
    .addOption(taskOption('required'))
    .option(
      '--activations <list>',
      '(required) comma-separated names; parameters with colons, e.g. relu,gelu,golu:gamma=2',
    )
    .option('--seeds <n|list>', 'number of seeds (0..n-1) or a list like 0,5,9', '3')
    .option('--jobs <n>', `parallel runs (default: cores = ${availableParallelism()})`);
  addRunOptions(command, COMPARE_FLAGS)
    .option('--runs-dir <dir>', 'where the comparison folder goes', 'runs')
    .option(
      '--id <name>',
      'folder name of this comparison under the runs dir; the same command with the same --id resumes it',
    )
    .option('--json', 'print the full result as JSON (table included)')
    .option('--quiet', 'no progress output')
    .option('--strict', 'exit with status 1 when a run diverged (diverged runs are results otherwise)')
    .option(
      '--rebuild <id>',
      'rebuild compare.json, the table and the report of a comparison folder from its run folders alone',
    )
    .option(
      '--lrs <list>',
      'learning-rate ablation: the whole comparison once per rate, e.g. 0.1,0.01,0.001,0.0001 (not with --lr)',
    )
    .option(
      '--report [file]',
      'where to write the HTML report of the comparison (default: report.html in its folder)',
    )
    .option('--no-report', 'do not write the HTML report')
    .addHelpText(
      'after',
      `${tasksHelp()}\nExample:\n  gatelab compare --task mnist-mlp --activations relu,gelu,swish,mish,golu,gem,fmish --seeds 3\n\nInterrupted (Ctrl-C, SIGTERM, even SIGKILL)? Run the same command with the same --id: finished runs\nare kept and interrupted ones continue from their checkpoints. Exit status: 0, also with diverged runs\n(1 with --strict); 1 when a run failed; 130 / 143 when interrupted by SIGINT / SIGTERM.`,
    )
    .action(async (o: CompareCli) => {
      if (o.rebuild !== undefined) {
        await rebuild(o);
        return;
      }
      // Every option is checked here, before any folder or child process exists.
      if (o.task === undefined) throw new Error(`--task is required; one of: ${taskNames().join(', ')}`);
      if (o.activations === undefined)
        throw new Error('--activations is required, e.g. --activations relu,gelu,golu');
      const task = getTask(o.task);
      const activations = parseActivationList(o.activations);
      const seeds = parseSeeds(o.seeds);
      if (o.lrs !== undefined && o.lr !== undefined)
        throw new Error(
          `--lr ${o.lr} and --lrs ${o.lrs} cannot be combined: --lrs runs the comparison once per rate`,
        );
      const lrs = o.lrs === undefined ? null : parseLearningRates(o.lrs);
      const jobs = parseJobs(o.jobs);
      if (o.id !== undefined) checkRunId(o.id, '--id');
      const given = runOptionsFromCli(task.name, o, COMPARE_FLAGS);
      // One device for every child (auto resolved here, once); unset threads share the cores.
      const parallel = Math.min(jobs ?? availableParallelism(), activations.length * seeds.length);
      const plan = await planParallelRuns(given, parallel);
      const overrides: RunOverrides = { ...given, device: plan.device, threads: plan.threads };
      if (!o.quiet && !o.json) process.stderr.write(`${plan.line}\n`);
      const withLr = (lr: number | undefined): RunOverrides =>
        lr === undefined ? overrides : { ...overrides, lr };
      for (const lr of lrs ?? [undefined])
        for (const activation of activations) resolveRunConfig(task.name, activation, withLr(lr));
      // Each activation trains the --learnable names it has; each name must belong to one of them.
      for (const name of overrides.learnable ?? []) {
        if (!activations.some((a) => learnableParameterNames(a.name).includes(name))) {
          throw new Error(
            `--learnable ${name}: none of ${activations.map((a) => a.name).join(', ')} has a learnable parameter '${name}'`,
          );
        }
      }
      // The data, once: a batch larger than the training set or a too short text fails here, not in every child.
      loadRunData(resolveRunConfig(task.name, activations[0], overrides));
      const kind = taskMetricKind(task);
      // One sweep: the activations (after the learning rates of --lrs) x the seeds. With --lrs each rate's
      // comparison is in lr-<rate>/ of the one folder. The same --id resumes it.
      const stop = watchForStop();
      let run: Awaited<ReturnType<typeof runComparison>>;
      try {
        run = await runComparison({
          task: task.name,
          kind,
          activations,
          seeds,
          lrs: lrs ?? undefined,
          jobs,
          overrides,
          runsDir: o.runsDir,
          id: o.id,
          launcher: currentLauncher(),
          progress: o.quiet || o.json ? 'none' : 'auto',
          stopRequested: stop.reason,
          onStop: stop.onStop,
        });
      } finally {
        stop.dispose();
      }
      const results: CompareResult[] = [];
      for (const result of run.results) {
        results.push(result);
        if (o.json) printJson(result);
        else process.stdout.write(`\n${result.table}`);
        if (result.writeError !== undefined) {
          process.stderr.write(`gatelab: ${result.writeError} (the table above is complete)\n`);
        }
        // As the rates run one after another, the tables after an interrupted one are not shown.
        if (result.status === 'interrupted') break;
      }
      const runsDir = run.dir;
      const interrupted = results.find((r) => r.status === 'interrupted');
      if (interrupted) {
        process.stderr.write(
          `interrupted (${interrupted.interruptedBy}); resume with: ${resumeCommand(runsDir)}\n`,
        );
        process.exitCode = exitCodeFor(interrupted.interruptedBy ?? 'SIGTERM');
        return;
      }
      if (lrs !== null && !o.json) {
        process.stdout.write(
          `\n${formatLrTable(
            results.map((r) => ({ lr: r.lr!, groups: r.groups })),
            kind,
          )}`,
        );
        process.stdout.write(`runs: ${runsDir}\n`);
      }
      if (o.report !== false) {
        const target = runsDir;
        const out = typeof o.report === 'string' ? o.report : join(target, 'report.html');
        const file = await writeReport([target], out);
        // stderr: stdout stays exactly the table (table.txt) or the JSON.
        process.stderr.write(`report: ${file}\n`);
      }
      process.exitCode = compareExitCode(results, o.strict === true);
    });
}

/**
 * 1 when a run failed (its process ended without a summary), a file of the comparison could not be
 * written, or with `strict` when a run diverged;
 * 0 otherwise: a diverged run is a result of the comparison, not a failure.
 */
export function compareExitCode(results: readonly CompareResult[], strict: boolean): number {
  const outcomes = results.flatMap((r) => r.outcomes);
  if (outcomes.some((x) => x.summary === null)) return 1;
  if (results.some((r) => r.writeError !== undefined)) return 1;
  if (strict && outcomes.some((x) => x.summary?.status === 'diverged')) return 1;
  return 0;
}

/** The command line that resumes this comparison: the same arguments, with --id naming its folder. */
function resumeCommand(folder: string): string {
  const args = process.argv.slice(2);
  if (!args.includes('--id') && !args.some((a) => a.startsWith('--id='))) args.push('--id', basename(folder));
  const quote = (a: string) => (/^[A-Za-z0-9_./:=,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['gatelab', ...args.map(quote)].join(' ');
}

/** `compare --rebuild ID`: compare.json, table.txt and report.html from the run folders alone. */
async function rebuild(o: CompareCli): Promise<void> {
  const root = resolve(o.runsDir, o.rebuild!);
  if (!existsSync(root)) throw new Error(`--rebuild ${o.rebuild}: no folder ${root}`);
  const folders = existsSync(join(root, PLAN_FILE))
    ? [root]
    : readdirSync(root)
        .filter((name) => existsSync(join(root, name, PLAN_FILE)))
        .sort()
        .map((name) => join(root, name));
  if (folders.length === 0) {
    throw new Error(`--rebuild ${o.rebuild}: ${root} holds no ${PLAN_FILE} (not a comparison folder)`);
  }
  const results = folders.flatMap(rebuildCompare);
  for (const result of results) {
    if (o.json) printJson(result);
    else process.stdout.write(`\n${result.table}`);
    if (result.writeError !== undefined) {
      process.stderr.write(`gatelab: ${result.writeError} (the table above is complete)\n`);
    }
  }
  if (o.report !== false) {
    const out = typeof o.report === 'string' ? o.report : join(root, 'report.html');
    const file = await writeReport([root], out);
    process.stderr.write(`report: ${file}\n`);
  }
  process.exitCode = compareExitCode(results, o.strict === true);
}
