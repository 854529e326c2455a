import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type CompareResult, currentLauncher, runCompare } from '../lab/compare/runner.js';
import {
  type ActivationChoice,
  type LearnableScope,
  learnableParameterNames,
} from '../lab/models/activationSpec.js';
import { getTask } from '../lab/tasks.js';
import { resolveRunConfig } from '../lab/train/run.js';
import { makeRunId } from '../lab/train/runDir.js';
import { formatLrTable, writeRunsReport } from './report.js';
import {
  addRunOptions,
  jsonReplacer,
  parseActivation,
  parseLearnable,
  type RunCliOptions,
  runOverrides,
} from './train.js';

/** "relu,gelu,golu:gamma=2:beta=0.5" -> activation choices (validated against the catalog). */
export function parseActivationList(text: string): ActivationChoice[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new Error('--activations needs at least one name, e.g. relu,gelu,golu');
  return items.map((item) => {
    const [name, ...params] = item.split(':');
    return parseActivation(name, params);
  });
}

/** "3" -> seeds 0, 1, 2; "0,5,9" -> those seeds. */
export function parseSeeds(text: string): number[] {
  if (text.includes(',')) {
    const seeds = text.split(',').map((s) => Number(s.trim()));
    if (seeds.some((s) => !Number.isSafeInteger(s)))
      throw new Error(`--seeds: '${text}' is not a list of integers`);
    if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds: '${text}' repeats a seed`);
    return seeds;
  }
  const count = Number(text);
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new Error(`--seeds must be a count (e.g. 3 = seeds 0,1,2) or a list (e.g. 0,5,9), got '${text}'`);
  }
  return Array.from({ length: count }, (_, i) => i);
}

/** The run options of `compare`, turned back into `train` arguments for the child processes. */
export function trainArguments(o: RunCliOptions): string[] {
  const args: string[] = [];
  const pairs: [string, string | undefined][] = [
    ['--epochs', o.epochs],
    ['--lr', o.lr],
    ['--batch-size', o.batchSize],
    ['--optimizer', o.optimizer],
    ['--momentum', o.momentum],
    ['--weight-decay', o.weightDecay],
    ['--schedule', o.schedule],
    ['--clip', o.clip],
    ['--max-steps', o.maxSteps],
    ['--eval-batch-size', o.evalBatchSize],
    ['--data', o.data],
    ['--limit-train', o.limitTrain],
    ['--limit-eval', o.limitEval],
    ['--steps-per-epoch', o.stepsPerEpoch],
    ['--eval-batches', o.evalBatches],
  ];
  for (const [flag, value] of pairs) if (value !== undefined) args.push(flag, value);
  if (o.nesterov === true) args.push('--nesterov');
  if (o.nesterov === false) args.push('--no-nesterov');
  for (const m of o.model) args.push('--model', m);
  if (o.diagnostics === true) args.push('--diagnostics');
  else if (typeof o.diagnostics === 'string') args.push('--diagnostics', o.diagnostics);
  if (o.saveWeights) args.push('--save-weights');
  return args;
}

type CompareCli = RunCliOptions & {
  activations: string;
  lrs?: string;
  report?: string | boolean;
  seeds: string;
  jobs?: string;
  json?: boolean;
  id?: string;
  quiet?: boolean;
};

/** `gatelab compare`: activations x seeds in parallel processes, then a table of mean ± std, SEM and ranking. */
export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description(
      'train every activation x seed on a task in parallel processes and print a paper-style table',
    )
    .requiredOption(
      '--activations <list>',
      'comma-separated names; parameters with colons, e.g. relu,gelu,golu:gamma=2',
    )
    .option('--seeds <n|list>', 'number of seeds (0..n-1) or a list like 0,5,9', '3')
    .option('--jobs <n>', `parallel runs (default: cores = ${availableParallelism()})`);
  addRunOptions(command)
    .option('--id <name>', 'folder name of this comparison under the runs dir')
    .option('--json', 'print the full result as JSON (table included)')
    .option('--quiet', 'no progress output')
    .option(
      '--lrs <list>',
      'learning-rate ablation: the whole comparison once per rate, e.g. 0.1,0.01,0.001,0.0001',
    )
    .option(
      '--report [file]',
      'where to write the HTML report of the comparison (default: report.html in its folder)',
    )
    .option('--no-report', 'do not write the HTML report')
    .addHelpText(
      'after',
      '\nExample:\n  gatelab compare --task mnist-mlp --activations relu,gelu,swish,mish,golu,gem,fmish --seeds 3',
    )
    .action(async (o: CompareCli) => {
      const task = getTask(o.task);
      const activations = withLearnable(parseActivationList(o.activations), o);
      const seeds = parseSeeds(o.seeds);
      const lrs = o.lrs === undefined ? null : parseLearningRates(o.lrs);
      // Validate every option here, before any child starts.
      for (const lr of lrs ?? [undefined])
        resolveRunConfig(o.task, activations[0], runOverrides(withLr(o, lr)));
      const jobs = o.jobs === undefined ? undefined : Number(o.jobs);
      const kind = task.dataset === 'text' ? 'language' : 'classification';
      // With --lrs, one comparison per learning rate, in lr-<rate>/ folders of one parent folder.
      let runsDir = o.runsDir;
      if (lrs !== null) {
        runsDir = resolve(o.runsDir, o.id ?? makeRunId(['lrs', task.name]));
        for (let n = 2; existsSync(runsDir); n++) runsDir = resolve(o.runsDir, `${o.id ?? 'lrs'}-${n}`);
      }
      const results: { lr: number; result: CompareResult }[] = [];
      for (const lr of lrs ?? [undefined]) {
        const options = withLr(o, lr);
        const config = resolveRunConfig(o.task, activations[0], runOverrides(options));
        const result = await runCompare({
          task: task.name,
          kind,
          activations,
          seeds,
          jobs,
          trainArgs: trainArguments(options),
          runsDir,
          id: lr === undefined ? o.id : `lr-${lr}`,
          launcher: currentLauncher(),
          details: describeTraining(config),
          progress: o.quiet || o.json ? 'none' : 'auto',
        });
        results.push({ lr: config.lr, result });
        if (o.json) process.stdout.write(`${JSON.stringify(result, jsonReplacer, 2)}\n`);
        else process.stdout.write(`\n${result.table}`);
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

/**
 * `--learnable names`: each activation trains those of the names it has (golu alpha, beta, gamma;
 * prelu slope); every name must belong to at least one of the activations.
 */
function withLearnable(activations: ActivationChoice[], o: CompareCli): ActivationChoice[] {
  const names = parseLearnable(o.learnable);
  if (names === undefined) return activations;
  const scope = (o.learnableScope ?? 'layer') as LearnableScope;
  for (const n of names) {
    if (!activations.some((a) => learnableParameterNames(a.name).includes(n))) {
      throw new Error(
        `--learnable ${n}: none of ${activations.map((a) => a.name).join(', ')} has a learnable parameter '${n}'`,
      );
    }
  }
  return activations.map((a) => {
    const own = names.filter((n) => learnableParameterNames(a.name).includes(n));
    return own.length === 0 ? a : { ...a, learnable: { names: own, scope } };
  });
}

/** The options with `--lr` replaced (for one learning rate of an ablation). */
function withLr(o: CompareCli, lr: number | undefined): CompareCli {
  return lr === undefined ? o : { ...o, lr: String(lr) };
}

/** "0.1,0.01,0.001" -> learning rates (positive, distinct). */
export function parseLearningRates(text: string): number[] {
  const lrs = text.split(',').map((s) => Number(s.trim()));
  if (lrs.length === 0 || lrs.some((lr) => !(lr > 0 && Number.isFinite(lr)))) {
    throw new Error(`--lrs: '${text}' is not a comma-separated list of positive learning rates`);
  }
  if (new Set(lrs).size !== lrs.length) throw new Error(`--lrs: '${text}' repeats a learning rate`);
  return lrs;
}

/** The training line under the table title. */
function describeTraining(config: ReturnType<typeof resolveRunConfig>): string[] {
  const modelOptions = Object.entries(config.model)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const schedule =
    config.schedule.kind === 'constant'
      ? 'constant'
      : config.schedule.kind === 'step'
        ? `step every ${config.schedule.every} x${config.schedule.gamma}`
        : `cosine (warmup ${config.schedule.warmup})`;
  const optimizer =
    config.optimizer === 'sgd'
      ? `sgd momentum ${config.momentum}${config.nesterov ? ' nesterov' : ''}`
      : 'adamw';
  return [
    `training: ${config.epochs} epochs${config.maxSteps !== null ? ` (max ${config.maxSteps} steps)` : ''}, batch ${config.batchSize}, ${optimizer} lr ${config.lr} wd ${config.weightDecay}, ${schedule}${config.clipNorm !== null ? `, clip ${config.clipNorm}` : ''}${modelOptions ? `, model ${modelOptions}` : ''}`,
  ];
}
