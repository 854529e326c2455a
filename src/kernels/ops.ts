/**
 * The table of kernel operations: one row per catalog activation, in registry order. The row index
 * is the op id compiled into the WebAssembly module (scripts/build-wasm.ts generates the
 * AssemblyScript ids, dispatch and entry points from this table and ./simd-dispatch.ts), and
 * `params` is the order in which the catalog parameters are passed to the kernel as its three
 * numeric arguments.
 */
import { type ActivationName, type PerActivation, registry } from '../activations/index.js';

export interface KernelOp {
  /** Canonical catalog name. */
  readonly name: ActivationName;
  /** Catalog parameter names passed as the kernel's arguments a, b, c (unused ones are 0). */
  readonly params: readonly string[];
  /**
   * 'light': no transcendental function, the kernel runs near memory speed, so copying an
   * ordinary array to and from worker threads costs more than it saves (the pool keeps such
   * arrays on the calling thread). 'heavy': exp/log/erf-based, compute-bound.
   */
  readonly cost: 'light' | 'heavy';
}

const OPS: PerActivation<Omit<KernelOp, 'name'>> = {
  golu: { params: ['alpha', 'beta', 'gamma'], cost: 'heavy' },
  gompertz: { params: ['alpha', 'beta', 'gamma'], cost: 'heavy' },
  gelu: { params: [], cost: 'heavy' },
  gelu_tanh: { params: [], cost: 'heavy' },
  gelu_sigmoid: { params: [], cost: 'heavy' },
  gem: { params: ['n'], cost: 'light' },
  egem: { params: ['n', 'epsilon'], cost: 'light' },
  segem: { params: ['n', 'epsilon', 'lambda'], cost: 'light' },
  fmish: { params: [], cost: 'heavy' },
  relu: { params: [], cost: 'light' },
  leaky_relu: { params: ['slope'], cost: 'light' },
  prelu: { params: ['slope'], cost: 'light' },
  elu: { params: ['alpha'], cost: 'heavy' },
  selu: { params: [], cost: 'heavy' },
  celu: { params: ['alpha'], cost: 'heavy' },
  softplus: { params: ['beta', 'threshold'], cost: 'heavy' },
  swish: { params: ['beta'], cost: 'heavy' },
  mish: { params: [], cost: 'heavy' },
  sigmoid: { params: [], cost: 'heavy' },
  tanh: { params: [], cost: 'heavy' },
  softsign: { params: [], cost: 'light' },
  relu6: { params: [], cost: 'light' },
  hard_swish: { params: [], cost: 'light' },
  squareplus: { params: ['b'], cost: 'heavy' },
};

/** One row per catalog activation, in registry order (the row index is the compiled op id). */
export const KERNEL_OPS: readonly KernelOp[] = registry.map((spec) => ({
  name: spec.name,
  ...OPS[spec.name],
}));

/** The three kernel modes: y = f(x); dx = dy * f'(x); y and f'(x) in one pass. */
export type KernelMode = 'forward' | 'backward' | 'fused';
export const KERNEL_MODES: readonly KernelMode[] = ['forward', 'backward', 'fused'];

/** Element types the kernels handle. */
export type KernelDtype = 'f32' | 'f64';

/** Name of the module export for an op, mode and element type, e.g. `golu_forward_f32`. */
export function kernelExportName(op: string, mode: KernelMode, dtype: KernelDtype): string {
  return `${op}_${mode}_${dtype}`;
}
