/**
 * Globally adaptive Gauss-Kronrod (7/15) quadrature in float64, in the manner of QUADPACK's QAG/QAGI
 * (Piessens et al. 1983): every interval carries a 15-point Kronrod estimate and the difference to
 * the embedded 7-point Gauss estimate as its error; the interval with the largest error is bisected
 * until the summed error meets the tolerance. Infinite ends are mapped to (0, 1] by x = a + (1-t)/t,
 * so integrals over R need no truncation. Breakpoints (kinks of the integrand) start as interval ends,
 * so a jump in f or f' never sits inside a Kronrod rule.
 */

/** Kronrod 15-point abscissae on [-1, 1] (non-negative half; the odd-indexed ones are the Gauss 7 nodes). */
const KRONROD_NODES = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const KRONROD_WEIGHTS = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
/** Gauss 7-point weights for KRONROD_NODES[1], [3], [5], [7]. */
const GAUSS_WEIGHTS = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

const EPS = Number.EPSILON;

export interface QuadratureOptions {
  /** Absolute error target (default 1e-14). */
  absTol?: number;
  /** Relative error target (default 1e-12). The run stops when error <= max(absTol, relTol * |value|). */
  relTol?: number;
  /** Most intervals before giving up (default 2000); the result then has `converged: false`. */
  maxIntervals?: number;
  /** Points inside (a, b) where the integrand has a kink or jump; they become interval ends. */
  breakpoints?: readonly number[];
}

export interface QuadratureResult {
  value: number;
  /** Estimated absolute error (QUADPACK's scaled Kronrod-Gauss difference, summed over intervals). */
  errorEstimate: number;
  /** True when errorEstimate met the tolerance. A divergent integral ends with false. */
  converged: boolean;
  evaluations: number;
  intervals: number;
}

interface Piece {
  lo: number;
  hi: number;
  value: number;
  error: number;
  /** Too narrow to bisect further in float64. */
  final: boolean;
}

/** One 15-point Kronrod rule with its error estimate on [lo, hi] of a finite-domain integrand. */
function kronrod(g: (t: number) => number, lo: number, hi: number): Piece {
  const center = 0.5 * (lo + hi);
  const half = 0.5 * (hi - lo);
  const fc = g(center);
  let kronrodSum = fc * KRONROD_WEIGHTS[7];
  let gaussSum = fc * GAUSS_WEIGHTS[3];
  let absSum = Math.abs(kronrodSum);
  const values: number[] = new Array(14);
  for (let j = 0; j < 7; j++) {
    const dx = half * KRONROD_NODES[j];
    const f1 = g(center - dx);
    const f2 = g(center + dx);
    values[2 * j] = f1;
    values[2 * j + 1] = f2;
    kronrodSum += KRONROD_WEIGHTS[j] * (f1 + f2);
    absSum += KRONROD_WEIGHTS[j] * (Math.abs(f1) + Math.abs(f2));
    if (j % 2 === 1) gaussSum += GAUSS_WEIGHTS[(j - 1) / 2] * (f1 + f2);
  }
  // resasc = integral of |f - mean|, the scale QUADPACK uses to judge the Kronrod-Gauss difference.
  const mean = kronrodSum * 0.5;
  let resasc = KRONROD_WEIGHTS[7] * Math.abs(fc - mean);
  for (let j = 0; j < 7; j++) {
    resasc += KRONROD_WEIGHTS[j] * (Math.abs(values[2 * j] - mean) + Math.abs(values[2 * j + 1] - mean));
  }
  const value = kronrodSum * half;
  resasc *= Math.abs(half);
  const resabs = absSum * Math.abs(half);
  let error = Math.abs((kronrodSum - gaussSum) * half);
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, ((200 * error) / resasc) ** 1.5);
  // Floor at the rounding level of the rule itself.
  if (resabs > Number.MIN_VALUE / (50 * EPS)) error = Math.max(50 * EPS * resabs, error);
  const final = Math.abs(half) <= 100 * EPS * Math.max(Math.abs(center), Number.MIN_VALUE);
  return { lo, hi, value, error: Number.isNaN(value) ? Number.NaN : error, final };
}

/** The integrand of one (possibly half-infinite) piece, as a function on a finite t-interval. */
function finitePiece(
  f: (x: number) => number,
  a: number,
  b: number,
): { g: (t: number) => number; lo: number; hi: number } {
  if (Number.isFinite(a) && Number.isFinite(b)) return { g: f, lo: a, hi: b };
  if (Number.isFinite(a) && b === Number.POSITIVE_INFINITY) {
    // x = a + (1 - t)/t, dx = dt / t^2, t in (0, 1]
    return { g: (t) => f(a + (1 - t) / t) / (t * t), lo: 0, hi: 1 };
  }
  if (a === Number.NEGATIVE_INFINITY && Number.isFinite(b)) {
    // x = b - (1 - t)/t
    return { g: (t) => f(b - (1 - t) / t) / (t * t), lo: 0, hi: 1 };
  }
  throw new RangeError(`quadrature: cannot map the interval [${a}, ${b}]`);
}

/**
 * The integral of f over [a, b]; a may be -Infinity and b +Infinity. A NaN anywhere in the integrand
 * gives a NaN value. Reversed limits give the negated integral.
 * @example integrate((x) => Math.exp(-x * x), -Infinity, Infinity).value // sqrt(pi)
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  options: QuadratureOptions = {},
): QuadratureResult {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    return { value: Number.NaN, errorEstimate: Number.NaN, converged: false, evaluations: 0, intervals: 0 };
  }
  if (a > b) {
    const r = integrate(f, b, a, options);
    return { ...r, value: -r.value };
  }
  const absTol = options.absTol ?? 1e-14;
  const relTol = options.relTol ?? 1e-12;
  const maxIntervals = options.maxIntervals ?? 2000;
  if (a === b) return { value: 0, errorEstimate: 0, converged: true, evaluations: 0, intervals: 0 };

  // Interval ends: a, the breakpoints strictly inside, b; an interval over all of R gets a split at 0.
  const ends = [a, ...(options.breakpoints ?? []).filter((p) => p > a && p < b), b];
  if (ends.length === 2 && a === Number.NEGATIVE_INFINITY && b === Number.POSITIVE_INFINITY)
    ends.splice(1, 0, 0);
  const sorted = [...new Set(ends)].sort((x, y) => x - y);

  let evaluations = 0;
  const counted = (h: (t: number) => number) => (t: number) => {
    evaluations++;
    return h(t);
  };
  // Each piece keeps its own change of variables; bisection happens in t.
  const groups = [];
  for (let i = 0; i + 1 < sorted.length; i++) groups.push(finitePiece(f, sorted[i], sorted[i + 1]));
  const pieces: { piece: Piece; g: (t: number) => number }[] = groups.map(({ g, lo, hi }) => {
    const h = counted(g);
    return { piece: kronrod(h, lo, hi), g: h };
  });

  const total = () => {
    let value = 0;
    let error = 0;
    for (const { piece } of pieces) {
      value += piece.value;
      error += piece.error;
    }
    return { value, error };
  };

  let { value, error } = total();
  while (!(error <= Math.max(absTol, relTol * Math.abs(value)))) {
    if (Number.isNaN(value)) break;
    if (pieces.length >= maxIntervals) break;
    // Bisect the piece with the largest error that can still be split.
    let worst = -1;
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i].piece;
      if (!p.final && (worst < 0 || p.error > pieces[worst].piece.error)) worst = i;
    }
    if (worst < 0) break;
    const { piece, g } = pieces[worst];
    const mid = 0.5 * (piece.lo + piece.hi);
    pieces[worst] = { piece: kronrod(g, piece.lo, mid), g };
    pieces.push({ piece: kronrod(g, mid, piece.hi), g });
    ({ value, error } = total());
  }
  const converged = error <= Math.max(absTol, relTol * Math.abs(value));
  return { value, errorEstimate: error, converged, evaluations, intervals: pieces.length };
}
