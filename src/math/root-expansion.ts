/**
 * Evaluation of a derivative near one of its zeros by a generated expansion f'(x) = d * Q(d),
 * d = x - root, root held as three doubles (see scripts/make-root-expansions.ts for why).
 */
import { twoSum } from './double-double.js';

export interface RootExpansion {
  /** The root as r0 + r1 + r2 (each a double, decreasing in magnitude). */
  readonly root: readonly [number, number, number];
  /** The expansion is used for |x - root| <= halfWidth. */
  readonly halfWidth: number;
  /** Q(d) = sum coefficients[i] d^i. */
  readonly coefficients: readonly number[];
}

/** f'(x + xLo) from the expansion (xLo: a low part below ulp(x)), or undefined outside its window. */
export function nearRoot(expansion: RootExpansion, x: number, xLo = 0): number | undefined {
  const [r0, r1, r2] = expansion.root;
  const s = x - r0;
  if (!(Math.abs(s) <= expansion.halfWidth)) return undefined;
  // x - r0 as s + e exactly (twoSum), then the lower parts of the root.
  const bb = s - x;
  const e = x - (s - bb) + (-r0 - bb);
  // r1 and xLo are both up to ~ulp(x) and may cancel when x is next to the root: add each exactly.
  const [t, f] = twoSum(s, -r1);
  const [u, g] = twoSum(t, xLo);
  const d = u + (g + f + e - r2);
  const c = expansion.coefficients;
  let q = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) q = q * d + c[i];
  return d * q;
}
