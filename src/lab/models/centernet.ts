/**
 * A small one-stage detector in the style of CenterNet (Zhou, Wang & Krähenbühl 2019, "Objects as
 * Points"): a convolutional backbone down to stride 4, then two heads on every output cell — a heatmap
 * of box centres per class (sigmoid logits, bias initialised to -2.19 so that the prior is 0.1, as in the
 * paper) and the box's width, height and sub-cell centre offset. Every block is [conv3x3 -> GroupNorm ->
 * activation]; 2x2 max pooling between stages. Input NHWC [B, S, S, 1] with S divisible by 4; outputs
 * [B, S/4, S/4, classes + 4]. Its loss is the focal + L1 loss of ../nn/detection-loss.ts; decoding
 * (peaks, boxes, NMS) happens on the host (../data/detection-data.ts).
 */
import { type Conv2dParams, conv2d, conv2dInit } from '../nn/conv2d.js';
import { BOX_OUTPUTS, centerNetLoss } from '../nn/detection-loss.js';
import { type GroupNormParams, groupNorm, groupNormInit } from '../nn/group-norm.js';
import { maxPool2d } from '../nn/pool.js';
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { activationLabel } from './activation-spec.js';
import type { Model } from './types.js';
import { type StagedConvConfig, stageSizes } from './unet.js';

/** Output stride of the detector: one output cell per 4 x 4 input pixels. */
export const DETECTOR_STRIDE = 4;
/** Heatmap bias at initialisation: -log((1 - 0.1) / 0.1), a prior of 0.1 per cell (CenterNet). */
export const HEATMAP_PRIOR_BIAS = -Math.log((1 - 0.1) / 0.1);

/** The detector's options; inputShape [S, S, C]; channels: the stages at stride 1, 2, 4, default [8, 16, 32]. */
export type CenterNetConfig = StagedConvConfig;

type Block = { conv: Conv2dParams; norm: GroupNormParams };
type CenterNetParams = {
  stem: Block;
  stage2: [Block, Block];
  stage3: [Block, Block, Block, Block];
  heatHidden: Block;
  heat: Conv2dParams;
  boxHidden: Block;
  box: Conv2dParams;
};

export function centernet(config: CenterNetConfig): Model {
  // Two 2x2 poolings: stageSizes checks the sides are divisible by 4 = DETECTOR_STRIDE.
  const { channels, groups, height, width, inChannels, act } = stageSizes('centernet', config, [8, 16, 32]);
  const [c1, c2, c3] = channels;
  const classes = config.numClasses;
  const label = activationLabel(config.activation);
  const blockInit = (rand: () => number, cin: number, cout: number): Block => ({
    conv: conv2dInit(rand, cin, cout, 3, { bias: false }),
    norm: groupNormInit(cout),
  });
  const block = (p: Block, x: JaxArray, name: string, tap: (n: string, v: JaxArray) => JaxArray) =>
    tap(name, act(groupNorm(p.norm, conv2d(p.conv, x), groups)));

  return {
    kind: 'centernet',
    description: `centernet ${height}x${width}x${inChannels} [conv3x3 GN${groups} ${label}] stages ${c1}-${c2}-${c3} (stride 4), heads: ${classes} centre heatmaps + size + offset`,
    config: { channels: [...channels], groups, numClasses: classes, stride: DETECTOR_STRIDE },
    inputShape: config.inputShape,
    outputSize: classes + BOX_OUTPUTS,
    init(rand) {
      const heat = conv2dInit(rand, c3, classes, 1, { init: 'xavier-uniform' }) as {
        w: JaxArray;
        b: JaxArray;
      };
      heat.b.dispose();
      heat.b = np.full([classes], HEATMAP_PRIOR_BIAS);
      const params: CenterNetParams = {
        stem: blockInit(rand, inChannels, c1),
        stage2: [blockInit(rand, c1, c2), blockInit(rand, c2, c2)],
        stage3: [
          blockInit(rand, c2, c3),
          blockInit(rand, c3, c3),
          blockInit(rand, c3, c3),
          blockInit(rand, c3, c3),
        ],
        heatHidden: blockInit(rand, c3, c3),
        heat,
        boxHidden: blockInit(rand, c3, c3),
        box: conv2dInit(rand, c3, BOX_OUTPUTS, 1, { init: 'xavier-uniform' }),
      };
      return { params: params as unknown as ArrayTree, state: {} };
    },
    apply(params, state, x, ctx) {
      const p = params as unknown as CenterNetParams;
      const tap = ctx.tap.bind(ctx);
      let h = block(p.stem, x, 'stem', tap);
      h = maxPool2d(h, 2);
      h = block(p.stage2[0], h, 'stage2.0', tap);
      h = block(p.stage2[1], h, 'stage2.1', tap);
      h = maxPool2d(h, 2);
      p.stage3.forEach((b, i) => {
        h = block(b, h, `stage3.${i}`, tap);
      });
      const heat = conv2d(p.heat, block(p.heatHidden, h.ref, 'heat.hidden', tap));
      const box = conv2d(p.box, block(p.boxHidden, h, 'box.hidden', tap));
      return { logits: np.concatenate([heat, box], 3), state };
    },
    loss: (outputs, targets) => centerNetLoss(outputs, targets, classes),
  };
}
