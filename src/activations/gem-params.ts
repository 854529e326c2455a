import type { ParamSpec } from './spec.js';

/** Shared parameter specs of the GEM family (GEM, E-GEM, SE-GEM). */
export const gemN: ParamSpec = {
  name: 'n',
  default: 1,
  min: 1,
  max: 64,
  minInclusive: true,
  maxInclusive: true,
  integer: true,
  description: 'order: the function is C^(2n) at 0',
};

export const gemEpsilon: ParamSpec = {
  name: 'epsilon',
  default: 1e-4,
  min: 0,
  max: Number.POSITIVE_INFINITY,
  minInclusive: false,
  maxInclusive: false,
  description: 'smoothing scale; E-GEM tends to ReLU in every L^p as epsilon -> 0',
};
