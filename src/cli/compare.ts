import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type CompareResult, currentLauncher, runCompare } from '../lab/compare/runner.js';
import { learnableParameterNames } from '../lab/models/activationSpec.js';
import { parseActivationList } from '../lab/options/activation.js';
import { describeRunConfig, type RunOverrides, resolveRunConfig } from '../lab/options/config.js';
import { integerType } from '../lab/options/types.js';
import { checkRunId, makeRunId } from '../lab/runs/run-folder.js';
import { getTask, taskMetricKind } from '../lab/tasks.js';
import { parseLearningRates, parseSeeds } from './args/lists.js';
import { printJson } from './args/output.js';
import { addRunOptions, runOptionsFromCli, taskOption, tasksHelp } from './args/run-options.js';
import { formatLrTable, writeRunsReport } from './report.js';

interface CompareCli extends Record<string, unknown> {
  task: string;
  activations: string;
  lrs?: string;
  lr?: string;
  report?: string | boolean;
  seeds: string;
  jobs?: string;
  json?: boolean;
  id?: string;
  quiet?: boolean;
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
    .addOption(taskOption('required').makeOptionMandatory())
    .requiredOption(
      '--activations <list>',
      '(required) comma-separated names; parameters with colons, e.g. relu,gelu,golu:gamma=2',
    )
    .option('--seeds <n|list>', 'number of seeds (0..n-1) or a list like 0,5,9', '3')
    .option('--jobs <n>', `parallel runs (default: cores = ${availableParallelism()})`);
  addRunOptions(command, COMPARE_FLAGS)
    .option('--runs-dir <dir>', 'where the comparison folder goes', 'runs')
    .option('--id <name>', 'folder name of this comparison under the runs dir')
    .option('--json', 'print the full result as JSON (table included)')
    .option('--quiet', 'no progress output')
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
      `${tasksHelp()}\nExample:\n  gatelab compare --task mnist-mlp --activations relu,gelu,swish,mish,golu,gem,fmish --seeds 3`,
    )
    .action(async (o: CompareCli) => {
      // Every option is checked here, before any folder or child process exists.
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
      const overrides = runOptionsFromCli(task.name, o, COMPARE_FLAGS);
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
      const kind = taskMetricKind(task);
      // With --lrs, one comparison per learning rate, in lr-<rate>/ folders of one parent folder.
      let runsDir = o.runsDir;
      if (lrs !== null) {
        runsDir = resolve(o.runsDir, o.id ?? makeRunId(['lrs', task.name]));
        for (let n = 2; existsSync(runsDir); n++) runsDir = resolve(o.runsDir, `${o.id ?? 'lrs'}-${n}`);
      }
      const results: { lr: number; result: CompareResult }[] = [];
      for (const lr of lrs ?? [undefined]) {
        const config = resolveRunConfig(task.name, activations[0], withLr(lr));
        const result = await runCompare({
          task: task.name,
          kind,
          activations,
          seeds,
          jobs,
          overrides: withLr(lr),
          runsDir,
          id: lr === undefined ? o.id : `lr-${lr}`,
          launcher: currentLauncher(),
          details: [describeRunConfig(config)],
          progress: o.quiet || o.json ? 'none' : 'auto',
        });
        results.push({ lr: config.lr, result });
        if (o.json) printJson(result);
        else process.stdout.write(`\n${result.table}`);
        if (result.writeError !== undefined) {
          process.stderr.write(`gatelab: ${result.writeError} (the table above is complete)\n`);
          process.exitCode = 1;
        }
      }
      if (lrs !== null && !o.json) {
        process.stdout.write(
          `\n${formatLrTable(
            results.map((r) => ({ lr: r.lr, groups: r.result.groups })),
            kind,
          )}`,
        );
        process.stdout.write(`runs: ${runsDir}\n`);
      }
      if (o.report !== false) {
        const target = lrs !== null ? runsDir : results[0].result.dir;
        const out = typeof o.report === 'string' ? o.report : join(target, 'report.html');
        const file = await writeRunsReport([target], out);
        // stderr: stdout stays exactly the table (table.txt) or the JSON.
        process.stderr.write(`report: ${file}\n`);
      }
      if (results.every((r) => r.result.outcomes.every((x) => x.summary === null))) process.exitCode = 1;
    });
}
