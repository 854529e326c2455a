/**
 * The resolved run configuration: the task, the activation, every run option (user value, else the
 * task's default, else the schema's) and the model options, checked completely. It is a plain JSON
 * object with a canonical key order (task, activation, the options in schema order, model, data), so
 * `JSON.stringify` of it is the same text for the same run: run.json holds it, `compare` hands it to
 * its children, and a sweep can hash it (runConfigHash).
 */
import { createHash } from 'node:crypto';
import { getSpec, resolveParams } from '../../activations/resolve.js';
import type { ActivationChoice } from '../models/activation-spec.js';
import { choiceInSpecOrder } from '../options/activation.js';
import {
  type DataSettings,
  RUN_OPTIONS,
  type RunOption,
  type RunSettings,
  type SettingsView,
} from '../options/schema.js';
import {
  checkLearnableModel,
  getTask,
  MODEL_OPTION_KEYS,
  type ModelOptions,
  presetOf,
  TASKS,
  type TaskSpec,
  taskNames,
  WORD_OPTIONS,
} from '../tasks.js';

/** Everything that defines a run (run.json holds exactly this; config.json adds descriptions). */
export type RunConfig = {
  task: string;
  activation: ActivationChoice;
} & RunSettings & {
    model: ModelOptions;
    data: DataSettings;
  };

/** What a caller may set; everything else comes from the task and the schema. */
export type RunOverrides = Partial<RunSettings> & {
  model?: ModelOptions;
  data?: Partial<DataSettings>;
};

const OPTIONS = RUN_OPTIONS as readonly RunOption[];

/** The tasks an option applies to, e.g. "text tasks (text-gpt)". */
export function optionTasks(option: RunOption): string {
  const names = TASKS.filter((t) => appliesTo(option, t)).map((t) => t.name);
  return `${option.scope} tasks (${names.join(', ')})`;
}

/** Whether an option applies to a task. */
export function appliesTo(option: RunOption, task: TaskSpec): boolean {
  return option.scope === 'all' || option.scope === task.kind;
}

/** A value as it appears in messages: text quoted, numbers and objects as JSON. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** "--lr (base learning rate) must be a number in (0, Infinity), got -1". */
export function optionMessage(option: RunOption, value: unknown): string {
  return `${option.flag} (${option.title}) must be ${option.type.accepts}, got ${shown(value)}`;
}

/** "--limit-train applies to image tasks (mnist-mlp, ...), not to text-gpt (a text task)". */
export function notApplicableMessage(option: RunOption, task: TaskSpec): string {
  return `${option.flag} (${option.title}) applies to ${optionTasks(option)}, not to ${task.name} (${task.kind === 'image' ? 'an' : 'a'} ${task.kind} task)`;
}

/** A value checked against its option's type (RangeError naming the option, range and value). */
export function checkOptionValue(option: RunOption, value: unknown): unknown {
  try {
    return option.type.fromJson(value);
  } catch {
    throw new RangeError(optionMessage(option, value));
  }
}

/** The activation with its canonical name and checked parameters (in the catalog's order). */
function checkActivation(choice: unknown): ActivationChoice {
  if (
    choice === null ||
    typeof choice !== 'object' ||
    typeof (choice as { name?: unknown }).name !== 'string'
  ) {
    throw new TypeError(`activation must be { name, params? }, got ${shown(choice)}`);
  }
  const { name, params, ...rest } = choice as { name: string; params?: unknown };
  if (Object.keys(rest).length > 0)
    throw new TypeError(`activation has unknown keys: ${Object.keys(rest).join(', ')} (valid: name, params)`);
  const spec = getSpec(name);
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params)))
    throw new TypeError(`activation params must be an object like { "gamma": 2 }, got ${shown(params)}`);
  const given = (params ?? {}) as Record<string, unknown>;
  resolveParams(spec, given);
  return choiceInSpecOrder(spec, given as Record<string, number>);
}

/** Model options merged over the task's defaults, keys checked against the model kind. */
function checkModel(task: TaskSpec, overrides: unknown): ModelOptions {
  if (
    overrides !== undefined &&
    (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides))
  )
    throw new TypeError(`model options must be an object like { "depth": 3 }, got ${shown(overrides)}`);
  const allowed = Object.keys(MODEL_OPTION_KEYS[task.model]);
  const given = (overrides ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    if (!allowed.includes(key)) {
      throw new Error(
        `--model ${key}: not an option of the ${task.model} model of ${task.name}; valid: ${allowed.join(', ')}`,
      );
    }
    const ok =
      (WORD_OPTIONS.has(key) && typeof value === 'string') ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (!ok)
      throw new TypeError(
        `--model ${key}: expected a number, a list of numbers or true/false, got ${shown(value)}`,
      );
  }
  // A preset (`--model preset=babygpt`) sits between the task's defaults and explicit options.
  const merged = {
    ...task.modelDefaults,
    ...presetOf(task, given as ModelOptions).model,
    ...(given as ModelOptions),
  };
  // Canonical order: the model kind's option order.
  return Object.fromEntries(allowed.filter((k) => k in merged).map((k) => [k, merged[k]]));
}

/**
 * Fills a run configuration from the task's defaults and checks every value. Errors name the option,
 * its valid range or choices, and the value received; an option that does not apply to the task
 * (e.g. limitTrain on a text task) is an error naming both.
 */
export function resolveRunConfig(
  task: string,
  activation: ActivationChoice,
  overrides: RunOverrides = {},
): RunConfig {
  const spec = getTask(task);
  const given = overrides as Record<string, unknown>;
  const givenData = (given.data ?? {}) as Record<string, unknown>;
  if (givenData === null || typeof givenData !== 'object' || Array.isArray(givenData))
    throw new TypeError(`data options must be an object, got ${shown(givenData)}`);
  const known = new Set(OPTIONS.map((o) => o.key));
  for (const [where, keys, group] of [
    ['', Object.keys(given), 'run'],
    ['data.', Object.keys(givenData), 'data'],
  ] as const) {
    for (const key of keys) {
      if (group === 'run' && (key === 'data' || key === 'model')) continue;
      const option = OPTIONS.find((o) => o.key === key);
      if (option === undefined || option.group !== group) {
        const valid = OPTIONS.filter((o) => o.group === group).map((o) => o.key);
        throw new Error(
          `unknown run option '${where}${key}'${known.has(key) ? ` (it belongs ${group === 'run' ? 'under data' : 'at the top level'})` : ''}; valid: ${valid.join(', ')}`,
        );
      }
    }
  }
  const run: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  const preset = presetOf(spec, (given.model ?? {}) as ModelOptions);
  for (const option of OPTIONS) {
    const source = option.group === 'data' ? givenData : given;
    const value = source[option.key];
    if (!appliesTo(option, spec)) {
      if (value !== undefined && value !== null) throw new Error(notApplicableMessage(option, spec));
      continue;
    }
    const key = option.key as keyof typeof spec.defaults;
    const own = preset.training[key] !== undefined ? preset.training[key] : spec.defaults[key];
    const chosen = value !== undefined ? value : own !== undefined ? own : option.default;
    (option.group === 'data' ? data : run)[option.key] = checkOptionValue(option, chosen);
  }
  checkLearnableModel(spec, run.learnable as string[]);
  return {
    task: spec.name,
    activation: checkActivation(activation),
    ...run,
    model: checkModel(spec, given.model),
    data,
  } as RunConfig;
}

/**
 * A run configuration read from JSON (run.json, or a hand-written file): `task` and `activation` are
 * required, every other option falls back to the task's defaults, unknown keys are errors. `file`
 * prefixes every message.
 */
export function runConfigFromJson(json: unknown, file: string): RunConfig {
  try {
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      throw new TypeError(`expected a JSON object with task, activation and run options`);
    const { task, activation, ...rest } = json as Record<string, unknown>;
    if (typeof task !== 'string')
      throw new TypeError(`task must be one of ${taskNames().join(', ')}, got ${shown(task)}`);
    if (activation === undefined) throw new TypeError(`activation is required, e.g. { "name": "golu" }`);
    return resolveRunConfig(task, activation as ActivationChoice, rest as RunOverrides);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: ${message.replace(/^gatelab: /, '')}`);
  }
}

/** The canonical JSON text of a run configuration (what run.json holds). */
export function runConfigJson(config: RunConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** A short stable hash of the configuration (sha256 of its canonical JSON, 16 hex digits). */
export function runConfigHash(config: RunConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/**
 * The one-line description of a run's training setup, from each option's `describe` in the schema,
 * plus the model options that differ from the task's defaults:
 * "training: 4 epochs, batch 128, adamw, lr 0.003, wd 0.01, cosine (warmup 0)".
 */
export function describeRunConfig(config: RunConfig): string {
  const settings = config as unknown as RunSettings & Record<string, unknown>;
  const parts: string[] = [];
  for (const option of OPTIONS) {
    if (option.describe === undefined || option.group !== 'run') continue;
    const text = option.describe(settings[option.key], settings as SettingsView);
    if (text !== null) parts.push(text);
  }
  const task = getTask(config.task);
  const changed = Object.entries(config.model).filter(
    ([k, v]) => JSON.stringify(task.modelDefaults[k]) !== JSON.stringify(v),
  );
  if (changed.length > 0) parts.push(`model ${changed.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return `training: ${parts.join(', ')}`;
}
