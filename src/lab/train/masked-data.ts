/**
 * Masked-language-model batches from a character corpus: random training windows (as for the GPT),
 * corrupted by BERT's 15 % / 80-10-10 rule with fresh masks every step; evaluation windows corrupted
 * with masks fixed per split (independent of the run's seed), so every run and every activation is
 * scored on the same masked positions.
 */
import { createRng, deriveSeed, type TextCorpus } from '../data/index.js';
import { maskTokens } from '../data/masking.js';
import {
  type HostBatch,
  type LanguageDataOptions,
  languageData,
  type TrainingData,
} from '../data/training-data.js';

/** Seed of the evaluation masks (fixed: the same masked positions for every run). */
const EVAL_MASK_SEED = 20250415;
const TRAIN_MASK_STREAM = 3;

/** The [MASK] token id for a vocabulary of `vocabSize` real tokens (one past the last). */
export function maskTokenId(vocabSize: number): number {
  return vocabSize;
}

export function maskedLanguageData(corpus: TextCorpus, options: LanguageDataOptions): TrainingData {
  // The GPT's windows (same sampler seeds, same evaluation windows, same length checks), corrupted.
  const windows = languageData(corpus, options);
  const vocabSize = corpus.vocabSize;
  const masking = { vocabSize, maskId: maskTokenId(vocabSize) };
  const corrupt = (b: HostBatch, seed: number): HostBatch => {
    const x = b.x as Int32Array;
    const { input, labels } = maskTokens(x, createRng(seed), masking, x);
    return { x: input, y: labels, rows: b.rows };
  };
  return {
    ...windows,
    maskedLabels: true,
    description: `${corpus.name} (${corpus.source}), masked (15% selected; 80/10/10 mask/random/keep): ${corpus.train.length} train / ${corpus.val.length} val / ${corpus.test.length} test characters, vocabulary ${vocabSize} + [MASK]`,
    *trainBatches(epoch, batchSize, seed, startBatch = 0) {
      // A resumed run continues at its window; each step's mask has its own seed, so none is skipped.
      let i = startBatch;
      for (const b of windows.trainBatches(epoch, batchSize, seed, startBatch))
        yield corrupt(b, deriveSeed(seed, TRAIN_MASK_STREAM, epoch, i++));
    },
    *evalBatches(split, batchSize) {
      let i = 0;
      for (const b of windows.evalBatches(split, batchSize))
        yield corrupt(b, deriveSeed(EVAL_MASK_SEED, split === 'val' ? 1 : 2, i++));
    },
  };
}
