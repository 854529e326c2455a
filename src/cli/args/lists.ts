/** Shared command-line list parsing: repeatable options and comma-separated lists. */
import { MAX_SEED, runOption } from '../../lab/options/schema.js';

/** Commander collector of a repeatable option: `--param a=1 --param b=2` -> ['a=1', 'b=2']. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Comma-separated items; an empty item (`1,,2`, `5,`) is an error naming the option. */
export function splitList(text: string, what: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s.length === 0)) {
    throw new Error(`${what} has an empty item (a doubled, leading or trailing comma): '${text}'`);
  }
  return items;
}

/** Throws if a list repeats an item. */
function checkDistinct(items: readonly number[], text: string, what: string, noun: string): void {
  const repeated = items.find((v, i) => items.indexOf(v) !== i);
  if (repeated !== undefined) throw new Error(`${what}: '${text}' repeats the ${noun} ${repeated}`);
}

/** The most seeds `--seeds N` may ask for (each is a full training run). */
export const MAX_SEED_COUNT = 1000;

/** "3" -> seeds 0, 1, 2; "0,5,9" -> those seeds (distinct, each in [0, 2^32 - 1]). */
export function parseSeeds(text: string, what = '--seeds'): number[] {
  const usage = `a count in [1, ${MAX_SEED_COUNT}] (e.g. 3 = seeds 0,1,2) or a list of distinct seeds in [0, ${MAX_SEED}] (e.g. 0,5,9)`;
  if (text.includes(',')) {
    const seeds = splitList(text, what).map((item) => {
      const seed = /^\d+$/.test(item) ? Number(item) : Number.NaN;
      if (!(Number.isSafeInteger(seed) && seed <= MAX_SEED))
        throw new Error(`${what} must be ${usage}; the item '${item}' of '${text}' is not a seed`);
      return seed;
    });
    checkDistinct(seeds, text, what, 'seed');
    return seeds;
  }
  const count = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_SEED_COUNT)) {
    throw new Error(`${what} must be ${usage}, got '${text}'`);
  }
  return Array.from({ length: count }, (_, i) => i);
}

/** "0.1,0.01,0.001" -> learning rates (positive, distinct), checked like --lr. */
export function parseLearningRates(text: string, what = '--lrs'): number[] {
  const lr = runOption('lr')!;
  const items = text.split(',').map((s) => s.trim());
  const lrs = items.map((item) => {
    try {
      return lr.type.parse(item) as number;
    } catch {
      throw new Error(
        `${what}: '${text}' is not a comma-separated list of positive learning rates: the item '${item}' must be ${lr.type.accepts}`,
      );
    }
  });
  checkDistinct(lrs, text, what, 'learning rate');
  return lrs;
}

/** Comma-separated numbers, e.g. "-1,0,1". */
export function parseNumberList(text: string, what: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const numbers = values.map(Number);
  if (values.some((s) => s === '') || numbers.some((n) => !Number.isFinite(n))) {
    throw new Error(`${what}: '${text}' is not a comma-separated list of numbers`);
  }
  return numbers;
}

export function parseFiniteNumber(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new Error(`${what}: '${text}' is not a finite number`);
  return value;
}

/** A whole number >= min for a flag; the message names the flag, the range and the text. */
export function parseInteger(text: string, flag: string, min = 1): number {
  const value = /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min))
    throw new Error(`${flag} must be an integer in [${min}, Infinity), got '${text}'`);
  return value;
}
