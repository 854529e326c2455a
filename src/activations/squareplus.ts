import { squareplusParts } from '../math/squareplus.js';
import { type ActivationSpec, positiveParam, smooth } from './spec.js';

/**
 * Squareplus: f(x) = (x + sqrt(x^2 + b)) / 2, a smooth ReLU made of algebraic operations only
 * (Barron, Squareplus: A Softplus-Like Algebraic Rectifier, arXiv:2112.11687, 2021; jax.nn.squareplus,
 * b = 4 by default). f(0) = sqrt(b)/2, f > 0 everywhere, f -> 0 as x -> -Infinity like b / (4|x|).
 *
 * f'(x) = (1 + x / sqrt(x^2 + b)) / 2, in (0, 1). Both are evaluated without cancellation for large
 * negative x and without overflow of x^2 (see src/math/squareplus.ts).
 */
export const squareplus: ActivationSpec<'squareplus'> = smooth({
  name: 'squareplus',
  family: 'squareplus',
  aliases: [],
  title: 'Squareplus',
  formula: '(x + sqrt(x^2 + b)) / 2',
  derivativeFormula: '(1 + x / sqrt(x^2 + b)) / 2',
  reference:
    'Barron, Squareplus: A Softplus-Like Algebraic Rectifier, arXiv:2112.11687, 2021; jax.nn.squareplus',
  params: [positiveParam('b', 4, 'curvature near 0 (f(0) = sqrt(b) / 2)')],
  value: (x, p) => squareplusParts(x, p.b).value,
  derivative: (x, p) => squareplusParts(x, p.b).derivative,
});
