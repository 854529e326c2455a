/**
 * Derivatives of the catalog against central finite differences in float64, for every activation
 * of the registry and a few non-default parameter sets; and the GEM family's smoothness at 0
 * (C^(2N), and no more) checked with the oracle's high precision.
 */
import { describe, expect, it } from 'vitest';
import { Dec, withDigits } from '../scripts/oracle/decimal.js';
import { type OracleParams, oracleAtDecimal } from '../scripts/oracle/index.js';
import { activation, registry } from '../src/index.js';

/** Step and tolerance of the issue: |a - n| <= 1e-5 + 1e-3 |n| with eps = 1e-6. */
const EPS = 1e-6;
const ABS_TOL = 1e-5;
const REL_TOL = 1e-3;

/** Inputs: a fine grid over the curved region, then wider points out to where the tails are flat. */
function grid(): number[] {
  const xs: number[] = [];
  for (let i = -400; i <= 400; i++) xs.push(i * 0.025 + 0.0123); // offset: never exactly on a kink
  for (const x of [-700, -100, -50, -30, -20, -15, 15, 19.5, 20.5, 30, 50, 100, 700]) xs.push(x);
  return xs;
}

/** Parameter sets per activation: the defaults plus the non-default ones worth checking. */
const PARAMS: Record<string, OracleParams[]> = {
  golu: [{ alpha: 1.5, beta: 0.5, gamma: 2 }],
  gompertz: [{ alpha: 2, beta: 3, gamma: 0.5 }],
  gem: [{ n: 2 }, { n: 4 }],
  egem: [{ n: 2, epsilon: 0.01 }],
  segem: [{ n: 3, epsilon: 0.001, lambda: 0.2 }],
  leaky_relu: [{ slope: 0.3 }],
  elu: [{ alpha: 0.5 }],
  celu: [{ alpha: 2 }],
  softplus: [{ beta: 3, threshold: 15 }],
  swish: [{ beta: 2 }],
};

describe.each(registry.map((s) => s.name))('%s: derivative vs central differences', (name) => {
  for (const params of [{}, ...(PARAMS[name] ?? [])]) {
    it(`params ${JSON.stringify(params)}`, () => {
      const a = activation(name, params);
      // The spec's breakpoints (relu's 0, relu6's 6, softplus's threshold/beta): a difference
      // across them measures the jump, not the derivative.
      const kinks = a.spec.breakpoints(a.params);
      const failures: string[] = [];
      let checked = 0;
      for (const x of grid()) {
        if (kinks.some((k) => Math.abs(x - k) <= 2 * EPS)) continue;
        const numeric = (a.value(x + EPS) - a.value(x - EPS)) / (2 * EPS);
        const analytic = a.derivative(x);
        checked++;
        if (!(Math.abs(analytic - numeric) <= ABS_TOL + REL_TOL * Math.abs(numeric))) {
          failures.push(`x=${x}: derivative ${analytic}, difference ${numeric}`);
        }
      }
      expect(checked).toBeGreaterThan(800);
      expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
    });
  }
});

/**
 * One-sided k-th derivatives at 0 from k-th differences in high precision: forward differences
 * sum_j (-1)^(k-j) C(k,j) f(j h) / h^k from the right, backward ones from the left. Each tends to
 * the one-sided derivative f^(k)(0+-) with an error O(h).
 */
function oneSidedDerivative(
  name: string,
  params: OracleParams,
  k: number,
  h: InstanceType<typeof Dec>,
  side: 1 | -1,
) {
  let sum = new Dec(0);
  let binomial = 1;
  for (let j = 0; j <= k; j++) {
    const term = oracleAtDecimal(name, 'value', h.times(j * side), params).times(binomial);
    sum = (k - j) % 2 === 0 ? sum.plus(term) : sum.minus(term);
    binomial = (binomial * (k - j)) / (j + 1);
  }
  // A backward difference of order k has the sign (-1)^k relative to the derivative.
  return sum.div(h.pow(k)).times(side === -1 && k % 2 === 1 ? -1 : 1);
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

describe('GEM family smoothness at 0', () => {
  // f(x) = x^(2N+1) / (eps + x^(2N)) = x^(2N+1)/eps + O(x^(4N+1)) near 0+: derivatives of order
  // k <= 2N vanish on both sides, order 2N+1 is (2N+1)!/eps on the right and lambda (2N+1)!/eps
  // (SE-GEM) or 0 (GEM, E-GEM) on the left. So the family is C^(2N) and, for lambda != 1, not
  // C^(2N+1). With h = 1e-30 at 200 digits the difference quotients are exact to O(h).
  const cases: [string, OracleParams, number, number][] = [
    // name, params, N, eps, lambda on the left
    ['gem', { n: 1 }, 1, 1],
    ['gem', { n: 3 }, 3, 1],
    ['egem', { n: 1, epsilon: 1e-4 }, 1, 1e-4],
    ['egem', { n: 2, epsilon: 0.01 }, 2, 0.01],
    ['segem', { n: 1, epsilon: 1e-4, lambda: 0.01 }, 1, 1e-4],
    ['segem', { n: 2, epsilon: 0.001, lambda: 0.25 }, 2, 0.001],
  ].map(([name, params, n, eps]) => [name as string, params as OracleParams, n as number, eps as number]);

  it.each(cases)('%s %j is C^(2N) at 0 and its (2N+1)-th derivative jumps', (name, params, n, eps) => {
    withDigits(200, () => {
      const h = new Dec('1e-30');
      const lambda = name === 'segem' ? (params.lambda as number) : 0;
      for (let k = 1; k <= 2 * n; k++) {
        const right = oneSidedDerivative(name, params, k, h, 1);
        const left = oneSidedDerivative(name, params, k, h, -1);
        // Both tend to 0 like h^(2N+1-k) * (2N+1)!/eps: at most ~1e-30 * 5040 / 1e-4 here.
        expect(right.abs().lt('1e-20'), `${name} right derivative of order ${k}: ${right.toSD(5)}`).toBe(
          true,
        );
        expect(left.abs().lt('1e-20'), `${name} left derivative of order ${k}: ${left.toSD(5)}`).toBe(true);
      }
      const order = 2 * n + 1;
      const right = oneSidedDerivative(name, params, order, h, 1).toNumber();
      const left = oneSidedDerivative(name, params, order, h, -1).toNumber();
      const expected = factorial(order) / eps;
      expect(right / expected).toBeCloseTo(1, 10);
      expect(left / expected).toBeCloseTo(lambda, 10);
    });
  });
});
