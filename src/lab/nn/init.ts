/**
 * Parameter initialisers. They draw on the host from a seeded uniform source, so a seed fixes every
 * initial weight bit for bit on any machine, and return plain Float32Arrays (turned into jax-js arrays
 * by the layers).
 *
 * References: He et al. 2015 (arXiv 1502.01852) for Kaiming; Glorot & Bengio 2010 for Xavier.
 */

/** A uniform random source on [0, 1) (e.g. the lab's seeded `createRng(seed)`). */
export type Uniform = () => number;

/** n standard-normal draws (Box-Muller on two uniforms; the 1 - u keeps log away from 0). */
export function standardNormal(rand: Uniform, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rand()));
    const angle = 2 * Math.PI * rand();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** n draws from N(0, std^2). */
export function normalInit(rand: Uniform, n: number, std: number): Float32Array {
  const out = standardNormal(rand, n);
  for (let i = 0; i < n; i++) out[i] *= std;
  return out;
}

/** n draws from U(-bound, bound). */
export function uniformInit(rand: Uniform, n: number, bound: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * bound;
  return out;
}

/** Kaiming (He) normal: std = gain / sqrt(fanIn); gain sqrt(2) is the ReLU-family default. */
export function kaimingNormal(rand: Uniform, n: number, fanIn: number, gain = Math.SQRT2): Float32Array {
  checkFan('fanIn', fanIn);
  return normalInit(rand, n, gain / Math.sqrt(fanIn));
}

/** Kaiming (He) uniform: bound = gain * sqrt(3 / fanIn), the same variance as `kaimingNormal`. */
export function kaimingUniform(rand: Uniform, n: number, fanIn: number, gain = Math.SQRT2): Float32Array {
  checkFan('fanIn', fanIn);
  return uniformInit(rand, n, gain * Math.sqrt(3 / fanIn));
}

/** An Xavier (Glorot) initialiser: `draw` with scale gain * sqrt(numerator / (fanIn + fanOut)). */
function xavier(draw: (rand: Uniform, n: number, scale: number) => Float32Array, numerator: number) {
  return (rand: Uniform, n: number, fanIn: number, fanOut: number, gain = 1): Float32Array => {
    checkFan('fanIn', fanIn);
    checkFan('fanOut', fanOut);
    return draw(rand, n, gain * Math.sqrt(numerator / (fanIn + fanOut)));
  };
}

/** Xavier (Glorot) uniform: bound = gain * sqrt(6 / (fanIn + fanOut)). */
export const xavierUniform = xavier(uniformInit, 6);

/** Xavier (Glorot) normal: std = gain * sqrt(2 / (fanIn + fanOut)). */
export const xavierNormal = xavier(normalInit, 2);

/** Weight initialisation schemes a layer can be asked for. */
export type InitScheme = 'kaiming-normal' | 'kaiming-uniform' | 'xavier-uniform' | 'xavier-normal';

/** Fills n weights of a layer with the given fan-in/fan-out by a named scheme. */
export function initWeights(
  rand: Uniform,
  scheme: InitScheme,
  n: number,
  fanIn: number,
  fanOut: number,
): Float32Array {
  switch (scheme) {
    case 'kaiming-normal':
      return kaimingNormal(rand, n, fanIn);
    case 'kaiming-uniform':
      return kaimingUniform(rand, n, fanIn);
    case 'xavier-uniform':
      return xavierUniform(rand, n, fanIn, fanOut);
    case 'xavier-normal':
      return xavierNormal(rand, n, fanIn, fanOut);
  }
}

function checkFan(name: string, fan: number): void {
  if (!(Number.isInteger(fan) && fan > 0))
    throw new RangeError(`gatelab init: ${name} must be a positive integer, got ${fan}`);
}
