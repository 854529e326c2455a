/**
 * BERT's masked-language-model corruption (Devlin et al. 2019, arXiv 1810.04805, §3.1): each position
 * is selected for prediction with probability 15 %; a selected token is replaced by the [MASK] token
 * 80 % of the time, by a uniformly random token 10 % of the time, and kept 10 % of the time. The label
 * is the original token at selected positions and -1 elsewhere (no loss there).
 */
import type { Rng } from './random.js';

export interface MaskingOptions {
  /** Real tokens are 0..vocabSize-1; a random replacement is drawn uniformly from them. */
  vocabSize: number;
  /** Id of the [MASK] token (the lab uses vocabSize). */
  maskId: number;
  /** Probability that a position is selected. BERT: 0.15. */
  selectRate?: number;
  /** Of the selected: probability of [MASK]. BERT: 0.8. */
  maskRate?: number;
  /** Of the selected: probability of a random token. BERT: 0.1 (the rest, 0.1, stay). */
  randomRate?: number;
}

/** Label of a position that is not predicted. */
export const IGNORED_LABEL = -1;

export const BERT_MASKING = { selectRate: 0.15, maskRate: 0.8, randomRate: 0.1 } as const;

export function checkMaskingOptions(o: MaskingOptions): void {
  if (!(Number.isInteger(o.vocabSize) && o.vocabSize >= 1))
    throw new RangeError(`masking: vocabSize must be a positive integer, got ${o.vocabSize}`);
  if (!Number.isInteger(o.maskId) || (o.maskId >= 0 && o.maskId < o.vocabSize)) {
    throw new RangeError(
      `masking: maskId must be an integer outside the real tokens 0..${o.vocabSize - 1}, got ${o.maskId}`,
    );
  }
  const { selectRate = 0.15, maskRate = 0.8, randomRate = 0.1 } = o;
  for (const [name, v] of [
    ['selectRate', selectRate],
    ['maskRate', maskRate],
    ['randomRate', randomRate],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`masking: ${name} must be in [0, 1], got ${v}`);
  }
  if (maskRate + randomRate > 1)
    throw new RangeError(`masking: maskRate + randomRate must be <= 1, got ${maskRate + randomRate}`);
}

/**
 * Corrupts `tokens` into `input` and writes `labels` (same length; `input` may be `tokens` itself).
 * Returns the number of selected positions.
 */
export function maskTokens(
  tokens: Int32Array,
  rng: Rng,
  options: MaskingOptions,
  input: Int32Array = new Int32Array(tokens.length),
  labels: Int32Array = new Int32Array(tokens.length),
): { input: Int32Array; labels: Int32Array; selected: number } {
  checkMaskingOptions(options);
  const { vocabSize, maskId } = options;
  const selectRate = options.selectRate ?? BERT_MASKING.selectRate;
  const maskRate = options.maskRate ?? BERT_MASKING.maskRate;
  const randomRate = options.randomRate ?? BERT_MASKING.randomRate;
  let selected = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (rng.next() >= selectRate) {
      input[i] = token;
      labels[i] = IGNORED_LABEL;
      continue;
    }
    selected++;
    labels[i] = token;
    const u = rng.next();
    if (u < maskRate) input[i] = maskId;
    else if (u < maskRate + randomRate) input[i] = rng.int(vocabSize);
    else input[i] = token;
  }
  return { input, labels, selected };
}
