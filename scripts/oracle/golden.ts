/**
 * The golden fixture format (test/fixtures/golden.json, written by scripts/make-golden.ts) and its
 * loader.
 */
import { readFileSync } from 'node:fs';
import type { OracleParams } from './activations.js';

/** A double as a string that parses back to it exactly, -0, NaN and +-Infinity included. */
export function doubleString(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

export interface GoldenPoint {
  /** The input (parse with Number()). */
  x: string;
  /** f(x) and f'(x) to GOLDEN_DIGITS significant digits ('NaN', 'Infinity' allowed). */
  value: string;
  derivative: string;
  /** The nearest doubles to them. */
  valueDouble: string;
  derivativeDouble: string;
}

export interface GoldenSet {
  name: string;
  /** Parameters (missing ones take the defaults). */
  params: OracleParams;
  points: GoldenPoint[];
}

export interface GoldenFile {
  generatedBy: string;
  command: string;
  generatedAt: string;
  oracle: string;
  digits: number;
  seed: number;
  sets: GoldenSet[];
}

/** Reads and checks a golden file; a corrupt file throws an error naming the file and the problem. */
export function loadGolden(file: string): GoldenFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `golden: cannot read ${file}: ${(error as Error).message} (regenerate with npm run golden)`,
    );
  }
  const g = parsed as GoldenFile;
  if (
    typeof g !== 'object' ||
    g === null ||
    !Array.isArray(g.sets) ||
    g.generatedBy !== 'scripts/make-golden.ts'
  ) {
    throw new Error(`golden: ${file} is not a golden file written by scripts/make-golden.ts`);
  }
  for (const set of g.sets) {
    if (typeof set.name !== 'string' || !Array.isArray(set.points)) {
      throw new Error(`golden: ${file}: a set lacks a name or points`);
    }
    for (const p of set.points) {
      for (const key of ['x', 'value', 'derivative', 'valueDouble', 'derivativeDouble'] as const) {
        if (typeof p[key] !== 'string') throw new Error(`golden: ${file}: ${set.name} point lacks '${key}'`);
      }
    }
  }
  return g;
}
