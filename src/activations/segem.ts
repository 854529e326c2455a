import { rationalGateDerivative, rationalGateValue } from '../math/rational-gate.js';
import { gemEpsilon, gemN } from './gem-params.js';
import type { ActivationSpec } from './spec.js';

/**
 * SE-GEM (this library's definition): E-GEM for x >= 0 and lambda * x^(2n+1) / (epsilon + x^(2n))
 * for x < 0, i.e. f(x) = -lambda * egem(-x) on the negative side.
 *
 * The GEM paper's own SE-GEM negative branch is not public in the sources we have; this piecewise
 * rational form keeps the stated properties: both branches behave like x^(2n+1)/epsilon near 0, so
 * f is C^(2n) at the junction, and f'(x) = lambda * egem'(-x) > 0 for every x < 0 (no dead
 * neurons; f' -> lambda as x -> -Inf).
 */
export const segem: ActivationSpec<'segem'> = {
  name: 'segem',
  family: 'gem',
  aliases: ['se_gem'],
  title: 'SE-GEM (E-GEM with a leaky rational negative branch; library definition)',
  formula: 'x >= 0: x^(2n+1) / (epsilon + x^(2n)); x < 0: lambda * x^(2n+1) / (epsilon + x^(2n))',
  derivativeFormula:
    "x >= 0: egem'(x); x < 0: lambda * x^(2n) ((2n+1) epsilon + x^(2n)) / (epsilon + x^(2n))^2",
  reference: 'after Krause, GEM activation functions, arXiv:2604.21677 (negative branch: gatelab)',
  kinks: 'none (C^(2n) at 0)',
  breakpoints: () => [],
  params: [
    gemN,
    gemEpsilon,
    {
      name: 'lambda',
      default: 0.01,
      min: 0,
      max: 1,
      minInclusive: false,
      maxInclusive: true,
      description: "slope scale of the negative branch (f' -> lambda as x -> -Inf)",
    },
  ],
  value(x, p) {
    if (x !== x) return x;
    if (x > 0) return rationalGateValue(x, p.n, p.epsilon);
    if (x < 0) return -p.lambda * rationalGateValue(-x, p.n, p.epsilon);
    return x;
  },
  derivative(x, p) {
    if (x !== x) return x;
    if (x > 0) return rationalGateDerivative(x, p.n, p.epsilon);
    if (x < 0) return p.lambda * rationalGateDerivative(-x, p.n, p.epsilon);
    return 0;
  },
};
