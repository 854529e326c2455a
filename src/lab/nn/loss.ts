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

/**
 * Number of rows whose arg-max (the first maximum, as np.argmax) equals the label (int32 scalar); a row
 * holding a NaN never counts as correct. Consumes both.
 *
 * Written without float equality: jax-js's np.argmax is `equal(x, max(x))`, and its WebGPU code writes
 * each float comparison `a != b` as `(a != b || min(a, inf) != a)` (a NaN test). The short-circuit `||`
 * becomes a branch, and SwiftShader's pipeline compile time grows steeply with the branches in one
 * shader (timed by hand on the arg-max shader; with a non-short-circuit `|` it compiled at once);
 * jax-js computed 4 rows per thread for 1024 rows of 11 classes (not for 256), 44 branches, and mnist-seg's first evaluation (10,752 pixel rows) never finished. Here only `<`
 * comparisons and integer arithmetic reach the shader: for a NaN-free row, x < max(x) is false exactly
 * at the maxima.
 */
export function correctCount(logits: JaxArray, labels: JaxArray): JaxArray {
  const classes = logits.shape[logits.ndim - 1];
  const rowMax = np.max(logits.ref, -1, { keepdims: true });
  const atMax = np.subtract(1, logits.ref.less(rowMax).astype(np.int32));
  // The first maximum gets the largest weight (classes - index), as in jax-js's np.argmax.
  const weights = np.arange(classes, 0, -1, { dtype: np.int32 });
  const predicted = np.subtract(classes, np.max(atMax.mul(weights), -1));
  // Not NaN: below +inf or above -inf (integer max, not a boolean `||`).
  const notNaN = np.maximum(
    logits.ref.less(Number.POSITIVE_INFINITY).astype(np.int32),
    logits.greater(Number.NEGATIVE_INFINITY).astype(np.int32),
  );
  return predicted.equal(labels).astype(np.int32).mul(np.min(notNaN, -1)).sum();
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
