/**
 * Value types of run options: each knows how to read command-line text and JSON values, how to write a
 * value back, and how to say what it accepts ("an integer in [1, Infinity)") for help and messages.
 */
import { parseSchedule, type ScheduleSpec } from '../optim/schedule.js';

export interface ValueType<T> {
  /** What the option accepts, for help and error messages, e.g. "an integer in [1, Infinity)". */
  readonly accepts: string;
  /** Command-line text -> value. Throws an Error with the reason (without the option name). */
  parse(text: string): T;
  /** A JSON value (run.json) -> value. Throws an Error with the reason (without the option name). */
  fromJson(value: unknown): T;
  /** A value as command-line text (help defaults, descriptions). */
  format(value: T): string;
}

/** Thrown for a value the type does not accept: "expected <accepts>". */
function reject(accepts: string): never {
  throw new Error(`expected ${accepts}`);
}

export interface RangeSpec {
  min?: number;
  max?: number;
  /** min itself is excluded (e.g. a learning rate > 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

function describeRange(r: RangeSpec): string {
  const lo = r.min === undefined ? '(-Infinity' : `${r.minExclusive ? '(' : '['}${r.min}`;
  const hi = r.max === undefined ? 'Infinity)' : `${r.max}${r.maxExclusive ? ')' : ']'}`;
  return `${lo}, ${hi}`;
}

function inRange(value: number, r: RangeSpec): boolean {
  if (r.min !== undefined && (r.minExclusive ? !(value > r.min) : !(value >= r.min))) return false;
  if (r.max !== undefined && (r.maxExclusive ? !(value < r.max) : !(value <= r.max))) return false;
  return true;
}

/** A number type: values that pass `valid` and lie in the range; `fromText` reads the command line. */
function rangedNumberType(
  noun: string,
  valid: (n: number) => boolean,
  range: RangeSpec,
  fromText: (text: string) => number,
): ValueType<number> {
  const accepts = `${noun} in ${describeRange(range)}`;
  const check = (n: unknown): number => {
    if (typeof n !== 'number' || !valid(n) || !inRange(n, range)) reject(accepts);
    return n;
  };
  return { accepts, parse: (text) => check(fromText(text)), fromJson: check, format: String };
}

/** A finite number in a range (decimal or exponent notation on the command line). */
export function numberType(range: RangeSpec = {}): ValueType<number> {
  return rangedNumberType('a number', Number.isFinite, range, (text) =>
    text.trim() === '' ? Number.NaN : Number(text),
  );
}

/** A safe integer in a range. */
export function integerType(range: RangeSpec = {}): ValueType<number> {
  return rangedNumberType('an integer', Number.isSafeInteger, range, (text) =>
    /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : Number.NaN,
  );
}

/** One of a few words. */
export function choiceType<const C extends string>(choices: readonly C[]): ValueType<C> {
  const accepts = `one of ${choices.join(', ')}`;
  const check = (v: unknown): C => {
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) reject(accepts);
    return v as C;
  };
  return { accepts, parse: check, fromJson: check, format: String };
}

/** true/false (a flag on the command line: --x / --no-x). */
export function booleanType(): ValueType<boolean> {
  const accepts = 'true or false';
  const check = (v: unknown): boolean => {
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    return reject(accepts);
  };
  return { accepts, parse: check, fromJson: check, format: String };
}

/** A non-empty string (a path). */
export function textType(what: string): ValueType<string> {
  const accepts = `a non-empty ${what}`;
  const check = (v: unknown): string => {
    if (typeof v !== 'string' || v.trim() === '') reject(accepts);
    return v;
  };
  return { accepts, parse: check, fromJson: check, format: String };
}

/** `inner` or null ("none"); on the command line `none` (and the extra words given) mean null. */
export function nullable<T>(
  inner: ValueType<T>,
  noneWords: readonly string[] = ['none'],
): ValueType<T | null> {
  return {
    accepts: `${inner.accepts}, or ${noneWords.join(' / ')}`,
    parse: (text) => (noneWords.includes(text.trim()) ? null : inner.parse(text)),
    fromJson: (v) => (v === null ? null : inner.fromJson(v)),
    format: (v) => (v === null ? noneWords[0] : inner.format(v)),
  };
}

/** constant | step:EVERY:GAMMA | cosine[:WARMUP[:MIN_RATIO]], checked completely. */
export function scheduleType(): ValueType<ScheduleSpec> {
  const accepts =
    'constant, step:EVERY_STEPS:GAMMA (EVERY_STEPS an integer >= 1, GAMMA > 0) or cosine[:WARMUP_STEPS[:MIN_RATIO]] (WARMUP_STEPS an integer >= 0, MIN_RATIO in [0, 1])';
  const check = (spec: ScheduleSpec): ScheduleSpec => {
    if (spec.kind === 'step') {
      if (!(Number.isSafeInteger(spec.every) && spec.every >= 1)) reject(accepts);
      if (!(Number.isFinite(spec.gamma) && spec.gamma > 0)) reject(accepts);
      return { kind: 'step', every: spec.every, gamma: spec.gamma };
    }
    if (spec.kind === 'cosine') {
      if (!(Number.isSafeInteger(spec.warmup) && spec.warmup >= 0)) reject(accepts);
      if (!(spec.minRatio >= 0 && spec.minRatio <= 1)) reject(accepts);
      return { kind: 'cosine', warmup: spec.warmup, minRatio: spec.minRatio };
    }
    if (spec.kind === 'constant') return { kind: 'constant' };
    return reject(accepts);
  };
  return {
    accepts,
    parse: (text) => {
      let spec: ScheduleSpec;
      try {
        spec = parseSchedule(text.trim());
      } catch {
        return reject(accepts);
      }
      return check(spec);
    },
    fromJson: (v) => {
      if (v === null || typeof v !== 'object') return reject(accepts);
      return check(v as ScheduleSpec);
    },
    format: (s) =>
      s.kind === 'constant'
        ? 'constant'
        : s.kind === 'step'
          ? `step:${s.every}:${s.gamma}`
          : `cosine:${s.warmup}:${s.minRatio}`,
  };
}

/** Distinct names separated by commas (`alpha,beta,gamma`); JSON: an array of strings. */
export function nameListType(what: string): ValueType<string[]> {
  const accepts = `a comma-separated list of distinct ${what} (e.g. alpha,beta,gamma), or none`;
  const check = (names: unknown): string[] => {
    if (!Array.isArray(names)) return reject(accepts);
    if (names.some((n) => typeof n !== 'string' || !/^[A-Za-z_]\w*$/.test(n))) reject(accepts);
    if (new Set(names).size !== names.length) reject(accepts);
    return [...(names as string[])];
  };
  return {
    accepts,
    parse: (text) =>
      check(text.trim() === '' || text.trim() === 'none' ? [] : text.split(',').map((n) => n.trim())),
    fromJson: check,
    format: (names) => (names.length === 0 ? 'none' : names.join(',')),
  };
}
