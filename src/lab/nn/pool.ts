/** Pooling on NHWC arrays: non-overlapping windows (size = stride), PyTorch floor mode (ragged edge dropped). */
import type { JaxArray } from '../runtime.js';

function windows(x: JaxArray, size: number): JaxArray {
  if (x.ndim !== 4) throw new Error(`gatelab pool: expected [B, H, W, C], got [${x.shape.join(', ')}]`);
  if (!(Number.isInteger(size) && size >= 1))
    throw new RangeError(`gatelab pool: size must be a positive integer`);
  const [batch, height, width, channels] = x.shape;
  const outH = Math.floor(height / size);
  const outW = Math.floor(width / size);
  if (outH === 0 || outW === 0)
    throw new Error(`gatelab pool: window ${size} is larger than the ${height}x${width} input`);
  const cropped =
    outH * size === height && outW * size === width ? x : x.slice([], [0, outH * size], [0, outW * size], []);
  return cropped.reshape([batch, outH, size, outW, size, channels]);
}

/**
 * Max over size x size windows. On ties jax-js splits the gradient equally between the maxima (a valid
 * subgradient; PyTorch picks one). Consumes x.
 */
export function maxPool2d(x: JaxArray, size = 2): JaxArray {
  return windows(x, size).max([2, 4]);
}

/** Mean over size x size windows. Consumes x. */
export function avgPool2d(x: JaxArray, size = 2): JaxArray {
  return windows(x, size).mean([2, 4]);
}

/** Mean over all spatial positions: [B, H, W, C] -> [B, C]. Consumes x. */
export function globalAvgPool(x: JaxArray): JaxArray {
  return x.mean([1, 2]);
}
