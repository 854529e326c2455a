/**
 * `npm run golden`: writes test/fixtures/golden.json, the oracle's values and derivatives of every
 * activation at ~200 inputs (special values, kinks, roots of the derivative, a grid, and seeded
 * log-uniform random points, half of them float32-representable), plus a few non-default
 * parameter sets. test/accuracy.test.ts checks the catalog against it.
 *
 * Values are stored as decimal strings with GOLDEN_DIGITS significant digits (far more than the
 * ~17 a double needs, so a test can measure fractions of an ulp) and as the nearest double.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nextDown, nextUp } from '../src/math/float.js';
import { ORACLE_DIGITS } from './oracle/decimal.js';
import { doubleString, type GoldenFile, type GoldenPoint, type GoldenSet } from './oracle/golden.js';
import { type OracleParams, oracleDerivative, oracleNames, oracleValue } from './oracle/index.js';
import { decimalString } from './oracle/reference.js';
import { criticalPoints, logUniform, SeededRandom, specialValues } from './oracle/sampling.js';

/** Significant digits stored per value. */
const GOLDEN_DIGITS = 32;
const SEED = 20250213;
const OUTPUT = fileURLToPath(new URL('../test/fixtures/golden.json', import.meta.url));

/** Non-default parameter sets: each exercises a parameter away from its default. */
const VARIANTS: Record<string, OracleParams[]> = {
  golu: [
    { alpha: 1.5, beta: 0.5, gamma: 2 },
    { alpha: 0.75, beta: 3, gamma: 0.25 },
  ],
  gompertz: [{ alpha: 2, beta: 0.5, gamma: 1.5 }],
  gem: [{ n: 2 }, { n: 3 }],
  egem: [
    { n: 2, epsilon: 0.01 },
    { n: 1, epsilon: 1e-8 },
  ],
  segem: [{ n: 2, epsilon: 0.001, lambda: 0.1 }],
  leaky_relu: [{ slope: 0.2 }],
  prelu: [{ slope: 0.05 }],
  elu: [{ alpha: 0.5 }],
  celu: [{ alpha: 2.5 }],
  softplus: [
    { beta: 2, threshold: 10 },
    { beta: 0.5, threshold: 20 },
  ],
  swish: [{ beta: 0.5 }, { beta: 1.702 }],
  squareplus: [{ b: 1 }, { b: 0.01 }, { b: 100 }],
};

function inputs(name: string, params: OracleParams, random: SeededRandom, full: boolean): number[] {
  const xs: number[] = [];
  const push = (x: number) => {
    if (!xs.some((v) => Object.is(v, x))) xs.push(x);
  };
  for (const x of specialValues()) push(x);
  for (const x of criticalPoints(name, params)) push(x);
  // A grid through the curved region, and the neighbours of 0.
  const step = full ? 0.5 : 1;
  for (let x = -12; x <= 12; x += step) push(x);
  push(nextUp(0));
  push(nextDown(0));
  const target = full ? 200 : 110;
  const randomCount = Math.max(20, target - xs.length);
  const wide = logUniform(random, randomCount, 1e-300, 1e3);
  const core = logUniform(random, randomCount, 1e-3, 40);
  for (let i = 0; i < randomCount; i++) {
    // Half from the curved region, half float32-representable so the float32 test has inputs.
    const x = i % 2 === 0 ? core[i] : wide[i];
    push(i % 4 < 2 ? Math.fround(x) : x);
  }
  return xs;
}

function goldenSet(name: string, params: OracleParams, random: SeededRandom, full: boolean): GoldenSet {
  const points = inputs(name, params, random, full).map((x): GoldenPoint => {
    const value = oracleValue(name, x, params);
    const derivative = oracleDerivative(name, x, params);
    return {
      x: doubleString(x),
      value: decimalString(value, GOLDEN_DIGITS),
      derivative: decimalString(derivative, GOLDEN_DIGITS),
      valueDouble: doubleString(value.toNumber()),
      derivativeDouble: doubleString(derivative.toNumber()),
    };
  });
  return { name, params, points };
}

function main(): void {
  const started = Date.now();
  const sets: GoldenSet[] = [];
  for (const name of oracleNames()) {
    const random = new SeededRandom(SEED ^ (name.length * 0x9e3779b1));
    sets.push(goldenSet(name, {}, random, true));
    for (const params of VARIANTS[name] ?? []) sets.push(goldenSet(name, params, random, false));
  }
  const file: GoldenFile = {
    generatedBy: 'scripts/make-golden.ts',
    command: 'npm run golden',
    generatedAt: new Date().toISOString(),
    oracle: `decimal.js at ${ORACLE_DIGITS} significant digits (scripts/oracle); values stored to ${GOLDEN_DIGITS} digits`,
    digits: GOLDEN_DIGITS,
    seed: SEED,
    sets,
  };
  // One point per line: readable diffs when the oracle or the sampling changes.
  const lines = [
    '{',
    ...Object.entries(file)
      .filter(([k]) => k !== 'sets')
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    '  "sets": [',
    sets
      .map(
        (s) =>
          `    {\n      "name": ${JSON.stringify(s.name)},\n      "params": ${JSON.stringify(s.params)},\n      "points": [\n${s.points
            .map((p) => `        ${JSON.stringify(p)}`)
            .join(',\n')}\n      ]\n    }`,
      )
      .join(',\n'),
    '  ]',
    '}',
  ];
  writeFileSync(OUTPUT, `${lines.join('\n')}\n`);
  const count = sets.reduce((a, s) => a + s.points.length, 0);
  console.log(
    `wrote ${OUTPUT}: ${sets.length} sets, ${count} points, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main();
