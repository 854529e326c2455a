/**
 * The fast kernels as a path of the accuracy harness: `npm run accuracy -- --path fast`.
 * The harness (scripts/accuracy.ts) loads this module in each worker thread and calls
 * `createAccuracyPath()`; the interface is structural (see scripts/oracle/paths.ts).
 */
import { getSpec, resolveParams } from '../activations/resolve.js';
import { fastForwardWithDerivative, initKernels, kernelBackend } from './fast.js';
import { withinKernelTolerance } from './tolerance.js';

type FloatArray = Float32Array | Float64Array;

function run<T extends FloatArray>(name: string, params: Readonly<Record<string, number>>, x: T, y: T, d: T) {
  const spec = getSpec(name);
  fastForwardWithDerivative(spec, resolveParams(spec, params), x, y, d);
  return { y, dydx: d };
}

export async function createAccuracyPath() {
  const backend = await initKernels();
  return {
    name: 'fast',
    description: `fast kernels (${backend === 'wasm-simd' ? 'WebAssembly SIMD' : 'scalar JS fallback'}, fused forward+derivative); tolerance: 4 ulp or 4u|x| (values and derivatives)`,
    float32: (name: string, params: Readonly<Record<string, number>>, x: Float32Array) =>
      run(name, params, x, new Float32Array(x.length), new Float32Array(x.length)),
    float64: (name: string, params: Readonly<Record<string, number>>, x: Float64Array) =>
      run(name, params, x, new Float64Array(x.length), new Float64Array(x.length)),
    withinTolerance: withinKernelTolerance,
    backend: kernelBackend(),
  };
}
