import type { ActivationSpec } from './spec.js';

/**
 * Hard swish: f(x) = x relu6(x + 3) / 6, i.e. 0 for x <= -3, x (x + 3) / 6 on (-3, 3), x for x >= 3
 * (Howard et al., Searching for MobileNetV3, ICCV 2019; torch.nn.Hardswish).
 *
 * f'(x) = 0 for x < -3, (2x + 3) / 6 on [-3, 3], 1 for x > 3. At the kinks this is PyTorch's
 * hardswish_backward (x < -3: 0; x <= 3: x/3 + 1/2; else 1): f'(-3) = -1/2 and f'(3) = 3/2, the
 * middle piece's one-sided slopes. Written (2x + 3) / 6: the numerator is exact on [-3, -0.75]
 * (Sterbenz), where f' crosses 0 at -1.5, so the derivative has no cancellation; x + 3 is exact on
 * [-6, -1.5] likewise, so f(x) is two correctly rounded operations away from exact.
 */
export const hardSwish: ActivationSpec<'hard_swish'> = {
  name: 'hard_swish',
  family: 'rectifiers',
  aliases: ['hardswish'],
  title: 'Hard Swish',
  formula: 'x * relu6(x + 3) / 6',
  derivativeFormula: '0 if x < -3, (2x + 3) / 6 if -3 <= x <= 3, 1 if x > 3',
  reference: 'Howard et al., Searching for MobileNetV3, ICCV 2019; torch.nn.Hardswish',
  kinks: "x = -3: f' = -1/2; x = 3: f' = 3/2 (PyTorch's hardswish_backward)",
  breakpoints: () => [-3, 3],
  params: [],
  value: (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
  derivative: (x) => (x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6),
};
