/**
 * The shader units of every activation, one file per family (the same file names as
 * src/kernels/assembly/ and src/adapters/jax/): ./<family>.ts holds the bodies, the spec gives the
 * function names and parameter lists, ./helpers.ts the shared helpers, ./dialect.ts the dialect.
 */
import { type PerActivation, registry } from '../../../activations/index.js';
import { type ShaderActivation, type ShaderBodies, shaderUnit } from './dialect.js';
import { eluShaders } from './elu.js';
import { geluShaders } from './gelu.js';
import { gemShaders } from './gem.js';
import { goluShaders } from './golu.js';
import { logisticShaders } from './logistic.js';
import { mishShaders } from './mish.js';
import { rectifiersShaders } from './rectifiers.js';
import { squareplusShaders } from './squareplus.js';
import { tanhShaders } from './tanh.js';

export type { ShaderActivation } from './dialect.js';
export { toGlsl, toWgsl } from './dialect.js';
export { SHADER_HELPERS } from './helpers.js';

/** Every activation's bodies, gathered from the family files: the compiler names a missing one. */
const BODIES: PerActivation<ShaderBodies> = {
  ...eluShaders,
  ...geluShaders,
  ...gemShaders,
  ...goluShaders,
  ...logisticShaders,
  ...mishShaders,
  ...rectifiersShaders,
  ...squareplusShaders,
  ...tanhShaders,
};

/** Shader forms of every catalog activation, keyed by canonical name. */
export const SHADER_ACTIVATIONS = Object.fromEntries(
  registry.map((spec) => [spec.name, shaderUnit(spec, BODIES[spec.name])]),
) as PerActivation<ShaderActivation>;

/** The shader form of a canonical activation name; throws for a name without one. */
export function shaderActivation(name: string): ShaderActivation {
  const found = (SHADER_ACTIVATIONS as Readonly<Record<string, ShaderActivation | undefined>>)[name];
  if (found === undefined) throw new Error(`gatelab/tfjs: no shader form for activation '${name}'`);
  return found;
}
