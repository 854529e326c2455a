/**
 * The table of kernel operations: one row per catalog activation, in registry order. The row index
 * is the op id compiled into the WebAssembly module (scripts/build-wasm.ts generates the
 * AssemblyScript ids and entry points from this table), and `params` is the order in which the
 * catalog parameters are passed to the kernel as its three numeric arguments.
 */
export interface KernelOp {
  /** Canonical catalog name. */
  readonly name: string;
  /** Catalog parameter names passed as the kernel's arguments a, b, c (unused ones are 0). */
  readonly params: readonly string[];
  /**
   * 'light': no transcendental function, the kernel runs near memory speed, so copying an
   * ordinary array to and from worker threads costs more than it saves (the pool keeps such
   * arrays on the calling thread). 'heavy': exp/log/erf-based, compute-bound.
   */
  readonly cost: 'light' | 'heavy';
}

export const KERNEL_OPS: readonly KernelOp[] = [
  { name: 'golu', params: ['alpha', 'beta', 'gamma'], cost: 'heavy' },
  { name: 'gompertz', params: ['alpha', 'beta', 'gamma'], cost: 'heavy' },
  { name: 'gelu', params: [], cost: 'heavy' },
  { name: 'gelu_tanh', params: [], cost: 'heavy' },
  { name: 'gelu_sigmoid', params: [], cost: 'heavy' },
  { name: 'gem', params: ['n'], cost: 'light' },
  { name: 'egem', params: ['n', 'epsilon'], cost: 'light' },
  { name: 'segem', params: ['n', 'epsilon', 'lambda'], cost: 'light' },
  { name: 'fmish', params: [], cost: 'heavy' },
  { name: 'relu', params: [], cost: 'light' },
  { name: 'leaky_relu', params: ['slope'], cost: 'light' },
  { name: 'prelu', params: ['slope'], cost: 'light' },
  { name: 'elu', params: ['alpha'], cost: 'heavy' },
  { name: 'selu', params: [], cost: 'heavy' },
  { name: 'celu', params: ['alpha'], cost: 'heavy' },
  { name: 'softplus', params: ['beta', 'threshold'], cost: 'heavy' },
  { name: 'swish', params: ['beta'], cost: 'heavy' },
  { name: 'mish', params: [], cost: 'heavy' },
  { name: 'sigmoid', params: [], cost: 'heavy' },
  { name: 'tanh', params: [], cost: 'heavy' },
  { name: 'softsign', params: [], cost: 'light' },
  { name: 'relu6', params: [], cost: 'light' },
];

/** The three kernel modes: y = f(x); dx = dy * f'(x); y and f'(x) in one pass. */
export type KernelMode = 'forward' | 'backward' | 'fused';
export const KERNEL_MODES: readonly KernelMode[] = ['forward', 'backward', 'fused'];

/** Element types the kernels handle. */
export type KernelDtype = 'f32' | 'f64';

/** Name of the module export for an op, mode and element type, e.g. `golu_forward_f32`. */
export function kernelExportName(op: string, mode: KernelMode, dtype: KernelDtype): string {
  return `${op}_${mode}_${dtype}`;
}
