/**
 * The run options: every option that shapes one training run, declared once. Task defaults, the
 * resolved run configuration (its TypeScript type and its JSON, run.json), the flags and help of
 * `train`, `compare` and later commands, validation messages and the description of a run in tables
 * and reports all derive from this list.
 *
 * Adding an option = one entry in RUN_OPTIONS below (then use `config.<key>` where it takes effect):
 * - `key`: the name in the run configuration and run.json (camelCase); `group: 'data'` puts it under
 *   `config.data` (how the data set is loaded), otherwise it sits at the top level.
 * - `flag`/`valueName`: the command-line flag (`valueName` absent for on/off flags, which also get
 *   `--no-<flag>`).
 * - `type`: a value type from ./types.ts (its range or choices appear in help and in every message).
 * - `default`: used unless the task overrides it (tasks.ts, `defaults`) or the user sets it.
 * - `scope`: 'all', or the one kind of task it applies to ('image', 'text'); giving it for another
 *   kind of task is an error naming the option and the task.
 * - `describe`: its words in the one-line description of a run (omit to leave it out).
 */
import { DEVICE_CHOICES } from '../devices/choices.js';
import type { ScheduleSpec } from '../optim/schedule.js';
import {
  booleanType,
  choiceType,
  integerType,
  nameListType,
  nullable,
  numberType,
  scheduleType,
  textType,
  type ValueType,
} from './types.js';

/** What kind of data a task trains on; options may apply to one kind only. */
export type TaskKind = 'image' | 'text';
/** Where an option sits in the run configuration: top level, or under `data`. */
export type OptionGroup = 'run' | 'data';
export type OptionScope = 'all' | TaskKind;
/** The other settings of the run, as `describe` sees them (typed loosely: the schema defines their types). */
export type SettingsView = { readonly [key: string]: unknown };

export interface RunOption<
  K extends string = string,
  T = unknown,
  G extends OptionGroup = OptionGroup,
  S extends OptionScope = OptionScope,
> {
  readonly key: K;
  readonly group: G;
  readonly scope: S;
  /** e.g. '--batch-size'. */
  readonly flag: string;
  /** e.g. '<n>'; '[every]' for an optional value; absent for on/off flags. */
  readonly valueName?: string;
  /** A few words naming the option in messages, e.g. 'training batch size'. */
  readonly title: string;
  /** Help text (the accepted values and the default are appended). */
  readonly help: string;
  readonly type: ValueType<T>;
  readonly default: NoInfer<T>;
  /** The value of a `[optional]` flag given without one (e.g. `--diagnostics` = every 20 steps). */
  readonly impliedValue?: NoInfer<T>;
  /** Words for the run's one-line description; null leaves the option out. */
  readonly describe?: (value: NoInfer<T>, config: SettingsView) => string | null;
}

function option<
  const K extends string,
  T,
  const G extends OptionGroup = 'run',
  const S extends OptionScope = 'all',
>(spec: Omit<RunOption<K, T, G, S>, 'group' | 'scope'> & { group?: G; scope?: S }): RunOption<K, T, G, S> {
  return { ...spec, group: spec.group ?? ('run' as G), scope: spec.scope ?? ('all' as S) };
}

/** Seeds feed 32-bit generators (src/lab/data/random.ts): larger values would alias smaller ones. */
export const MAX_SEED = 2 ** 32 - 1;
/** `--diagnostics` without a number: record every this many steps. */
export const DEFAULT_DIAGNOSTICS_EVERY = 20;

export const RUN_OPTIONS = [
  option({
    key: 'seed',
    flag: '--seed',
    valueName: '<n>',
    title: 'seed',
    help: 'seed of initialisation, batch order and dropout',
    type: integerType({ min: 0, max: MAX_SEED }),
    default: 0,
  }),
  option({
    key: 'epochs',
    flag: '--epochs',
    valueName: '<n>',
    title: 'training epochs',
    help: 'passes over the training data (text tasks: evaluation rounds)',
    type: integerType({ min: 1 }),
    default: 1,
    describe: (v, c) => `${v} epochs${c.maxSteps !== null ? ` (max ${c.maxSteps} steps)` : ''}`,
  }),
  option({
    key: 'maxSteps',
    flag: '--max-steps',
    valueName: '<n>',
    title: 'step limit',
    help: 'stop after this many training steps',
    type: nullable(integerType({ min: 1 })),
    default: null,
  }),
  option({
    key: 'batchSize',
    flag: '--batch-size',
    valueName: '<n>',
    title: 'training batch size',
    help: 'training batch size (at most the number of training examples)',
    type: integerType({ min: 1 }),
    default: 128,
    describe: (v) => `batch ${v}`,
  }),
  option({
    key: 'lr',
    flag: '--lr',
    valueName: '<rate>',
    title: 'base learning rate',
    help: 'base learning rate',
    type: numberType({ min: 0, minExclusive: true }),
    default: 1e-3,
    describe: (v) => `lr ${v}`,
  }),
  option({
    key: 'optimizer',
    flag: '--optimizer',
    valueName: '<name>',
    title: 'optimizer',
    help: 'optimizer',
    type: choiceType(['sgd', 'adamw']),
    default: 'adamw',
    describe: (v, c) => (v === 'sgd' ? `sgd momentum ${c.momentum}${c.nesterov ? ' nesterov' : ''}` : v),
  }),
  option({
    key: 'momentum',
    flag: '--momentum',
    valueName: '<m>',
    title: 'SGD momentum',
    help: 'SGD momentum',
    type: numberType({ min: 0, max: 1, maxExclusive: true }),
    default: 0.9,
  }),
  option({
    key: 'nesterov',
    flag: '--nesterov',
    title: 'Nesterov momentum',
    help: 'SGD: Nesterov momentum (--no-nesterov: classical momentum)',
    type: booleanType(),
    default: false,
  }),
  option({
    key: 'weightDecay',
    flag: '--weight-decay',
    valueName: '<wd>',
    title: 'weight decay',
    help: 'weight decay (SGD: L2; AdamW: decoupled); biases and norms are not decayed',
    type: numberType({ min: 0 }),
    default: 0.01,
    describe: (v) => `wd ${v}`,
  }),
  option({
    key: 'schedule',
    flag: '--schedule',
    valueName: '<spec>',
    title: 'learning-rate schedule',
    help: 'learning-rate schedule',
    type: scheduleType(),
    default: { kind: 'cosine', warmup: 0, minRatio: 0 } as ScheduleSpec,
    describe: (s) =>
      s.kind === 'constant'
        ? 'constant'
        : s.kind === 'step'
          ? `step every ${s.every} x${s.gamma}`
          : `cosine (warmup ${s.warmup})`,
  }),
  option({
    key: 'clipNorm',
    flag: '--clip',
    valueName: '<norm>',
    title: 'gradient clipping norm',
    help: 'clip gradients to this global L2 norm',
    type: nullable(numberType({ min: 0, minExclusive: true }), ['none', '0']),
    default: null,
    describe: (v) => (v === null ? null : `clip ${v}`),
  }),
  option({
    key: 'evalBatchSize',
    flag: '--eval-batch-size',
    valueName: '<n>',
    title: 'evaluation batch size',
    help: 'batch size of evaluation passes',
    type: integerType({ min: 1 }),
    default: 250,
  }),
  option({
    key: 'diagnosticsEvery',
    flag: '--diagnostics',
    valueName: '[every]',
    title: 'diagnostics interval',
    help: `record per-layer activation mean/variance, dead units, gradient norms every N steps (flag alone: ${DEFAULT_DIAGNOSTICS_EVERY}) and final weight histograms into diagnostics.json; 0 = off`,
    type: integerType({ min: 0 }),
    default: 0,
    impliedValue: DEFAULT_DIAGNOSTICS_EVERY,
  }),
  option({
    key: 'saveWeights',
    flag: '--save-weights',
    title: 'saving the final weights',
    help: 'save the final weights (weights.json, weights.bin) for gatelab landscape',
    type: booleanType(),
    default: false,
  }),
  option({
    key: 'learnable',
    flag: '--learnable',
    valueName: '<names>',
    title: 'learnable activation parameters',
    help: 'train these activation parameters with the weights: alpha,beta,gamma (golu, gompertz; kept positive as exp of a trained logarithm) or slope (prelu); never weight-decayed; logged after each evaluation. In a comparison each activation trains the ones it has',
    type: nameListType('parameter names'),
    default: [] as string[],
    describe: (v, c) => (v.length === 0 ? null : `learnable ${v.join(',')} per ${c.learnableScope}`),
  }),
  option({
    key: 'learnableScope',
    flag: '--learnable-scope',
    valueName: '<scope>',
    title: 'learnable parameter scope',
    help: 'one learnable value per activation layer, or one per channel (feature) of each layer',
    type: choiceType(['layer', 'channel']),
    default: 'layer',
  }),
  option({
    key: 'device',
    flag: '--device',
    valueName: '<name>',
    title: 'device',
    help: 'where to train: auto (webgpu on a hardware GPU adapter, else wasm; prints its choice), wasm, webgpu (Node: the optional package webgpu), cpu',
    type: choiceType(DEVICE_CHOICES),
    default: 'auto',
  }),
  option({
    key: 'threads',
    flag: '--threads',
    valueName: '<n>',
    title: 'wasm worker threads',
    help: "worker threads of the wasm device (auto: the machine's cores; compare: cores / jobs)",
    type: nullable(integerType({ min: 1 }), ['auto']),
    default: null,
  }),
  option({
    key: 'checkpointEvery',
    flag: '--checkpoint-every',
    valueName: '<n>',
    title: 'checkpoint interval',
    help: 'write checkpoint.bin (weights, optimizer state, position in the data) every n steps, at each evaluation and on interruption; 0 = only at evaluations and on interruption',
    type: integerType({ min: 0 }),
    // mnist-mlp's checkpoint is 8 MB; writing it took a median 252 ms under heavy load
    // (bench/bench-checkpoint.ts), against ~35 ms per step: every 100 steps costs a few percent.
    default: 100,
  }),
  option({
    key: 'dataPath',
    group: 'data',
    flag: '--data',
    valueName: '<path>',
    title: 'data path',
    help: "the user's full data set: IDX or CIFAR directory, or a UTF-8 text file (text tasks)",
    type: nullable(textType('path')),
    default: null,
  }),
  option({
    key: 'limitTrain',
    group: 'data',
    scope: 'image',
    flag: '--limit-train',
    valueName: '<n>',
    title: 'training-set limit',
    help: 'use only the first n training images',
    type: nullable(integerType({ min: 1 })),
    default: null,
  }),
  option({
    key: 'limitEval',
    group: 'data',
    scope: 'image',
    flag: '--limit-eval',
    valueName: '<n>',
    title: 'evaluation-set limit',
    help: 'use only the first n validation and test images',
    type: nullable(integerType({ min: 1 })),
    default: null,
  }),
  option({
    key: 'stepsPerEpoch',
    group: 'data',
    scope: 'text',
    flag: '--steps-per-epoch',
    valueName: '<n>',
    title: 'steps per epoch',
    help: 'training steps between evaluations',
    type: integerType({ min: 1 }),
    default: 200,
  }),
  option({
    key: 'evalBatches',
    group: 'data',
    scope: 'text',
    flag: '--eval-batches',
    valueName: '<n>',
    title: 'evaluation batches',
    help: 'evaluation batches per split',
    type: integerType({ min: 1 }),
    default: 8,
  }),
] as const;

type AnyRunOption = (typeof RUN_OPTIONS)[number];
type ValueOf<O> = O extends RunOption<string, infer T> ? T : never;
type Fields<O extends AnyRunOption> = {
  [P in O as P['scope'] extends 'all' ? P['key'] : never]: ValueOf<P>;
} & {
  [P in O as P['scope'] extends 'all' ? never : P['key']]?: ValueOf<P>;
};

/** The top-level run settings (everything but the task, activation, model and data options). */
export type RunSettings = Fields<Extract<AnyRunOption, { group: 'run' }>>;
/** How the task's data set is loaded (`config.data`); options of another task kind are absent. */
export type DataSettings = Fields<Extract<AnyRunOption, { group: 'data' }>>;
/** The key of any run option. */
export type RunOptionKey = AnyRunOption['key'];
/** Every option's value by key, flat (task defaults use this). */
export type RunOptionValues = { [P in AnyRunOption as P['key']]: ValueOf<P> };

/** The option called `key`. */
export function runOption(key: string): RunOption | undefined {
  return (RUN_OPTIONS as readonly RunOption[]).find((o) => o.key === key);
}
