/**
 * `npm run root-expansions`: writes src/activations/generated/root-expansions.ts.
 *
 * Near a zero r of f' (GELU's at -0.7518, Swish's at -1.2785, ...; GoLU's, at -W(1/beta) for every
 * beta, has a closed form instead: src/math/gompertz.ts), any float64
 * formula of the form "a + b" with a ~ -b leaves an absolute error of a few ulp(1), which is an
 * unbounded number of ulp of the tiny result. There we evaluate f'(x) = d * Q(d), d = x - r, with r
 * stored as three doubles (so d is exact to ~1e-48) and Q a polynomial interpolating f'(r + d) / d
 * at Chebyshev nodes, computed by the decimal.js oracle at 60 digits. The script checks every
 * expansion on a dense grid in float64 evaluation against the oracle and reports the worst ulp.
 */
import { writeFileSync } from 'node:fs';
import type Decimal from 'decimal.js';
import { twoSum } from '../src/math/double-double.js';
import { Dec, exactDecimal, withDigits } from './oracle/decimal.js';
import { oracleAtDecimal } from './oracle/index.js';

interface Target {
  /** Export name in the generated file. */
  readonly id: string;
  /** Oracle activation whose derivative is expanded (default parameters unless given). */
  readonly oracle: string;
  readonly params?: Record<string, number>;
  /** Bracket of the root of f'. */
  readonly bracket: readonly [number, number];
  /** Half-width of the window around the root where the expansion is used. */
  readonly halfWidth: number;
  readonly degree: number;
  readonly note: string;
}

const TARGETS: readonly Target[] = [
  { id: 'GELU', oracle: 'gelu', bracket: [-0.9, -0.6], halfWidth: 0.3, degree: 27, note: "gelu'(x)" },
  {
    id: 'GELU_TANH',
    oracle: 'gelu_tanh',
    bracket: [-0.9, -0.6],
    halfWidth: 0.3,
    degree: 27,
    note: "gelu_tanh'(x)",
  },
  {
    id: 'SILU',
    oracle: 'swish',
    bracket: [-1.4, -1.1],
    halfWidth: 0.45,
    degree: 27,
    note: 'd/dz z sigmoid(z) (swish with beta = 1); swish and gelu_sigmoid evaluate it at z = beta x',
  },
  { id: 'MISH', oracle: 'mish', bracket: [-1.3, -1.1], halfWidth: 1, degree: 39, note: "mish'(x)" },
  { id: 'FMISH', oracle: 'fmish', bracket: [-0.9, -0.7], halfWidth: 0.3, degree: 27, note: "fmish'(x)" },
];

const GRID = 4001;

function fPrime(t: Target, x: Decimal): Decimal {
  return oracleAtDecimal(t.oracle, 'derivative', x, t.params ?? {});
}

function findRoot(t: Target): Decimal {
  let lo = new Dec(t.bracket[0]);
  let hi = new Dec(t.bracket[1]);
  let flo = fPrime(t, lo);
  for (let i = 0; i < 220; i++) {
    const mid = lo.plus(hi).div(2);
    const fm = fPrime(t, mid);
    if (fm.isZero()) return mid;
    if (fm.isNegative() === flo.isNegative()) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return lo.plus(hi).div(2);
}

/** Solves V c = y (Gaussian elimination with partial pivoting) in decimal arithmetic. */
function solve(matrix: Decimal[][], rhs: Decimal[]): Decimal[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (a[r][col].abs().gt(a[pivot][col].abs())) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = a[r][col].div(a[col][col]);
      for (let c = col; c <= n; c++) a[r][c] = a[r][c].minus(factor.times(a[col][c]));
    }
  }
  const x = new Array<Decimal>(n);
  for (let r = n - 1; r >= 0; r--) {
    let acc = a[r][n];
    for (let c = r + 1; c < n; c++) acc = acc.minus(a[r][c].times(x[c]));
    x[r] = acc.div(a[r][r]);
  }
  return x;
}

function splitTriple(r: Decimal): [number, number, number] {
  const r1 = r.toNumber();
  const rest1 = r.minus(exactDecimal(r1));
  const r2 = rest1.toNumber();
  const r3 = rest1.minus(exactDecimal(r2)).toNumber();
  return [r1, r2, r3];
}

/** The float64 evaluation the library performs (kept in sync with src/math/root-expansion.ts). */
function evaluate(x: number, root: readonly number[], coefficients: readonly number[]): number {
  const [s, e] = twoSum(x, -root[0]);
  const [t, f] = twoSum(s, -root[1]);
  const d = t + (f + e - root[2]);
  let q = coefficients[coefficients.length - 1];
  for (let i = coefficients.length - 2; i >= 0; i--) q = q * d + coefficients[i];
  return d * q;
}

function ulpOf(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -1022) return 2 ** -1074;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

const blocks: string[] = [];
const report: string[] = [];
withDigits(60, () => {
  for (const t of TARGETS) {
    const root = findRoot(t);
    const h = new Dec(t.halfWidth);
    const n = t.degree + 1; // even, so no node sits on the root itself (0/0)
    if (n % 2 !== 0) throw new Error(`${t.id}: use an odd degree`);
    const nodes: Decimal[] = [];
    const values: Decimal[] = [];
    const pi = Dec.acos(-1);
    for (let k = 0; k < n; k++) {
      const d = h.times(Dec.cos(pi.times(2 * k + 1).div(2 * n)));
      nodes.push(d);
      values.push(fPrime(t, root.plus(d)).div(d));
    }
    const vandermonde = nodes.map((d) => Array.from({ length: n }, (_, j) => d.pow(j)));
    const coefficients = solve(vandermonde, values).map((c) => c.toNumber());
    const rootParts = splitTriple(root);
    let worst = 0;
    let worstAt = 0;
    for (let i = 0; i < GRID; i++) {
      const x = rootParts[0] - t.halfWidth + (2 * t.halfWidth * i) / (GRID - 1);
      const got = evaluate(x, rootParts, coefficients);
      const want = fPrime(t, exactDecimal(x));
      const err = exactDecimal(got)
        .minus(want)
        .abs()
        .div(exactDecimal(ulpOf(want.toNumber())))
        .toNumber();
      if (err > worst) {
        worst = err;
        worstAt = x;
      }
    }
    // The double nearest the root, where cancellation is worst.
    const atRoot = evaluate(rootParts[0], rootParts, coefficients);
    const wantAtRoot = fPrime(t, exactDecimal(rootParts[0]));
    const errAtRoot = exactDecimal(atRoot)
      .minus(wantAtRoot)
      .abs()
      .div(exactDecimal(ulpOf(wantAtRoot.toNumber())));
    report.push(
      `${t.id.padEnd(11)} root ${root.toSignificantDigits(25).toString().padEnd(30)} max ${worst.toFixed(3)} ulp at ${worstAt} (grid ${GRID}); ${errAtRoot.toNumber().toFixed(3)} ulp at the nearest double`,
    );
    blocks.push(
      [
        `/** ${t.note}: root ${root.toSignificantDigits(30).toString()}, used for |x - root| <= ${t.halfWidth}. Max error on a ${GRID}-point grid: ${worst.toFixed(2)} ulp. */`,
        `export const ${t.id}: RootExpansion = {`,
        `  root: [${rootParts.join(', ')}],`,
        `  halfWidth: ${t.halfWidth},`,
        `  coefficients: [${coefficients.join(', ')}],`,
        '};',
      ].join('\n'),
    );
  }
});

const header = `// Generated by scripts/make-root-expansions.ts (npm run root-expansions) on ${new Date().toISOString().slice(0, 10)}.
// Do not edit: rerun the script. Coefficients are Chebyshev interpolants of f'(root + d) / d computed
// by the decimal.js oracle at 60 digits, rounded to float64.
import type { RootExpansion } from '../../math/root-expansion.js';
`;
writeFileSync('src/activations/generated/root-expansions.ts', `${header}\n${blocks.join('\n\n')}\n`);
process.stdout.write(`${report.join('\n')}\nwrote src/activations/generated/root-expansions.ts\n`);
