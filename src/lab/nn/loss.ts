/** Log-softmax and cross-entropy, written out so their stability is visible and tested. */
import { type JaxArray, lax, nn, np } from '../runtime.js';

/**
 * log softmax(x) = (x - m) - log(sum(exp(x - m))) with m = max(x) over `axis` (default last). Shifting
 * by the max keeps exp from overflowing; m carries no gradient (the result does not depend on it).
 * Consumes x.
 */
export function logSoftmax(x: JaxArray, axis = -1): JaxArray {
  const shifted = x.ref.sub(lax.stopGradient(x.max(axis, { keepdims: true })));
  const logSum = np.log(np.exp(shifted.ref).sum(axis, { keepdims: true }));
  return shifted.sub(logSum);
}

/**
 * Mean negative log-likelihood of integer labels under logits [N, K] (labels int32 [N]). Consumes both.
 */
export function crossEntropy(logits: JaxArray, labels: JaxArray): JaxArray {
  return crossEntropySum(logits, labels).mul(1 / labels.shape[0]);
}

/** Summed (not averaged) cross-entropy, for evaluation over batches of uneven size. Consumes both. */
export function crossEntropySum(logits: JaxArray, labels: JaxArray): JaxArray {
  const classes = logits.shape[logits.ndim - 1];
  if (logits.ndim !== 2 || labels.ndim !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(
      `gatelab crossEntropy: expected logits [N, K] and labels [N], got [${logits.shape.join(', ')}] and [${labels.shape.join(', ')}]`,
    );
  }
  return logSoftmax(logits).mul(nn.oneHot(labels, classes)).sum().neg();
}

/** Number of rows whose arg-max equals the label (int32 scalar). Consumes both. */
export function correctCount(logits: JaxArray, labels: JaxArray): JaxArray {
  return np.argmax(logits, -1).equal(labels).astype(np.int32).sum();
}

/**
 * Masked-language-model loss: summed cross-entropy over the rows whose label is >= 0; rows labelled -1
 * (positions not selected for prediction) contribute nothing. (jax-js's oneHot does not give a zero row
 * for -1, so those labels are replaced by 0 and their rows weighted by 0.) Consumes both.
 */
export function maskedCrossEntropySum(logits: JaxArray, labels: JaxArray): JaxArray {
  const classes = logits.shape[logits.ndim - 1];
  if (logits.ndim !== 2 || labels.ndim !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(
      `gatelab maskedCrossEntropy: expected logits [N, K] and labels [N], got [${logits.shape.join(', ')}] and [${labels.shape.join(', ')}]`,
    );
  }
  const valid = labels.ref.greaterEqual(0);
  const safe = np.where(valid.ref, labels, 0);
  const rowLoss = logSoftmax(logits).mul(nn.oneHot(safe, classes)).sum(-1);
  return np.where(valid, rowLoss, 0).sum().neg();
}

/** Mean of {@link maskedCrossEntropySum} over the labelled rows (at least one). Consumes both. */
export function maskedCrossEntropy(logits: JaxArray, labels: JaxArray): JaxArray {
  const count = np.maximum(labels.ref.greaterEqual(0).astype(np.float32).sum(), 1);
  return maskedCrossEntropySum(logits, labels).div(count);
}
