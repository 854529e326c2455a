/**
 * Pixel blocks to channels and back on NHWC arrays: ViT's patch cutting and the sub-pixel U-Net (ESPCN's
 * pixel shuffle) use the same layout, each block flattened as (py, px, c).
 */
import type { JaxArray } from '../runtime.js';

/** [B, H, W, C] -> [B, H/p, W/p, p*p*C] (H and W divisible by p). Consumes x. */
export function spaceToDepth(x: JaxArray, patch: number): JaxArray {
  const [batch, height, width, channels] = x.shape;
  const [gh, gw] = [height / patch, width / patch];
  return x
    .reshape([batch, gh, patch, gw, patch, channels])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([batch, gh, gw, patch * patch * channels]);
}

/** The inverse of {@link spaceToDepth}: [B, h, w, p*p*C] -> [B, h*p, w*p, C]. Consumes x. */
export function depthToSpace(x: JaxArray, patch: number): JaxArray {
  const [batch, gh, gw, depth] = x.shape;
  const channels = depth / (patch * patch);
  return x
    .reshape([batch, gh, gw, patch, patch, channels])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([batch, gh * patch, gw * patch, channels]);
}
