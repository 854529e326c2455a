/**
 * String activations for tf.layers: `tf.layers.dense({ units: 8, activation: 'golu' })`.
 *
 * tfjs-layers resolves an activation string through the serialization map (`className` -> class) and
 * saves a layer's activation as that className, converted to snake_case in model.json and back to
 * lowerCamelCase on load. So every identifier registered here is lowerCamelCase-stable: `golu`,
 * `geluTanh` (saved as `gelu_tanh`). Names tfjs already owns (`relu`, `gelu`, `mish`, ...) keep the
 * tfjs meaning and get a prefixed twin (`gatelabGelu`); every activation has one. Non-default
 * parameters are encoded in the identifier, e.g. `golu(alpha=2,beta=1,gamma=1)` (see `activationId`).
 */

import type { serialization, Tensor } from '@tensorflow/tfjs';
import { activationNames, getSpec, resolveParams } from '../../activations/resolve.js';
import type { ActivationSpec, Params } from '../../activations/spec.js';
import { camelName } from './names.js';
import { applyActivation } from './ops.js';
import { requireTf, type Tfjs } from './state.js';

/** Activation classNames tfjs-layers 4.22 registers itself; gatelab never takes these names. */
const TFJS_ACTIVATION_NAMES = new Set([
  'elu',
  'selu',
  'relu',
  'relu6',
  'linear',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'tanh',
  'softmax',
  'logSoftmax',
  'gelu',
  'gelu_new',
  'geluNew',
  'mish',
  'swish',
]);

/** What a registered identifier stands for. */
export interface ActivationIdInfo {
  readonly spec: ActivationSpec;
  readonly params: Params;
}

type SerializableConstructor = abstract new (...args: any[]) => serialization.Serializable;

const known = new Map<string, ActivationIdInfo>();
const ours = new WeakSet<object>();

function prefixedName(spec: ActivationSpec): string {
  const camel = camelName(spec.name);
  return `gatelab${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}

function classNameMap(tf: Tfjs): Record<string, [unknown, unknown] | undefined> {
  return tf.serialization.SerializationMap.getMap().classNameMap as Record<
    string,
    [unknown, unknown] | undefined
  >;
}

function takenByOthers(tf: Tfjs, identifier: string): boolean {
  if (TFJS_ACTIVATION_NAMES.has(identifier)) return true;
  const entry = classNameMap(tf)[identifier];
  return entry !== undefined && !ours.has(entry[0] as object);
}

/**
 * The base class tfjs-layers' own activations extend (not exported by tfjs; found through the class
 * registered as 'linear'). Extending it lets an activation *object* be passed as a layer's
 * `activation`, not only a string. Falls back to `tf.serialization.Serializable`.
 */
function activationBase(tf: Tfjs): SerializableConstructor {
  const linear = classNameMap(tf).linear?.[0];
  const base = typeof linear === 'function' ? Object.getPrototypeOf(linear) : undefined;
  if (typeof base === 'function' && base.prototype instanceof tf.serialization.Serializable) {
    return base as SerializableConstructor;
  }
  return tf.serialization.Serializable as unknown as SerializableConstructor;
}

function formatNumber(value: number): string {
  // String(v) round-trips every double and uses only [0-9.e+-]: unchanged by tfjs's case conversions.
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

function parseNumber(text: string): number {
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return text === '' ? Number.NaN : Number(text);
}

function isDefault(spec: ActivationSpec, params: Params): boolean {
  return spec.params.every((param) => params[param.name] === param.default);
}

/** The identifier an activation with default parameters is registered under. */
export function defaultActivationId(spec: ActivationSpec, tf?: Tfjs): string {
  const camel = camelName(spec.name);
  if (TFJS_ACTIVATION_NAMES.has(camel) || TFJS_ACTIVATION_NAMES.has(spec.name)) return prefixedName(spec);
  if (tf !== undefined && takenByOthers(tf, camel)) return prefixedName(spec);
  return camel;
}

function parameterisedId(spec: ActivationSpec, params: Params): string {
  const list = spec.params.map((param) => `${param.name}=${formatNumber(params[param.name])}`).join(',');
  return `${camelName(spec.name)}(${list})`;
}

/** Normalises an identifier the way tfjs-layers does on load (snake_case -> lowerCamelCase). */
export function normaliseIdentifier(identifier: string): string {
  return identifier.replace(/_+(\w|$)/g, (_m, c: string) => c.toUpperCase());
}

const ID_PATTERN = /^([A-Za-z0-9_]+)\((.*)\)$/;

/** Parses `golu(alpha=2,beta=1,gamma=1)` (or its snake_case form) into spec and validated params. */
export function parseActivationId(identifier: string): ActivationIdInfo {
  const match = ID_PATTERN.exec(identifier.trim());
  const base = match === null ? identifier : match[1];
  const spec = specForIdentifier(base) ?? getSpec(base);
  if (match === null) return { spec, params: resolveParams(spec) };
  const given: Record<string, number> = {};
  for (const part of match[2].split(',').filter((p) => p.length > 0)) {
    const [key, raw] = part.split('=');
    const value = raw === undefined ? Number.NaN : parseNumber(raw.trim());
    if (key === undefined || Number.isNaN(value)) {
      throw new RangeError(
        `gatelab/tfjs: cannot read parameter '${part}' in activation identifier '${identifier}'`,
      );
    }
    given[key.trim()] = value;
  }
  return { spec, params: resolveParams(spec, given) };
}

/** The catalog spec an identifier names: canonical name, alias, camelCase or gatelab-prefixed form. */
export function specForIdentifier(identifier: string): ActivationSpec | undefined {
  const camel = normaliseIdentifier(identifier.trim());
  for (const name of activationNames()) {
    const spec = getSpec(name);
    const forms = new Set([...[spec.name, ...spec.aliases].map(camelName), prefixedName(spec)]);
    if (forms.has(camel)) return spec;
  }
  return undefined;
}

/** What a registered (or parseable gatelab) identifier stands for; undefined for tfjs's own names. */
export function describeActivationId(identifier: string): ActivationIdInfo | undefined {
  const direct = known.get(identifier) ?? known.get(normaliseIdentifier(identifier));
  if (direct !== undefined) return direct;
  if (TFJS_ACTIVATION_NAMES.has(normaliseIdentifier(identifier))) return undefined;
  try {
    return ID_PATTERN.test(identifier) || specForIdentifier(identifier)
      ? parseActivationId(identifier)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Registers `identifier` as a tf.layers activation class. A saved model records `reported` (default:
 * the lowerCamelCase form of the identifier, which survives tfjs's snake_case round trip).
 */
function registerIdentifier(
  tf: Tfjs,
  identifier: string,
  info: ActivationIdInfo,
  reported = normaliseIdentifier(identifier),
): void {
  if (known.has(identifier) && classNameMap(tf)[identifier] !== undefined) return;
  if (takenByOthers(tf, identifier)) return;
  const Base = activationBase(tf);
  const { spec, params } = info;
  const cls = class extends Base {
    static readonly className = identifier;
    override getClassName(): string {
      return reported;
    }
    apply(x: Tensor): Tensor {
      return applyActivation(spec.name, x, params);
    }
    getConfig(): serialization.ConfigDict {
      return {};
    }
  };
  ours.add(cls);
  tf.serialization.registerClass(
    cls as unknown as serialization.SerializableConstructor<serialization.Serializable>,
  );
  known.set(identifier, info);
}

/**
 * Registers every catalog activation with default parameters under its identifiers: the lowerCamelCase
 * name when tfjs does not own it (`golu`, `geluTanh`, `leakyRelu`), the snake_case spelling users write
 * (`gelu_tanh`), the aliases, and the prefixed twin (`gatelabGolu`). Idempotent.
 */
export function registerActivationClasses(tf: Tfjs): string[] {
  const identifiers: string[] = [];
  for (const name of activationNames()) {
    const spec = getSpec(name);
    const info = { spec, params: resolveParams(spec) };
    const primary = defaultActivationId(spec, tf);
    const candidates = new Set([primary, prefixedName(spec)]);
    for (const spelling of [spec.name, ...spec.aliases]) {
      const camel = camelName(spelling);
      if (!TFJS_ACTIVATION_NAMES.has(camel) && !TFJS_ACTIVATION_NAMES.has(spelling)) {
        candidates.add(camel);
        candidates.add(spelling);
      }
    }
    for (const identifier of candidates) {
      registerIdentifier(tf, identifier, info);
      if (known.has(identifier)) identifiers.push(identifier);
    }
    // Kebab-case spellings (`se-gem`, `leaky-relu`), as the catalog accepts them; a saved model
    // records the primary identifier.
    for (const spelling of [spec.name, ...spec.aliases]) {
      const kebab = spelling.replace(/_/g, '-');
      if (kebab === spelling) continue;
      registerIdentifier(tf, kebab, info, primary);
      if (known.has(kebab)) identifiers.push(kebab);
    }
  }
  return identifiers;
}

/**
 * The `activation` string for a catalog activation with parameters, registered so tf.layers accepts
 * it: `activationId('golu')` is `'golu'`, `activationId('golu', { alpha: 2 })` is
 * `'golu(alpha=2,beta=1,gamma=1)'`. An identifier string is registered as written too, so after
 * `activationId('golu(gamma=2)')` a layer may use `activation: 'golu(gamma=2)'` (a saved model records
 * the canonical `golu(alpha=1,beta=1,gamma=2)`). A saved model reloads after the same call in the
 * loading program.
 */
export function activationId(nameOrId: string, params: Readonly<Record<string, number>> = {}): string {
  const tf = requireTf('activationId');
  const written = nameOrId.trim();
  const parsed = ID_PATTERN.test(written) ? parseActivationId(written) : undefined;
  const spec = parsed?.spec ?? specForIdentifier(written) ?? getSpec(written);
  const resolved = parsed?.params ?? resolveParams(spec, params);
  const identifier = isDefault(spec, resolved)
    ? defaultActivationId(spec, tf)
    : parameterisedId(spec, resolved);
  const info = { spec, params: resolved };
  registerIdentifier(tf, identifier, info);
  if (parsed !== undefined && written !== identifier) registerIdentifier(tf, written, info, identifier);
  return identifier;
}
