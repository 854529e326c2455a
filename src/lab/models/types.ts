/** What every lab model provides: functional init/apply over parameter and state trees. */
import type { Uniform } from '../nn/init.js';
import type { ArrayTree, JaxArray } from '../runtime.js';

/**
 * Per-call context of a forward pass.
 * - `train` switches batch norm to batch statistics and enables dropout.
 * - `dropout(x, rate)` applies dropout with a fresh key (identity in evaluation).
 * - `tap(name, x)` is the diagnostics hook: models pass every named activation through it. The default
 *   is the identity (free under jit); a recorder keeps a reference to x and may return x + probe, where
 *   probe is a zero input whose gradient is the gradient of the loss w.r.t. that activation.
 */
export interface ForwardContext {
  readonly train: boolean;
  dropout(x: JaxArray, rate: number): JaxArray;
  tap(name: string, x: JaxArray): JaxArray;
}

/** The kinds of model the lab builds. */
export type ModelKind = 'mlp' | 'cnn' | 'resnet' | 'gpt' | 'unet' | 'ddpm-unet' | 'vit' | 'mlm' | 'centernet';

/** Initial trees of a model. `state` holds non-trained buffers (batch-norm running statistics). */
export interface ModelInit {
  params: ArrayTree;
  state: ArrayTree;
}

export interface Model {
  readonly kind: ModelKind;
  /** One-line description with sizes, e.g. "mlp 784-[512 LN golu]x2-10". */
  readonly description: string;
  /** Resolved configuration, for config.json. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Shape of one input sample (without the batch axis), e.g. [28, 28, 1] or [blockSize]. */
  readonly inputShape: readonly number[];
  /** Number of outputs per prediction (classes or vocabulary size). */
  readonly outputSize: number;
  /** Fresh parameters and state from a seeded uniform source. */
  init(rand: Uniform): ModelInit;
  /**
   * Forward pass: x [B, ...inputShape] -> logits [N, outputSize] (N = B, or B*T for token models).
   * Consumes params, state and x; returns the logits and the next state.
   */
  apply(
    params: ArrayTree,
    state: ArrayTree,
    x: JaxArray,
    ctx: ForwardContext,
  ): { logits: JaxArray; state: ArrayTree };
  /**
   * The model's own loss, for models whose outputs are not class logits (the detector): the mean over the
   * batch of its outputs against the batch's targets (the data's `target` layout). Consumes both.
   * Absent: softmax cross-entropy over `outputSize` classes against integer labels.
   */
  loss?(outputs: JaxArray, targets: JaxArray): JaxArray;
}

/** A context for plain evaluation: no dropout, no taps. */
export const evalContext: ForwardContext = {
  train: false,
  dropout: (x) => x,
  tap: (_name, x) => x,
};
