/**
 * gatelab kernels: WebAssembly SIMD forward/backward kernels for every catalog activation, usable on
 * plain typed arrays, on a caller-owned WebAssembly.Memory (zero-copy, for framework adapters), and
 * across a worker pool for large arrays. The public `activation(name).forward(x, out, { fast: true })`
 * and `forwardAsync` are built on this module.
 */
export {
  type FloatArray,
  fastBackward,
  fastForward,
  fastForwardWithDerivative,
  initKernels,
  type KernelBackend,
  type KernelBackendChoice,
  kernelBackend,
  STAGING_BYTES,
  setKernelBackend,
} from './fast.js';
export {
  KERNEL_MODES,
  KERNEL_OPS,
  type KernelDtype,
  type KernelMode,
  type KernelOp,
  kernelExportName,
} from './ops.js';
export {
  closeDefaultPool,
  defaultPool,
  KernelPool,
  type KernelPoolOptions,
  POOL_MIN_ELEMENTS,
  type PoolTask,
  sharedFloatArray,
  sharedMemoryAvailable,
} from './pool.js';
export {
  gateAllowance,
  KERNEL_ULP_TOLERANCE,
  type KernelToleranceQuery,
  UNIT_ROUNDOFF,
  withinKernelTolerance,
} from './tolerance.js';
export {
  type BoundKernels,
  compileKernelModule,
  instantiateKernels,
  type KernelInstance,
  kernelArguments,
  kernelModuleReady,
  kernelModuleSync,
  kernelWasmBytes,
  simdSupported,
} from './wasm.js';
