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

/**
 * Float32 tolerance for kernels that are not correctly rounded (GPU shaders, the SIMD wasm kernels):
 * |got - expected| <= 2^-19 |expected| + 2^-22, i.e. 16 float32 ulps relative plus 2 ulps of 1 absolute.
 * The absolute part covers derivative formulas such as s + x s (1 - s), whose O(1) terms cancel near
 * their zeros, and subnormal results flushed to zero; the relative part covers tails such as GoLU's
 * exp(-beta e^-x), which amplify the few-ulp error that GLSL ES 3.0 and WGSL allow in exp.
 */
export const FLOAT32_TOLERANCE = { relative: 2 ** -19, absolute: 2 ** -22 } as const;

/**
 * The worst error / allowed ratio over two arrays (<= 1 means within FLOAT32_TOLERANCE; NaN must meet
 * NaN) and a message for the first element beyond it.
 */
export function compareFloat32(
  got: ArrayLike<number>,
  expected: ArrayLike<number>,
  inputs: ArrayLike<number>,
): { worst: number; message?: string } {
  let worst = 0;
  let message: string | undefined;
  for (let i = 0; i < expected.length; i++) {
    const allowed = FLOAT32_TOLERANCE.relative * Math.abs(expected[i]) + FLOAT32_TOLERANCE.absolute;
    const error = Math.abs(got[i] - expected[i]);
    const bothNaN = Number.isNaN(got[i]) && Number.isNaN(expected[i]);
    const ratio = bothNaN ? 0 : Number.isNaN(error) ? Number.POSITIVE_INFINITY : error / allowed;
    if (ratio > worst) worst = ratio;
    if (ratio > 1 && message === undefined) {
      message = `x = ${inputs[i]}: got ${got[i]}, expected ${expected[i]} (error ${error}, allowed ${allowed})`;
    }
  }
  return { worst, message };
}

/**
 * The training tests' regression task as plain arrays: 64 fixed points of [-2, 2]^2 and
 * y = sin(2 x0) x1 + 0.5 x0 (deterministic); each side wraps them in tf.tensor2d.
 */
export function regressionTask(): { inputs: number[][]; targets: number[][] } {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (let i = 0; i < 64; i++) {
    const x0 = -2 + ((i * 29) % 64) / 16;
    const x1 = -2 + ((i * 13 + 7) % 64) / 16;
    inputs.push([x0, x1]);
    targets.push([Math.sin(2 * x0) * x1 + 0.5 * x0]);
  }
  return { inputs, targets };
}
