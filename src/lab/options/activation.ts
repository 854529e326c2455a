/**
 * The one grammar for choosing activations with parameters, used by every command: an activation is
 * `name` or `name:k=v:k=v` (e.g. `golu:gamma=2:beta=0.5`); a `--param` entry is `k=v` or
 * `activation.k=v` (e.g. `golu.beta=2`), for `train` and for the commands that take several activations.
 */
import { activationNames, describeRange, getSpec, resolveParams } from '../../activations/resolve.js';
import type { ActivationSpec } from '../../activations/spec.js';
import type { ActivationChoice } from '../models/activation-spec.js';

/** One `[activation.]key=value` entry, split (the value is still text). */
export interface ParamEntry {
  /** The activation it is meant for (`golu.beta=2`), if named. */
  scope?: string;
  key: string;
  raw: string;
}

/** Splits `k=v` or `activation.k=v`; anything else is an error showing both forms. */
export function parseParamEntry(text: string): ParamEntry {
  const match = /^(?:([A-Za-z0-9_-]+)\.)?([A-Za-z_]\w*)=(.*)$/.exec(text.trim());
  if (!match)
    throw new Error(
      `parameter '${text}' must look like name=value or activation.name=value, e.g. beta=0.5 or golu.beta=0.5`,
    );
  const [, scope, key, raw] = match;
  return scope === undefined ? { key, raw: raw.trim() } : { scope, key, raw: raw.trim() };
}

/** The number of a parameter's text; text that is not a number names the parameter and its range. */
function paramValue(spec: ActivationSpec, key: string, raw: string): number {
  const value = raw === '' ? Number.NaN : Number(raw);
  const param = spec.params.find((p) => p.name === key);
  if (Number.isNaN(value) && raw !== 'NaN') {
    const range = param !== undefined ? ` must be a number in ${describeRange(param)}, got` : ':';
    throw new Error(`gatelab: ${spec.name} parameter '${key}'${range} '${raw}' (not a number)`);
  }
  return value;
}

/** A name plus `k=v` entries -> a validated activation choice (catalog name, parameter ranges). */
export function activationChoice(name: string, paramEntries: readonly string[] = []): ActivationChoice {
  const spec = getSpec(name.trim());
  const params: Record<string, number> = {};
  for (const text of paramEntries) {
    const entry = parseParamEntry(text);
    if (entry.scope !== undefined && getSpec(entry.scope).name !== spec.name)
      throw new Error(`parameter '${text}' is for ${entry.scope}, but the activation is ${spec.name}`);
    if (entry.key in params) throw new Error(`parameter '${entry.key}' is given twice for ${spec.name}`);
    params[entry.key] = paramValue(spec, entry.key, entry.raw);
  }
  resolveParams(spec, params); // throws a RangeError naming the parameter, its range and the value
  return choiceInSpecOrder(spec, params);
}

/**
 * The choice with its parameters in the catalog's order (golu: alpha, beta, gamma), whatever order they
 * were written in: `golu:gamma=1:beta=2` and `golu:beta=2:gamma=1` are one activation, with one label,
 * one run.json text and so one sweep trial id.
 */
export function choiceInSpecOrder(
  spec: ActivationSpec,
  params: Readonly<Record<string, number>>,
): ActivationChoice {
  const ordered = spec.params
    .filter((p) => params[p.name] !== undefined)
    .map((p) => [p.name, params[p.name]] as const);
  return ordered.length > 0 ? { name: spec.name, params: Object.fromEntries(ordered) } : { name: spec.name };
}

/** The grammar's text of a choice: { name: 'golu', params: { gamma: 2 } } -> "golu:gamma=2". */
export function activationSpecText(choice: ActivationChoice): string {
  return [choice.name, ...Object.entries(choice.params ?? {}).map(([k, v]) => `${k}=${v}`)].join(':');
}

/** "golu:gamma=2:beta=0.5" -> { name: 'golu', params: { beta: 0.5, gamma: 2 } } (parameters in the catalog order). */
export function parseActivationSpec(text: string): ActivationChoice {
  const [name, ...params] = text.trim().split(':');
  if (name.trim() === '') throw new Error(`activation '${text}' has no name, e.g. golu or golu:gamma=2`);
  return activationChoice(name, params);
}

/**
 * "relu,gelu,golu:gamma=2" -> activation choices. Empty items and the same activation twice are errors
 * (`what` names the option in messages).
 */
export function parseActivationList(text: string, what = '--activations'): ActivationChoice[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.every((s) => s.length === 0))
    throw new Error(`${what} needs at least one name, e.g. relu,gelu,golu; got '${text}'`);
  if (items.some((s) => s.length === 0))
    throw new Error(`${what} has an empty item (a doubled or trailing comma): '${text}'`);
  const choices = items.map(parseActivationSpec);
  const seen = new Map<string, string>();
  choices.forEach((choice, i) => {
    const key = JSON.stringify([choice.name, Object.entries(choice.params ?? {}).sort()]);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new Error(`${what} lists the same activation twice ('${earlier}' and '${items[i]}'): '${text}'`);
    seen.set(key, items[i]);
  });
  return choices;
}

/**
 * Repeated `--param` entries for several activations (same grammar as above): `k=v` applies to every
 * chosen activation that has a parameter k (an error if none has it), `name.k=v` to that one only.
 */
export function paramsByActivation(
  names: readonly string[],
  assignments: readonly string[],
): Map<string, Record<string, number>> {
  const result = new Map<string, Record<string, number>>(names.map((n) => [n, {}]));
  for (const text of assignments) {
    const { scope, key, raw } = parseParamEntry(text);
    const targets = scope === undefined ? names : [getSpec(scope).name];
    let used = false;
    for (const name of targets) {
      if (!result.has(name))
        throw new Error(`--param '${text}': ${name} is not among the chosen activations`);
      const spec = getSpec(name);
      if (spec.params.some((p) => p.name === key)) {
        result.get(name)![key] = paramValue(spec, key, raw);
        used = true;
      } else if (scope !== undefined) {
        const valid = spec.params.map((p) => p.name);
        throw new Error(
          `--param '${text}': ${name} has no parameter '${key}' (its parameters: ${valid.join(', ') || 'none'})`,
        );
      }
    }
    if (!used) throw new Error(`--param '${text}': none of ${names.join(', ')} has a parameter '${key}'`);
  }
  return result;
}

/** Canonical names for the given names/aliases (all activations when none given), duplicates removed. */
export function resolveNames(names: readonly string[]): string[] {
  const chosen = names.length === 0 ? activationNames() : names.map((n) => getSpec(n).name);
  return [...new Set(chosen)];
}
