import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type RunContext, recorderHooks } from '../lab/hooks/recorder.js';
import { checkLearnable } from '../lab/models/activation-spec.js';
import { activationChoice, parseActivationSpec } from '../lab/options/activation.js';
import { exitCodeFor, watchForStop } from '../lab/runs/lifecycle.js';
import { checkRunId } from '../lab/runs/run-folder.js';
import { type RunConfig, resolveRunConfig, runConfigFromJson } from '../lab/train/config.js';
import type { ProgressMode } from '../lab/train/progress.js';
import {
  describeEval,
  type RunSummary,
  readRunJson,
  resumeExperiment,
  runExperiment,
} from '../lab/train/run.js';
import { collect } from './args/lists.js';
import {
  addRunOptions,
  givenRunFlags,
  runOptionsFromCli,
  taskOption,
  tasksHelp,
} from './args/run-options.js';
import { printJson } from './format.js';

interface TrainCli extends Record<string, unknown> {
  task?: string;
  activation?: string;
  param: string[];
  config?: string;
  runsDir: string;
  runId?: string;
  json?: boolean;
  quiet?: boolean;
  progress?: ProgressMode;
  resume?: string;
}

/** Reads a run configuration file (run.json) and checks it completely. */
function readRunConfigFile(file: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--config ${file}: cannot read it (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
  return runConfigFromJson(json, file);
}

/** The run configuration of `train`: from --config alone, or from --task and the flags. */
function trainConfig(o: TrainCli): RunConfig {
  if (o.config !== undefined) {
    const extra = [
      ...(o.task !== undefined ? ['--task'] : []),
      ...(o.activation !== undefined ? ['--activation'] : []),
      ...(o.param.length > 0 ? ['--param'] : []),
      ...givenRunFlags(o),
    ];
    if (extra.length > 0) {
      throw new Error(
        `--config ${o.config} gives the whole run configuration; it cannot be combined with ${extra.join(', ')} (edit the file instead)`,
      );
    }
    return readRunConfigFile(o.config);
  }
  if (o.task === undefined) throw new Error(`--task is required (or --config run.json)`);
  const spec = parseActivationSpec(o.activation ?? 'relu');
  const entries = Object.entries(spec.params ?? {}).map(([k, v]) => `${k}=${v}`);
  const activation = activationChoice(spec.name, [...entries, ...o.param]);
  const config = resolveRunConfig(o.task, activation, runOptionsFromCli(o.task, o));
  // One activation: every --learnable name must be one of its learnable parameters.
  checkLearnable(activation.name, config.learnable);
  return config;
}

function printSummary(s: RunSummary): void {
  const out = process.stdout;
  out.write(`run ${s.id}: ${s.task}, ${s.activation.label}, seed ${s.seed}\n`);
  out.write(`  model: ${s.model} (${s.paramCount.toLocaleString('en-US')} parameters)\n`);
  out.write(`  data:  ${s.data}\n`);
  if (s.status === 'interrupted' && s.interrupted) {
    out.write(`  INTERRUPTED (${s.interrupted.reason}) at step ${s.interrupted.step} of ${s.totalSteps}\n`);
  } else if (s.status === 'diverged' && s.diverged) {
    out.write(`  DIVERGED: loss ${s.diverged.loss} at step ${s.diverged.step} (epoch ${s.diverged.epoch})\n`);
  } else {
    if (s.val) out.write(`  val:   ${describeEval(s.val)}\n`);
    if (s.test) out.write(`  test:  ${describeEval(s.test)}\n`);
  }
  const t = s.timing;
  out.write(
    `  ${s.stepsDone} steps, ${t.msPerStep.toFixed(1)} ms/step (${t.stepsPerSecond.toFixed(1)} steps/s), first step ${t.firstStepMs.toFixed(0)} ms, total ${t.totalSeconds.toFixed(1)} s\n`,
  );
  out.write(`  files: ${s.dir}\n`);
}

/** `gatelab train`: one run of a task with one activation. */
export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description(
      'train one model with one activation on a task; writes runs/<id>/ (run.json, config, metrics, summary)',
    )
    .addOption(taskOption('unless-config'))
    .option(
      '--activation <name>',
      'activation (catalog name or alias), parameters with colons as in compare: golu:gamma=2; default relu',
    )
    .option('--param <name=value>', 'activation parameter (repeatable), e.g. --param beta=0.5', collect, [])
    .option(
      '--config <file>',
      'run from this run configuration alone (a run.json written by train, compare or sweep)',
    );
  addRunOptions(command)
    .option('--runs-dir <dir>', 'where runs/<id>/ folders go', 'runs')
    .option('--run-id <id>', 'name of the run folder (default: task-activation-sSEED-timestamp)')
    .option(
      '--resume <run-dir>',
      'continue an interrupted run from its last checkpoint, with the configuration in its run.json',
    )
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress output')
    .addOption(
      new Option('--progress <mode>', 'progress output').choices(['auto', 'bar', 'lines', 'json', 'none']),
    )
    .addHelpText(
      'after',
      `${tasksHelp()}\nExamples:\n  gatelab train --task mnist-mlp --activation golu:gamma=2 --epochs 3\n  gatelab train --config runs/<id>/run.json\n  gatelab train --resume runs/<id>          # after Ctrl-C, SIGTERM or a crash`,
    )
    .action(async (o: TrainCli) => {
      if (o.runId !== undefined) checkRunId(o.runId, '--run-id');
      const progress: ProgressMode = o.progress ?? (o.quiet || o.json ? 'none' : 'auto');
      // Every check before the stop watch: bad options end the process as usual.
      const resumeDir = o.resume;
      const config = resumeDir === undefined ? trainConfig(o) : resumeConfig(o, resumeDir);
      const recorder =
        config.diagnosticsEvery > 0 || config.saveWeights
          ? { diagnosticsEvery: config.diagnosticsEvery, saveWeights: config.saveWeights }
          : null;
      const attach = recorder ? (run: RunContext) => recorderHooks(recorder, run) : undefined;
      const stop = watchForStop();
      let summary: RunSummary;
      try {
        summary =
          resumeDir === undefined
            ? await runExperiment(config, {
                runsDir: o.runsDir,
                runId: o.runId,
                progress,
                attach,
                stopRequested: stop.reason,
              })
            : await resumeExperiment(resumeDir, { progress, attach, stopRequested: stop.reason });
      } finally {
        stop.dispose();
      }
      if (o.json) printJson(summary);
      else if (progress !== 'json') printSummary(summary);
      if (progress === 'json')
        process.stdout.write(`${JSON.stringify({ event: 'done', summary: summary.dir })}\n`);
      if (summary.status === 'interrupted' && summary.interrupted) {
        const i = summary.interrupted;
        process.stderr.write(
          `interrupted (${i.reason}) at step ${i.step} of ${summary.totalSteps}; resume with: gatelab train --resume ${summary.dir}\n`,
        );
        process.exitCode = exitCodeFor(i.reason);
      }
    });
}

/** `--resume DIR`: the configuration of the run in DIR; options that would change it are refused. */
function resumeConfig(o: TrainCli, dir: string): RunConfig {
  const extra = [
    ...(o.task !== undefined ? ['--task'] : []),
    ...(o.activation !== undefined ? ['--activation'] : []),
    ...(o.param.length > 0 ? ['--param'] : []),
    ...(o.config !== undefined ? ['--config'] : []),
    ...(o.runId !== undefined ? ['--run-id'] : []),
    ...givenRunFlags(o),
  ];
  if (extra.length > 0) {
    throw new Error(
      `--resume ${dir} continues the run with the configuration in its run.json; it cannot be combined with ${extra.join(', ')}`,
    );
  }
  return readRunJson(dir);
}
