/**
 * Sweep keys are the run options' command-line names, read through the one run-option schema
 * (src/lab/options): `lr`, `batch-size`, `limit-train`, `model.depth` (= `--model depth=`), and
 * `activation` in the compare grammar (`golu:gamma=2`). A value is checked by its option's type exactly
 * as `gatelab train` checks the flag, and a trial resolves to the same run configuration (run.json) that
 * `train` would run.
 */

import { activationLabel } from '../models/activation-spec.js';
import { parseActivationSpec } from '../options/activation.js';
import { RUN_OPTIONS, type RunOption } from '../options/schema.js';
import { getTask, MODEL_OPTION_KEYS, parseModelOptions } from '../tasks.js';
import {
  appliesTo,
  notApplicableMessage,
  optionMessage,
  type RunConfig,
  type RunOverrides,
  resolveRunConfig,
} from '../train/config.js';
import type { SweepValue } from './file.js';
import type { TrialResolver } from './plan.js';

const OPTIONS = RUN_OPTIONS as readonly RunOption[];

/** The option a sweep key names (its flag without the dashes), or undefined. */
function optionFor(key: string): RunOption | undefined {
  return OPTIONS.find((o) => o.flag === `--${key}`);
}

function validKeys(): string {
  return [
    'activation',
    ...OPTIONS.filter((o) => o.key !== 'seed').map((o) => o.flag.slice(2)),
    'model.<option>',
  ].join(', ');
}

/** One key's value as a checked run-option value (text through the flag parser, numbers/booleans as JSON). */
function optionValue(option: RunOption, value: SweepValue): unknown {
  try {
    return typeof value === 'string' ? option.type.parse(value) : option.type.fromJson(value);
  } catch {
    throw new RangeError(optionMessage(option, value));
  }
}

function activationOf(value: SweepValue | undefined) {
  if (value === undefined) return parseActivationSpec('relu');
  if (typeof value !== 'string')
    throw new Error(`expected an activation such as golu or golu:gamma=2, got ${value}`);
  return parseActivationSpec(value);
}

/** Sweep options -> run overrides (the shape `resolveRunConfig` takes). */
function overrides(task: string, options: Readonly<Record<string, SweepValue>>): RunOverrides {
  const spec = getTask(task);
  const run: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  const model: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (key === 'activation') continue;
    if (key.startsWith('model.')) {
      const name = key.slice('model.'.length);
      const allowed = Object.keys(MODEL_OPTION_KEYS[spec.model]);
      if (!allowed.includes(name)) {
        throw new Error(
          `'${name}' is not an option of the ${spec.model} model (task ${task}); valid: ${allowed.join(', ')}`,
        );
      }
      model.push(`${name}=${value}`);
      continue;
    }
    if (key === 'seed') throw new Error("set seeds with the top-level 'seeds:' key (a count or a list)");
    const option = optionFor(key);
    if (option === undefined) throw new Error(`'${key}' is not a run option; valid: ${validKeys()}`);
    if (!appliesTo(option, spec)) throw new Error(notApplicableMessage(option, spec));
    (option.group === 'data' ? data : run)[option.key] = optionValue(option, value);
  }
  return { ...run, model: parseModelOptions(model), data } as RunOverrides;
}

/**
 * The resolver of sweep keys through the run-option schema. `base`: run options every trial starts from
 * (`compare`'s flags), under the sweep's own keys.
 */
export function schemaTrialResolver(base: RunOverrides = {}): TrialResolver {
  const over = (task: string, options: Readonly<Record<string, SweepValue>>): RunOverrides => {
    const own = overrides(task, options);
    return {
      ...base,
      ...own,
      model: { ...base.model, ...own.model },
      data: { ...base.data, ...own.data },
    };
  };
  return {
    checkOption(task, key, value) {
      if (key === 'task') {
        getTask(String(value));
        return;
      }
      if (key === 'activation') {
        activationOf(value);
        return;
      }
      resolveRunConfig(task, activationOf(undefined), over(task, { [key]: value }));
    },
    resolve(task, options, seed): RunConfig {
      return resolveRunConfig(task, activationOf(options.activation), { ...over(task, options), seed });
    },
    label(key, value) {
      return key === 'activation' ? activationLabel(activationOf(value)) : String(value);
    },
  };
}
