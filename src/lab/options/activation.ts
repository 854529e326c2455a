/**
 * The one grammar for choosing an activation with parameters, used by every command:
 * `name` or `name:k=v:k=v` (e.g. `golu:gamma=2:beta=0.5`); `--param k=v` entries use the same `k=v`.
 */
import { describeRange, getSpec, resolveParams } from '../../activations/resolve.js';
import type { ActivationChoice } from '../models/activationSpec.js';

/** A name plus `k=v` entries -> a validated activation choice (catalog name, parameter ranges). */
export function activationChoice(name: string, paramEntries: readonly string[] = []): ActivationChoice {
  const spec = getSpec(name.trim());
  const params: Record<string, number> = {};
  for (const entry of paramEntries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new Error(
        `activation parameter '${entry}' must look like name=value, e.g. beta=0.5 (parameters of ${spec.name}: ${spec.params.map((p) => p.name).join(', ') || 'none'})`,
      );
    }
    const key = entry.slice(0, eq).trim();
    const raw = entry.slice(eq + 1).trim();
    if (key in params) throw new Error(`activation parameter '${key}' is given twice for ${spec.name}`);
    const param = spec.params.find((p) => p.name === key);
    const value = raw === '' ? Number.NaN : Number(raw);
    if (param !== undefined && Number.isNaN(value) && raw !== 'NaN') {
      throw new Error(
        `gatelab: ${spec.name} parameter '${key}' must be a number in ${describeRange(param)}, got '${raw}'`,
      );
    }
    params[key] = value;
  }
  resolveParams(spec, params); // throws a RangeError naming the parameter, its range and the value
  return Object.keys(params).length > 0 ? { name: spec.name, params } : { name: spec.name };
}

/** "golu:gamma=2:beta=0.5" -> { name: 'golu', params: { gamma: 2, beta: 0.5 } }. */
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
