import { type Command, Option } from 'commander';
import { getSpec, resolveParams } from '../activations/resolve.js';
import {
  DEFAULT_DIAGNOSTICS_EVERY,
  recorderHooks,
  recorderOptionsFromFlags,
} from '../lab/analysis/recorder.js';
import { type ActivationChoice, checkLearnable } from '../lab/models/activationSpec.js';
import { parseSchedule } from '../lab/optim/schedule.js';
import { getTask, MODEL_OPTION_KEYS, parseModelOptions, TASKS, taskNames } from '../lab/tasks.js';
import type { ProgressMode } from '../lab/train/progress.js';
import {
  describeEval,
  type RunOverrides,
  type RunSummary,
  resolveRunConfig,
  runExperiment,
} from '../lab/train/run.js';

/** Options shared by `train` and `compare` (everything that shapes one run). */
export interface RunCliOptions {
  task: string;
  seed?: string;
  epochs?: string;
  lr?: string;
  batchSize?: string;
  optimizer?: string;
  momentum?: string;
  nesterov?: boolean;
  weightDecay?: string;
  schedule?: string;
  clip?: string;
  maxSteps?: string;
  evalBatchSize?: string;
  model: string[];
  data?: string;
  limitTrain?: string;
  limitEval?: string;
  stepsPerEpoch?: string;
  evalBatches?: string;
  runsDir: string;
  /** `--diagnostics [every]`: true or the interval. */
  diagnostics?: string | boolean;
  saveWeights?: boolean;
  learnable?: string;
  learnableScope?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds the run-shaping options to a command (train and compare share them). */
export function addRunOptions(command: Command): Command {
  return command
    .requiredOption('--task <task>', `task: ${taskNames().join(', ')}`)
    .option('--epochs <n>', 'epochs (default: the task default)')
    .option('--lr <rate>', 'base learning rate')
    .option('--batch-size <n>', 'training batch size')
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adamw']))
    .option('--momentum <m>', 'SGD momentum')
    .option('--nesterov', 'SGD: Nesterov momentum')
    .option('--no-nesterov', 'SGD: classical momentum')
    .option(
      '--weight-decay <wd>',
      'weight decay (SGD: L2; AdamW: decoupled); biases and norms are not decayed',
    )
    .option('--schedule <spec>', 'constant | step:EVERY_STEPS:GAMMA | cosine[:WARMUP_STEPS[:MIN_RATIO]]')
    .option('--clip <norm>', 'clip gradients to this global L2 norm')
    .option('--max-steps <n>', 'stop after this many training steps')
    .option('--eval-batch-size <n>', 'batch size of evaluation passes')
    .option(
      '--model <key=value>',
      'model option (repeatable), e.g. depth=3, width=256, channels=16,32',
      collect,
      [],
    )
    .option(
      '--data <path>',
      "the user's full data set: IDX or CIFAR directory, or a UTF-8 text file (text-gpt)",
    )
    .option('--limit-train <n>', 'image tasks: use only the first n training images')
    .option('--limit-eval <n>', 'image tasks: use only the first n validation and test images')
    .option('--steps-per-epoch <n>', 'text tasks: training steps between evaluations')
    .option('--eval-batches <n>', 'text tasks: evaluation batches per split')
    .option('--runs-dir <dir>', 'where runs/<id>/ folders go', 'runs')
    .option(
      '--diagnostics [every]',
      `record per-layer activation mean/variance, dead units, gradient norms every N steps (default ${DEFAULT_DIAGNOSTICS_EVERY}) and final weight histograms into diagnostics.json`,
    )
    .option('--save-weights', 'save the final weights (weights.json, weights.bin) for gatelab landscape')
    .option(
      '--learnable <names>',
      'train these activation parameters with the weights, e.g. alpha,beta,gamma (golu, gompertz) or slope (prelu); positive ones as their logarithm; no weight decay',
    )
    .addOption(
      new Option('--learnable-scope <scope>', 'one learnable value per activation layer or per channel')
        .choices(['layer', 'channel'])
        .default(undefined),
    );
}

/** `--learnable a,b,c` -> names (no duplicates, no empty entries). */
export function parseLearnable(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '') || new Set(names).size !== names.length) {
    throw new Error(`--learnable takes distinct parameter names separated by commas, got '${text}'`);
  }
  return names;
}

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got '${value}'`);
  return n;
}

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new Error(`--${name} must be a number, got '${value}'`);
  return n;
}

/** Command-line options -> run overrides (validated). */
export function runOverrides(o: RunCliOptions): RunOverrides {
  const task = getTask(o.task);
  const model = parseModelOptions(o.model);
  const allowed = Object.keys(MODEL_OPTION_KEYS[task.model]);
  for (const key of Object.keys(model)) {
    if (!allowed.includes(key)) {
      throw new Error(
        `--model ${key}: not an option of the ${task.model} model; valid: ${allowed.join(', ')}`,
      );
    }
  }
  const clip =
    o.clip === undefined ? undefined : o.clip === 'none' || o.clip === '0' ? null : num(o.clip, 'clip');
  return {
    seed: int(o.seed, 'seed'),
    epochs: int(o.epochs, 'epochs'),
    lr: num(o.lr, 'lr'),
    batchSize: int(o.batchSize, 'batch-size'),
    optimizer: o.optimizer as 'sgd' | 'adamw' | undefined,
    momentum: num(o.momentum, 'momentum'),
    nesterov: o.nesterov,
    weightDecay: num(o.weightDecay, 'weight-decay'),
    schedule: o.schedule === undefined ? undefined : parseSchedule(o.schedule),
    clipNorm: clip,
    maxSteps: int(o.maxSteps, 'max-steps'),
    evalBatchSize: int(o.evalBatchSize, 'eval-batch-size'),
    model,
    learnable: parseLearnable(o.learnable),
    learnableScope: o.learnableScope as 'layer' | 'channel' | undefined,
    data: {
      dataPath: o.data,
      limitTrain: int(o.limitTrain, 'limit-train'),
      limitEval: int(o.limitEval, 'limit-eval'),
      stepsPerEpoch: int(o.stepsPerEpoch, 'steps-per-epoch'),
      evalBatches: int(o.evalBatches, 'eval-batches'),
    },
  };
}

/** "k=v" strings -> validated activation choice (catalog names, parameter ranges). */
export function parseActivation(name: string, paramEntries: readonly string[]): ActivationChoice {
  const spec = getSpec(name);
  const params: Record<string, number> = {};
  for (const entry of paramEntries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`activation parameter '${entry}' must look like name=value, e.g. beta=0.5`);
    const key = entry.slice(0, eq).trim();
    const value = Number(entry.slice(eq + 1));
    if (entry.slice(eq + 1).trim() === '' || Number.isNaN(value)) {
      throw new Error(`activation parameter ${key}: '${entry.slice(eq + 1)}' is not a number`);
    }
    params[key] = value;
  }
  resolveParams(spec, params); // throws a RangeError naming the parameter and its range
  return Object.keys(params).length > 0 ? { name: spec.name, params } : { name: spec.name };
}

function printSummary(s: RunSummary): void {
  const out = process.stdout;
  out.write(`run ${s.id}: ${s.task}, ${s.activation.label}, seed ${s.seed}\n`);
  out.write(`  model: ${s.model} (${s.paramCount.toLocaleString('en-US')} parameters)\n`);
  out.write(`  data:  ${s.data}\n`);
  if (s.status === 'diverged' && s.diverged) {
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
      'train one model with one activation on a task; writes runs/<id>/ (config, metrics, summary)',
    )
    .option('--activation <name>', 'activation (catalog name or alias)', 'relu')
    .option('--param <name=value>', 'activation parameter (repeatable), e.g. --param beta=0.5', collect, [])
    .option('--seed <n>', 'seed of init, shuffling and dropout', '0');
  addRunOptions(command)
    .option('--run-id <id>', 'name of the run folder (default: task-activation-sSEED-timestamp)')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress output')
    .addOption(
      new Option('--progress <mode>', 'progress output').choices(['auto', 'bar', 'lines', 'json', 'none']),
    )
    .addHelpText(
      'after',
      `\nTasks:\n${TASKS.map((t) => `  ${t.name.padEnd(16)} ${t.summary}`).join('\n')}\n\nExample:\n  gatelab train --task mnist-mlp --activation golu --param gamma=2 --epochs 3`,
    )
    .action(
      async (
        o: RunCliOptions & {
          activation: string;
          param: string[];
          runId?: string;
          json?: boolean;
          quiet?: boolean;
          progress?: ProgressMode;
        },
      ) => {
        const activation = parseActivation(o.activation, o.param);
        const config = resolveRunConfig(o.task, activation, runOverrides(o));
        checkLearnable(activation.name, config.learnable);
        const progress: ProgressMode = o.progress ?? (o.quiet || o.json ? 'none' : 'auto');
        const recorder = recorderOptionsFromFlags(o.diagnostics, o.saveWeights);
        const summary = await runExperiment(config, {
          runsDir: o.runsDir,
          runId: o.runId,
          progress,
          attach: recorder ? (run) => recorderHooks(recorder, run) : undefined,
        });
        if (o.json) process.stdout.write(`${JSON.stringify(summary, jsonReplacer, 2)}\n`);
        else if (progress !== 'json') printSummary(summary);
        if (progress === 'json')
          process.stdout.write(`${JSON.stringify({ event: 'done', summary: summary.dir })}\n`);
      },
    );
}

/** NaN/Infinity as strings in JSON output. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
