/**
 * Masked-language-model batches from a character corpus: random training windows (as for the GPT),
 * corrupted by BERT's 15 % / 80-10-10 rule with fresh masks every step; evaluation windows corrupted
 * with masks fixed per split (independent of the run's seed), so every run and every activation is
 * scored on the same masked positions.
 */
import {
  createRng,
  createTextBatchSampler,
  deriveSeed,
  type TextCorpus,
  textEvalBatches,
} from '../data/index.js';
import { maskTokens } from '../data/masking.js';
import type { HostBatch, LanguageDataOptions, TrainingData } from '../data/training-data.js';

/** Seed of the evaluation masks (fixed: the same masked positions for every run). */
const EVAL_MASK_SEED = 20250415;
const TRAIN_MASK_STREAM = 3;

/** The [MASK] token id for a vocabulary of `vocabSize` real tokens (one past the last). */
export function maskTokenId(vocabSize: number): number {
  return vocabSize;
}

export function maskedLanguageData(corpus: TextCorpus, options: LanguageDataOptions): TrainingData {
  const { blockSize } = options;
  const vocabSize = corpus.vocabSize;
  const masking = { vocabSize, maskId: maskTokenId(vocabSize) };
  const corrupt = (x: Int32Array, rows: number, seed: number): HostBatch => {
    const { input, labels } = maskTokens(x, createRng(seed), masking, x);
    return { x: input, y: labels, rows };
  };
  return {
    kind: 'language',
    maskedLabels: true,
    description: `${corpus.name} (${corpus.source}), masked (15% selected; 80/10/10 mask/random/keep): ${corpus.train.length} train / ${corpus.val.length} val / ${corpus.test.length} test characters, vocabulary ${vocabSize} + [MASK]`,
    inputShape: [blockSize],
    inputDtype: 'int32',
    outputSize: vocabSize,
    trainSize: corpus.train.length,
    stepsPerEpoch: () => options.stepsPerEpoch,
    *trainBatches(epoch, batchSize, seed, startBatch = 0) {
      const sampler = createTextBatchSampler(corpus.train, {
        batchSize,
        blockSize,
        seed: deriveSeed(seed, 1, epoch),
      });
      // A resumed run continues at its window; each step's mask has its own seed, so none is skipped.
      sampler.skip(startBatch);
      for (let i = startBatch; i < options.stepsPerEpoch; i++) {
        const b = sampler.next();
        yield corrupt(b.x, b.batchSize, deriveSeed(seed, TRAIN_MASK_STREAM, epoch, i));
      }
    },
    *evalBatches(split, batchSize) {
      const tokens = split === 'val' ? corpus.val : corpus.test;
      let i = 0;
      for (const b of textEvalBatches(tokens, { batchSize, blockSize, maxBatches: options.evalBatches })) {
        yield corrupt(b.x, b.batchSize, deriveSeed(EVAL_MASK_SEED, split === 'val' ? 1 : 2, i++));
      }
    },
  };
}
