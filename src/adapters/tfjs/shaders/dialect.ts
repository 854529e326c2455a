/**
 * The shader dialect: the activations as float32 shader functions, written once and emitted as GLSL ES 3.0 (WebGL) and WGSL
 * (WebGPU). The source dialect is a small subset shared by both languages: WGSL-style `fn` signatures and
 * typed `let`/`var` declarations (`let t: f32 = ...`), braces on every `if`, float literals with a dot,
 * no ternaries. `toGlsl` rewrites the only differing pieces (signatures, declarations, casts).
 *
 * Stability rules (GPU exp of a large argument may be Inf or undefined, and GLSL/WGSL only promise
 * absolute accuracy for log near 1): every exp argument is <= 0 or clamped, expm1/log1p/tanh/erfc are
 * built from polynomials and exp rather than from log, and every formula is branched on the sign of x
 * the same way as the float64 catalog (src/activations) so both round the same pieces.
 */

import type { ActivationSpec } from '../../../activations/spec.js';

/** One activation in the shader dialect: the function names and the parameters they take, in order. */
export interface ShaderActivation {
  /** Name of `fn f(x: f32, params...) -> f32`. */
  readonly value: string;
  /** Name of `fn df(x: f32, params...) -> f32`, the derivative f'(x). */
  readonly derivative: string;
  /** Catalog parameter names passed after x, in order (uniforms named `p_<param>`). */
  readonly params: readonly string[];
  /** The dialect source defining both functions (helpers come from `SHADER_HELPERS`). */
  readonly source: string;
}

/**
 * What a family file writes per activation: the bodies of f and f' (statements over `x` and the
 * parameters `p_<name>`), and any functions of its own they call. Names and signatures come from
 * the spec.
 */
export interface ShaderBodies {
  readonly helpers?: string;
  readonly value: string;
  readonly derivative: string;
}

/** A family file's units, keyed by canonical name. */
export type ShaderFamily = Readonly<Record<string, ShaderBodies>>;

/** `fn <name>_f(x: f32, p_<param>: f32, ...) -> f32` and `<name>_df` from the spec and the bodies. */
export function shaderUnit(spec: ActivationSpec, bodies: ShaderBodies): ShaderActivation {
  const params = spec.params.map((param) => param.name);
  const signature = ['x: f32', ...params.map((name) => `p_${name}: f32`)].join(', ');
  const value = `${spec.name}_f`;
  const derivative = `${spec.name}_df`;
  const source = [
    bodies.helpers ?? '',
    `fn ${value}(${signature}) -> f32 {${bodies.value}\n}`,
    `fn ${derivative}(${signature}) -> f32 {${bodies.derivative}\n}`,
    '',
  ].join('\n');
  return { value, derivative, params, source };
}

const GLSL_TYPES: Readonly<Record<string, string>> = { f32: 'float', i32: 'int' };

function glslType(type: string): string {
  const glsl = GLSL_TYPES[type];
  if (glsl === undefined) throw new Error(`gatelab/tfjs: shader dialect type '${type}' has no GLSL form`);
  return glsl;
}

/** Rewrites dialect source as GLSL ES 3.0: signatures, typed declarations and casts. */
export function toGlsl(source: string): string {
  return source
    .replace(/fn (\w+)\(([^)]*)\) -> (\w+) \{/g, (_match, name: string, args: string, ret: string) => {
      const glslArgs = args
        .split(',')
        .map((arg) => arg.trim())
        .filter((arg) => arg.length > 0)
        .map((arg) => {
          const [argName, argType] = arg.split(':').map((part) => part.trim());
          return `${glslType(argType)} ${argName}`;
        })
        .join(', ');
      return `${glslType(ret)} ${name}(${glslArgs}) {`;
    })
    .replace(
      /\b(?:let|var) (\w+): (\w+)/g,
      (_match, name: string, type: string) => `${glslType(type)} ${name}`,
    )
    .replace(/\bf32\(/g, 'float(')
    .replace(/\bi32\(/g, 'int(');
}

/** The dialect is already valid WGSL. */
export function toWgsl(source: string): string {
  return source;
}
