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
}

export const KERNEL_OPS: readonly KernelOp[] = [
  { name: 'golu', params: ['alpha', 'beta', 'gamma'] },
  { name: 'gompertz', params: ['alpha', 'beta', 'gamma'] },
  { name: 'gelu', params: [] },
  { name: 'gelu_tanh', params: [] },
  { name: 'gelu_sigmoid', params: [] },
  { name: 'gem', params: ['n'] },
  { name: 'egem', params: ['n', 'epsilon'] },
  { name: 'segem', params: ['n', 'epsilon', 'lambda'] },
  { name: 'fmish', params: [] },
  { name: 'relu', params: [] },
  { name: 'leaky_relu', params: ['slope'] },
  { name: 'prelu', params: ['slope'] },
  { name: 'elu', params: ['alpha'] },
  { name: 'selu', params: [] },
  { name: 'celu', params: ['alpha'] },
  { name: 'softplus', params: ['beta', 'threshold'] },
  { name: 'swish', params: ['beta'] },
  { name: 'mish', params: [] },
  { name: 'sigmoid', params: [] },
  { name: 'tanh', params: [] },
  { name: 'softsign', params: [] },
  { name: 'relu6', params: [] },
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
