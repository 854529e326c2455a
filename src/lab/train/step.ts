/**
 * The jit-compiled functions of a run: one training step (forward, backward, optional clipping and the
 * optimizer update in a single compiled graph) and one evaluation step.
 */
import type { Model } from '../models/types.js';
import {
  correctCount,
  crossEntropy,
  crossEntropySum,
  maskedCrossEntropy,
  maskedCrossEntropySum,
} from '../nn/loss.js';
import { clipByGlobalNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/types.js';
import { type ArrayTree, type JaxArray, jit, np, tree, valueAndGrad } from '../runtime.js';
import { evaluationContext, trainContext } from './context.js';

/** Everything a training step consumes and returns. */
export type TrainState = { params: ArrayTree; optState: ArrayTree; modelState: ArrayTree };

export interface StepOutput {
  state: TrainState;
  loss: JaxArray;
  /** Global gradient norm before clipping (only when clipping is on). */
  gradNorm: JaxArray | null;
}

export interface CompiledSteps {
  /** Consumes state, x, y, key and scalars. */
  train(
    state: TrainState,
    x: JaxArray,
    y: JaxArray,
    key: JaxArray,
    scalars: Record<string, JaxArray>,
  ): StepOutput;
  /**
   * Does not consume params/modelState; consumes x and y. Returns [loss sum, correct count] (a model
   * with its own loss: [loss mean x rows, 0]), plus the outputs when compiled with `outputs: true`.
   */
  evaluate(
    params: ArrayTree,
    modelState: ArrayTree,
    x: JaxArray,
    y: JaxArray,
  ): [JaxArray, JaxArray] | [JaxArray, JaxArray, JaxArray];
  /** The model's outputs (evaluation mode) for x; does not consume params/modelState; consumes x. */
  predict(params: ArrayTree, modelState: ArrayTree, x: JaxArray): JaxArray;
  dispose(): void;
}

/** The loss of one batch in training mode, with the model's next state as auxiliary output. */
export function trainingLoss(model: Model, maskedLabels = false) {
  const labelLoss = maskedLabels ? maskedCrossEntropy : crossEntropy;
  return (params: ArrayTree, modelState: ArrayTree, x: JaxArray, y: JaxArray, key: JaxArray) => {
    const ctx = trainContext(key);
    const { logits, state } = model.apply(params, modelState, x, ctx);
    ctx.finish();
    const loss = model.loss ? model.loss(logits, y) : labelLoss(logits, y.reshape([-1]));
    return [loss, state] as [JaxArray, ArrayTree];
  };
}

export interface StepOptions {
  /** Evaluation also returns the model's outputs (for a task-specific evaluation on the host). */
  outputs?: boolean;
}

export function compileSteps(
  model: Model,
  optimizer: Optimizer,
  clipNorm: number | null,
  maskedLabels = false,
  stepOptions: StepOptions = {},
): CompiledSteps {
  const lossFn = trainingLoss(model, maskedLabels);
  const evalLoss = maskedLabels ? maskedCrossEntropySum : crossEntropySum;
  const trainFn = jit(((
    state: TrainState,
    x: JaxArray,
    y: JaxArray,
    key: JaxArray,
    scalars: Record<string, JaxArray>,
  ) => {
    const [[loss, modelState], rawGrads] = valueAndGrad(lossFn as any, { hasAux: true })(
      tree.ref(state.params as never),
      state.modelState as never,
      x,
      y,
      key,
    ) as unknown as [[JaxArray, ArrayTree], ArrayTree];
    let grads = rawGrads;
    let gradNorm: JaxArray | null = null;
    if (clipNorm !== null) [grads, gradNorm] = clipByGlobalNorm(grads, clipNorm);
    const [params, optState] = optimizer.update(state.params, grads, state.optState, scalars);
    const state2 = { params, optState, modelState };
    return gradNorm === null ? { state: state2, loss } : { state: state2, loss, gradNorm };
  }) as any);
  const evalFn = jit(((params: ArrayTree, modelState: ArrayTree, x: JaxArray, y: JaxArray) => {
    const ctx = evaluationContext();
    const { logits, state } = model.apply(params, modelState, x, ctx);
    tree.dispose(state as never);
    const rows = x.shape[0];
    const outputs = stepOptions.outputs ? [logits.ref] : [];
    if (model.loss) return [model.loss(logits, y).mul(rows), np.zeros([]), ...outputs];
    const labels = y.reshape([-1]);
    return [evalLoss(logits.ref, labels.ref), correctCount(logits, labels), ...outputs];
  }) as any);
  const predictFn = jit(((params: ArrayTree, modelState: ArrayTree, x: JaxArray) => {
    const { logits, state } = model.apply(params, modelState, x, evaluationContext());
    tree.dispose(state as never);
    return logits;
  }) as any);
  return {
    train(state, x, y, key, scalars) {
      const out = trainFn(state as never, x, y, key, scalars as never) as unknown as Partial<StepOutput>;
      return { state: out.state!, loss: out.loss!, gradNorm: out.gradNorm ?? null };
    },
    evaluate: (params, modelState, x, y) =>
      evalFn(tree.ref(params as never), tree.ref(modelState as never), x, y) as unknown as
        | [JaxArray, JaxArray]
        | [JaxArray, JaxArray, JaxArray],
    predict: (params, modelState, x) =>
      predictFn(tree.ref(params as never), tree.ref(modelState as never), x) as unknown as JaxArray,
    dispose() {
      trainFn.dispose();
      evalFn.dispose();
      predictFn.dispose();
    },
  };
}
