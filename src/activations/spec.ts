/**
 * The shape of one catalog entry. Every activation file exports one `ActivationSpec`;
 * `src/activations/index.ts` lists them in a plain table.
 */

/** A numeric parameter of an activation, with its valid range. */
export interface ParamSpec {
  readonly name: string;
  readonly default: number;
  /** Lower bound of the valid range (-Infinity for none). */
  readonly min: number;
  readonly max: number;
  readonly minInclusive: boolean;
  readonly maxInclusive: boolean;
  /** Must be a whole number (GEM's n). */
  readonly integer?: boolean;
  /** Trained with the weights in the layer form (PReLU slope, GoLU alpha/beta/gamma). */
  readonly learnable?: boolean;
  readonly description: string;
}

/** Resolved parameter values, keyed by parameter name. */
export type Params = Readonly<Record<string, number>>;

export interface ActivationSpec<Name extends string = string> {
  /** Canonical lower-snake-case name used by every API and the CLI. */
  readonly name: Name;
  /**
   * The family of related activations whose implementations share one file name in every backend:
   * src/kernels/assembly/<family>.ts, src/adapters/jax/<family>.ts, src/adapters/tfjs/shaders/<family>.ts.
   */
  readonly family: string;
  readonly aliases: readonly string[];
  /** Human title, e.g. "Gompertz Linear Unit". */
  readonly title: string;
  /** Plain-text formula of f(x). */
  readonly formula: string;
  /** Plain-text formula of f'(x). */
  readonly derivativeFormula: string;
  /** Where the definition comes from (paper, arXiv id or library). */
  readonly reference: string;
  /** Points where f is not differentiable and the derivative value we return there ("none" if smooth). */
  readonly kinks: string;
  /**
   * The same points as data: every x where f, f' or f'' is not continuous (kinks, jumps, a jump of
   * f'' such as softsign's and CELU's at 0), for the parameters given. Used by the accuracy harness's
   * samplers, the finite-difference tests and the quadrature of `gatelab stats`. Empty if smooth.
   */
  breakpoints(p: Params): number[];
  readonly params: readonly ParamSpec[];
  /** f(x) in float64, stable for every input; NaN in gives NaN out. */
  value(x: number, p: Params): number;
  /** f'(x) in float64, stable for every input; NaN in gives NaN out. */
  derivative(x: number, p: Params): number;
}

/** A parameter that must be finite and strictly positive. */
export function positiveParam(name: string, defaultValue: number, description: string): ParamSpec {
  return {
    name,
    default: defaultValue,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    minInclusive: false,
    maxInclusive: false,
    description,
  };
}

/** A spec's fields less the kink fields; no `params` means none. */
export type SmoothSpecFields<Name extends string> = Omit<
  ActivationSpec<Name>,
  'kinks' | 'breakpoints' | 'params'
> & { readonly params?: readonly ParamSpec[] };

/** The spec of an activation that is smooth everywhere: no kink, no breakpoint, no parameter unless given. */
export function smooth<Name extends string>(fields: SmoothSpecFields<Name>): ActivationSpec<Name> {
  return { kinks: 'none', breakpoints: () => [], params: [], ...fields };
}
