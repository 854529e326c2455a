/**
 * BERT masking statistics within binomial sampling error: 15 % of positions selected, and of those
 * 80 % [MASK], 10 % a random token, 10 % kept; labels -1 exactly where nothing is selected; training
 * masks change every step, evaluation masks are the same for every run.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/lab/data/index.js';
import { IGNORED_LABEL, maskTokens } from '../src/lab/data/masking.js';
import { textCorpusFromString } from '../src/lab/data/text.js';
import { maskedLanguageData } from '../src/lab/train/masked-data.js';

/** |observed/n - p| within z standard errors of a binomial proportion (z = 5: fails ~1 in 1.7 million). */
function expectProportion(count: number, n: number, p: number, z = 5): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p)).toBeLessThan(z * se);
}

describe('BERT masking (15 %, 80/10/10)', () => {
  it('matches the rates within binomial error and labels exactly the selected positions', () => {
    const vocab = 50;
    const maskId = vocab;
    const n = 400_000;
    const rng = createRng(7);
    const tokens = Int32Array.from({ length: n }, () => rng.int(vocab));
    const { input, labels, selected } = maskTokens(tokens, createRng(8), { vocabSize: vocab, maskId });
    let masked = 0;
    let replaced = 0;
    let same = 0;
    let labelled = 0;
    let violations = 0; // unselected positions changed, wrong labels, replacements outside the vocabulary
    for (let i = 0; i < n; i++) {
      if (labels[i] === IGNORED_LABEL) {
        if (input[i] !== tokens[i]) violations++;
        continue;
      }
      labelled++;
      if (labels[i] !== tokens[i]) violations++;
      if (input[i] === maskId) masked++;
      else if (input[i] === tokens[i]) same++;
      else if (input[i] >= 0 && input[i] < vocab) replaced++;
      else violations++;
    }
    expect(violations).toBe(0);
    expect(labelled).toBe(selected);
    expectProportion(selected, n, 0.15);
    expectProportion(masked, selected, 0.8);
    // A random replacement equals the original token with probability 1/vocab.
    expectProportion(replaced, selected, 0.1 * (1 - 1 / vocab));
    expectProportion(same, selected, 0.1 + 0.1 / vocab);
  });

  it('rejects a [MASK] id inside the vocabulary and rates outside [0, 1]', () => {
    const t = new Int32Array(4);
    expect(() => maskTokens(t, createRng(1), { vocabSize: 10, maskId: 3 })).toThrow(
      /maskId must be an integer outside the real tokens 0..9, got 3/,
    );
    expect(() => maskTokens(t, createRng(1), { vocabSize: 10, maskId: 10, selectRate: 1.5 })).toThrow(
      /selectRate must be in \[0, 1\], got 1.5/,
    );
  });

  it('fresh masks per training step, fixed masks for evaluation', () => {
    const text = 'the whale is white and the sea is wide; '.repeat(400);
    const data = maskedLanguageData(textCorpusFromString(text), {
      blockSize: 16,
      stepsPerEpoch: 2,
      evalBatches: 2,
    });
    const [a, b] = [...data.trainBatches(0, 8, 0)];
    expect(Array.from(a.y)).not.toEqual(Array.from(b.y));
    const first = [...data.evalBatches('val', 8)];
    const second = [...data.evalBatches('val', 8)];
    expect(first.map((x) => Array.from(x.x))).toEqual(second.map((x) => Array.from(x.x)));
    expect(first.map((x) => Array.from(x.y))).toEqual(second.map((x) => Array.from(x.y)));
    // The same evaluation masks whatever the run's seed: batches do not depend on it at all.
    expect(first[0].y.some((v) => v >= 0)).toBe(true);
  });
});
