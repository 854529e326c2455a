/** Nearest-neighbour upsampling on NHWC arrays (the decoder half of U-Nets and FCNs). */
import { type JaxArray, np } from '../runtime.js';

/**
 * Repeats every pixel `factor` x `factor` times: [B, H, W, C] -> [B, H*factor, W*factor, C]. Built from a
 * reshape and a broadcast, so its gradient is the sum over each factor x factor block (what a transposed
 * convolution with a ones kernel would give). Consumes x.
 */
export function upsampleNearest2d(x: JaxArray, factor = 2): JaxArray {
  if (x.ndim !== 4) throw new Error(`upsampling expects [B, H, W, C], got [${x.shape.join(', ')}]`);
  if (!(Number.isInteger(factor) && factor >= 1)) {
    throw new RangeError(`upsampling factor must be an integer >= 1, got ${factor}`);
  }
  const [batch, height, width, channels] = x.shape;
  const spread = np.broadcastTo(x.reshape([batch, height, 1, width, 1, channels]), [
    batch,
    height,
    factor,
    width,
    factor,
    channels,
  ]);
  return spread.reshape([batch, height * factor, width * factor, channels]);
}
