/**
 * The losses of the CenterNet-style detector (Zhou, Wang & Krähenbühl 2019, "Objects as Points"; focal
 * loss after Lin et al. 2017 as modified by CornerNet, Law & Deng 2018):
 *
 *   heatmap:  L_k = -1/N sum_{xyc} { (1 - p)^alpha log p                     if Y = 1
 *                                    (1 - Y)^beta p^alpha log(1 - p)          otherwise }
 *   size:     L_size = 1/N sum_centres |s_pred - s|      (box width, height in output cells)
 *   offset:   L_off  = 1/N sum_centres |o_pred - o|      (centre / stride - floor(centre / stride))
 *   total:    L_k + 0.1 L_size + L_off                   (the paper's weights), N = max(1, centres)
 *
 * with p = sigmoid(logit), alpha = 2, beta = 4. log p and log(1 - p) are computed as -softplus(-x) and
 * -softplus(x) with softplus(x) = max(x, 0) + log1p(exp(-|x|)), finite for every finite logit (jax-js's
 * own sigmoid gradient is NaN below -90).
 *
 * Layout (NHWC, per output cell): outputs [B, h, w, C + 4] = C heatmap logits, then width, height,
 * x offset, y offset; targets [B, h, w, C + 5] = C Gaussian heatmaps (exactly 1 at each centre), then
 * width, height, x offset, y offset and a centre mask (1 where a box centre falls).
 *
 * @module
 */
import { type JaxArray, np } from '../runtime.js';

/** Channels after the class heatmaps in the outputs (width, height, x offset, y offset). */
export const BOX_OUTPUTS = 4;
/** Channels after the class heatmaps in the targets (the box outputs plus the centre mask). */
export const BOX_TARGETS = 5;
/** Weights of the size and offset terms (CenterNet's defaults). */
export const SIZE_WEIGHT = 0.1;
export const OFFSET_WEIGHT = 1;

/** softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), stable for every x. Consumes x. */
export function stableSoftplus(x: JaxArray): JaxArray {
  return np.maximum(x.ref, 0).add(np.log1p(np.exp(np.abs(x).neg())));
}

/**
 * Summed focal loss of heatmap logits against Gaussian targets (not yet divided by the number of centres).
 * Positives are the cells where the target is exactly 1. Consumes both.
 */
export function heatmapFocalLossSum(logits: JaxArray, target: JaxArray, alpha = 2, beta = 4): JaxArray {
  const logP = stableSoftplus(logits.ref.neg()).neg();
  const log1mP = stableSoftplus(logits).neg();
  const p = np.exp(logP.ref);
  const oneMinusP = np.exp(log1mP.ref);
  const positive = target.ref.equal(1).astype(target.dtype);
  const negative = positive.ref.neg().add(1);
  const posTerm = np.power(oneMinusP, alpha).mul(logP).mul(positive);
  const negTerm = np.power(target.neg().add(1), beta).mul(np.power(p, alpha)).mul(log1mP).mul(negative);
  return posTerm.add(negTerm).sum().neg();
}

/**
 * The detector's total loss (see the module comment) for outputs [B, h, w, C + 4] and targets
 * [B, h, w, C + 5]: one number for the batch, normalised by its number of centres. Consumes both.
 */
export function centerNetLoss(outputs: JaxArray, targets: JaxArray, classes: number): JaxArray {
  const heat = outputs.ref.slice([], [], [], [0, classes]);
  const size = outputs.ref.slice([], [], [], [classes, classes + 2]);
  const offset = outputs.slice([], [], [], [classes + 2, classes + 4]);
  const heatTarget = targets.ref.slice([], [], [], [0, classes]);
  const sizeTarget = targets.ref.slice([], [], [], [classes, classes + 2]);
  const offsetTarget = targets.ref.slice([], [], [], [classes + 2, classes + 4]);
  const mask = targets.slice([], [], [], [classes + 4, classes + 5]);
  const centres = np.maximum(mask.ref.sum(), 1);
  const focal = heatmapFocalLossSum(heat, heatTarget);
  const sizeL1 = np.abs(size.sub(sizeTarget)).mul(mask.ref).sum();
  const offsetL1 = np.abs(offset.sub(offsetTarget)).mul(mask).sum();
  return focal.add(sizeL1.mul(SIZE_WEIGHT)).add(offsetL1.mul(OFFSET_WEIGHT)).div(centres);
}
