/**
 * gatelab — self-gated activation functions with exact, stable math.
 * The core entry point has no runtime dependency.
 */
export type { Activation, ActivationSummary, FloatArray } from './activation.js';
export { activation, list } from './activation.js';
export { registry } from './activations/index.js';
export { activationNames, describeRange, getSpec, resolveParams } from './activations/resolve.js';
export type { ActivationSpec, ParamSpec, Params } from './activations/spec.js';
export { erf, erfc } from './math/erf.js';
