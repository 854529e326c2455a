import { type ActivationName, registry } from './index.js';
import type { ActivationSpec, ParamSpec, Params } from './spec.js';

const byName = new Map<string, ActivationSpec<ActivationName>>();
for (const spec of registry) {
  for (const key of [spec.name, ...spec.aliases]) {
    if (byName.has(key)) throw new Error(`gatelab: duplicate activation name or alias '${key}'`);
    byName.set(key, spec);
  }
}

/** Canonical names of every activation, in registry order. */
export function activationNames(): ActivationName[] {
  return registry.map((spec) => spec.name);
}

/** The spec for a canonical name or alias; an unknown name throws an error listing the valid ones. */
export function getSpec(name: string): ActivationSpec<ActivationName> {
  if (typeof name !== 'string') {
    throw new TypeError(`gatelab: an activation name must be a string, got ${describeValue(name)}`);
  }
  const key = name.trim().toLowerCase().replace(/-/g, '_');
  const spec = byName.get(key);
  if (spec === undefined) {
    const aliases = registry.flatMap((s) => s.aliases.map((a) => `${a} (= ${s.name})`));
    throw new Error(
      `gatelab: unknown activation '${name}'. Valid names: ${activationNames().join(', ')}; aliases: ${aliases.join(', ')}`,
    );
  }
  return spec;
}

/** A received value as an error message shows it: the string '2', the bigint 1n, null, an array. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null)
    return typeof value === 'boolean' ? `the boolean ${value}` : String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return `the symbol ${String(value)}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** "(0, Infinity)", "[1, 64] (integer)" and the like. */
export function describeRange(param: ParamSpec): string {
  const lo = `${param.minInclusive ? '[' : '('}${param.min}`;
  const hi = `${param.max}${param.maxInclusive ? ']' : ')'}`;
  return `${lo}, ${hi}${param.integer ? ' (integer)' : ''}`;
}

function inRange(param: ParamSpec, value: number): boolean {
  if (Number.isNaN(value)) return false;
  // Infinity is valid only where the range says so (softplus threshold = Infinity disables the rule).
  if (value === Number.POSITIVE_INFINITY && !(param.max === value && param.maxInclusive)) return false;
  if (value === Number.NEGATIVE_INFINITY && !(param.min === value && param.minInclusive)) return false;
  if (param.integer && !Number.isInteger(value)) return false;
  const aboveMin = param.minInclusive ? value >= param.min : value > param.min;
  const belowMax = param.maxInclusive ? value <= param.max : value < param.max;
  return aboveMin && belowMax;
}

/**
 * Fills defaults and validates every parameter. Parameters that are not an object, or a value that
 * is not a number (a string, a bigint, null), throw a TypeError; an unknown parameter name or an
 * out-of-range value throws a RangeError naming the parameter and its valid range.
 */
export function resolveParams(spec: ActivationSpec, given: Readonly<Record<string, unknown>> = {}): Params {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    const example = spec.params.length > 0 ? `{ ${spec.params[0].name}: ${spec.params[0].default} }` : '{}';
    throw new TypeError(
      `gatelab: ${spec.name} parameters must be an object such as ${example}, got ${describeValue(given)}`,
    );
  }
  const known = new Set(spec.params.map((p) => p.name));
  for (const key of Object.keys(given)) {
    if (given[key] === undefined) continue;
    if (!known.has(key)) {
      const valid = spec.params.length > 0 ? spec.params.map((p) => p.name).join(', ') : 'none';
      throw new RangeError(`gatelab: ${spec.name} has no parameter '${key}' (its parameters: ${valid})`);
    }
  }
  const resolved: Record<string, number> = {};
  for (const param of spec.params) {
    const raw = given[param.name];
    const value = raw === undefined ? param.default : raw;
    if (typeof value !== 'number') {
      throw new TypeError(
        `gatelab: ${spec.name} parameter '${param.name}' must be a number in ${describeRange(param)}, got ${describeValue(value)}`,
      );
    }
    if (!inRange(param, value)) {
      throw new RangeError(
        `gatelab: ${spec.name} parameter '${param.name}' must be a number in ${describeRange(param)}, got ${String(value)}`,
      );
    }
    resolved[param.name] = value;
  }
  return Object.freeze(resolved);
}
