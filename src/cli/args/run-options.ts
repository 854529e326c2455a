/**
 * The run options on the command line, derived from the schema (src/lab/options/schema.ts): every
 * command that shapes runs (`train`, `compare`, later ones) adds the same flags with
 * `addRunOptions(command)` and reads them back with `runOptionsFromCli(opts)`.
 */
import { type Command, Option } from 'commander';
import { RUN_OPTIONS, type RunOption, type RunOptionKey } from '../../lab/options/schema.js';
import {
  getTask,
  MODEL_OPTION_KEYS,
  parseModelOptions,
  TASKS,
  taskDefault,
  taskNames,
} from '../../lab/tasks.js';
import { appliesTo, notApplicableMessage, optionMessage, type RunOverrides } from '../../lab/train/config.js';
import { collect } from './lists.js';

const OPTIONS = RUN_OPTIONS as readonly RunOption[];

/** The flag text commander reads, e.g. '--batch-size <n>'. */
function flagText(option: RunOption): string {
  return option.valueName === undefined ? option.flag : `${option.flag} ${option.valueName}`;
}

/** The commander attribute an option's value lands in (e.g. --clip -> clip). */
function attribute(option: RunOption): string {
  return new Option(flagText(option)).attributeName();
}

/** "default 128" or, where tasks differ, "default 128 (fashion-cnn 64, text-gpt 32)". */
function describeDefault(option: RunOption): string {
  const tasks = TASKS.filter((t) => appliesTo(option, t));
  const values = tasks.map((t) => option.type.format(taskDefault(t, option.key as never) as never));
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const common =
    [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? option.type.format(option.default);
  const perTask = (keep: (value: string) => boolean) =>
    tasks.flatMap((t, i) => (keep(values[i]) ? [`${t.name} ${values[i]}`] : [])).join(', ');
  // A value most tasks share is "the" default; otherwise list every task's.
  if ((counts.get(common) ?? 0) * 2 <= tasks.length) return `default per task: ${perTask(() => true)}`;
  const others = perTask((v) => v !== common);
  return `default ${common}${others.length > 0 ? ` (${others})` : ''}`;
}

function helpText(option: RunOption): string {
  const scope = option.scope === 'all' ? '' : `${option.scope} tasks: `;
  const accepts = option.type.accepts === 'true or false' ? '' : `; ${option.type.accepts}`;
  return `${scope}${option.help}${accepts}; ${describeDefault(option)}`;
}

/** `--task`, marked required in help ("required unless --config" where a command reads one). */
export function taskOption(required: 'required' | 'unless-config'): Option {
  const mark = required === 'required' ? '(required)' : '(required unless --config)';
  return new Option('--task <task>', `${mark} task: ${taskNames().join(', ')}`);
}

/** Which schema options a command leaves out (e.g. compare sets --seed per run from --seeds). */
export interface RunFlagChoice {
  except?: readonly RunOptionKey[];
}

function chosen(choice: RunFlagChoice): readonly RunOption[] {
  return OPTIONS.filter((o) => !(choice.except ?? []).includes(o.key as RunOptionKey));
}

/** Adds the run-shaping options (every schema option, plus --model) to a command. */
export function addRunOptions(command: Command, choice: RunFlagChoice = {}): Command {
  for (const option of chosen(choice)) {
    command.addOption(new Option(flagText(option), helpText(option)));
    if (option.valueName === undefined) {
      command.addOption(new Option(`--no-${option.flag.slice(2)}`, `turn ${option.flag} off`).hideHelp());
    }
  }
  const modelKeys = Object.entries(MODEL_OPTION_KEYS)
    .map(([kind, keys]) => `${kind}: ${Object.keys(keys).join(', ')}`)
    .join('; ');
  return command.option(
    '--model <key=value>',
    `model option (repeatable), e.g. depth=3, width=256, channels=16,32 (${modelKeys})`,
    collect,
    [],
  );
}

/** The "Tasks:" block of a command's help. */
export function tasksHelp(): string {
  return `\nTasks:\n${TASKS.map((t) => `  ${t.name.padEnd(16)} ${t.summary}`).join('\n')}\n`;
}

/** The flags of the schema options the user gave (for "cannot be combined" messages). */
export function givenRunFlags(opts: Record<string, unknown>, choice: RunFlagChoice = {}): string[] {
  const flags = chosen(choice)
    .filter((o) => opts[attribute(o)] !== undefined)
    .map((o) => o.flag);
  if (Array.isArray(opts.model) && opts.model.length > 0) flags.push('--model');
  return flags;
}

/** One option's value from commander's parsed text (or boolean, for a flag without a value). */
function parseFlagValue(option: RunOption, raw: unknown): unknown {
  if (typeof raw === 'boolean') {
    // A flag without a value: on/off, or an optional value's implied one (--diagnostics).
    const value = option.valueName === undefined ? raw : raw ? option.impliedValue : option.default;
    if (value === undefined) throw new Error(`${option.flag} needs a value: ${option.type.accepts}`);
    return value;
  }
  try {
    return option.type.parse(String(raw));
  } catch {
    throw new RangeError(optionMessage(option, String(raw)));
  }
}

/**
 * A few schema options on a command that does not train (`landscape`: --device, --threads), with the
 * same flags, help and checks as on `train`.
 */
export function addSchemaOptions(command: Command, keys: readonly RunOptionKey[]): Command {
  for (const option of OPTIONS.filter((o) => keys.includes(o.key as RunOptionKey))) {
    command.addOption(new Option(flagText(option), helpText(option)));
  }
  return command;
}

/** The values of those options (the schema's default where a flag was not given). */
export function schemaOptionsFromCli(
  opts: Record<string, unknown>,
  keys: readonly RunOptionKey[],
): Partial<Record<RunOptionKey, unknown>> {
  const values: Partial<Record<RunOptionKey, unknown>> = {};
  for (const option of OPTIONS.filter((o) => keys.includes(o.key as RunOptionKey))) {
    const raw = opts[attribute(option)];
    values[option.key as RunOptionKey] = raw === undefined ? option.default : parseFlagValue(option, raw);
  }
  return values;
}

/**
 * Reads the run options from commander's parsed values and checks each against the schema and the
 * task: a bad value names the flag, the accepted values and the text received; an option that does
 * not apply to the task names both.
 */
export function runOptionsFromCli(
  task: string,
  opts: Record<string, unknown>,
  choice: RunFlagChoice = {},
): RunOverrides {
  const spec = getTask(task);
  const run: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  for (const option of chosen(choice)) {
    const raw = opts[attribute(option)];
    if (raw === undefined) continue;
    if (!appliesTo(option, spec)) throw new Error(notApplicableMessage(option, spec));
    (option.group === 'data' ? data : run)[option.key] = parseFlagValue(option, raw);
  }
  const model = parseModelOptions((opts.model as string[] | undefined) ?? []);
  return { ...run, model, data } as RunOverrides;
}

/** The README's "Run options" table, from the schema (`npx tsx scripts/run-options-table.ts`). */
export function runOptionsMarkdown(): string {
  const rows = OPTIONS.map((o) => {
    const key = o.group === 'data' ? `data.${o.key}` : o.key;
    const scope = o.scope === 'all' ? 'all' : `${o.scope} tasks`;
    const flag = o.valueName === undefined ? `${o.flag}, --no-${o.flag.slice(2)}` : flagText(o);
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    return `| \`${flag}\` | \`${key}\` | ${scope} | ${cell(o.type.accepts)} | ${cell(describeDefault(o).replace(/^default (per task: )?/, ''))} | ${cell(o.help)} |`;
  });
  return [
    '| flag | run.json key | tasks | accepts | default | meaning |',
    '|---|---|---|---|---|---|',
    ...rows,
    "| `--model <key=value>` | `model` | all | the model kind's keys (repeatable) | the task's model | model options, e.g. depth=3, width=256, channels=16,32 |",
  ].join('\n');
}
