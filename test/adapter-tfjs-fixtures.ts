/**
 * Inputs and parameter sets shared by the gatelab/tfjs tests (Node: cpu and wasm; browser: webgl and
 * webgpu). Plain data only, so the browser bundle can import it too.
 */

/** Float32 inputs: the stress points of the issue (-100, 1e4), saturation regions, kinks and a dense sweep. */
export const TEST_INPUTS: readonly number[] = (() => {
  const special = [
    -1e4, -100, -30, -20, -10, -6, -5, -3, -2, -1.5, -1, -0.75, -0.5, -0.25, -0.1, -1e-3, -1e-6, 0, 1e-6,
    1e-3, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 6, 10, 20, 30, 100, 1e4,
  ];
  const sweep = Array.from({ length: 161 }, (_, i) => -8 + i * 0.1);
  return [...special, ...sweep].map(Math.fround);
})();

/** Per activation: the catalog defaults ({}) and one non-default parameter set. */
export const PARAM_SETS: Readonly<Record<string, readonly Readonly<Record<string, number>>[]>> = {
  golu: [{}, { alpha: 1.5, beta: 0.5, gamma: 2 }],
  gompertz: [{}, { alpha: 0.8, beta: 2, gamma: 0.5 }],
  gem: [{}, { n: 2 }],
  egem: [{}, { n: 3, epsilon: 0.01 }],
  segem: [{}, { n: 2, epsilon: 1e-3, lambda: 0.1 }],
  leaky_relu: [{}, { slope: 0.2 }],
  prelu: [{}, { slope: -0.3 }],
  elu: [{}, { alpha: 0.5 }],
  celu: [{}, { alpha: 2 }],
  softplus: [{}, { beta: 2, threshold: 10 }],
  swish: [{}, { beta: 1.5 }],
};

export function paramSetsFor(name: string): readonly Readonly<Record<string, number>>[] {
  return PARAM_SETS[name] ?? [{}];
}

/** The points where the issue requires finite gradients, plus their mirror images. */
export const EXTREME_INPUTS: readonly number[] = [-1e4, -100, 100, 1e4];
