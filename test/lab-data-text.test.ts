import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createTextBatchSampler,
  loadTextCorpus,
  textCorpusFromString,
  textEvalBatches,
} from '../src/lab/data/text.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir('text-test');

describe('embedded Moby-Dick corpus', () => {
  const corpus = loadTextCorpus();

  it('has the documented size, sorted vocabulary and contiguous 90/5/5 splits', () => {
    expect(corpus.name).toBe('moby-dick');
    expect(corpus.length).toBe(1_217_396);
    expect(corpus.vocabSize).toBe(89);
    const codePoints = corpus.vocab.map((char) => char.codePointAt(0)!);
    expect(codePoints).toEqual([...codePoints].sort((a, b) => a - b));
    expect(new Set(corpus.vocab).size).toBe(89);
    expect(corpus.vocab[0]).toBe('\n');
    expect(corpus.train.length).toBe(Math.floor(1_217_396 * 0.9));
    expect(corpus.val.length).toBe(Math.floor(1_217_396 * 0.95) - Math.floor(1_217_396 * 0.9));
    expect(corpus.train.length + corpus.val.length + corpus.test.length).toBe(1_217_396);
    // Contiguous: the splits are consecutive views of one token buffer.
    expect(corpus.val.byteOffset).toBe(corpus.train.byteOffset + corpus.train.byteLength);
    expect(corpus.test.byteOffset).toBe(corpus.val.byteOffset + corpus.val.byteLength);
    expect(corpus.decode(corpus.train.subarray(0, 8))).toBe('CONTENTS');
    expect(corpus.decode(corpus.test.subarray(corpus.test.length - 16))).toBe('another orphan.\n');
  });

  it('encode/decode round-trip and reject unknown characters or ids', () => {
    const text = 'Call me Ishmael. Some years ago—never mind how long precisely';
    const ids = corpus.encode(text);
    expect(ids.length).toBe(Array.from(text).length);
    expect(corpus.decode(ids)).toBe(text);
    expect(() => corpus.encode('café')).toThrow(
      'encode: character "é" (U+00E9) is not in the moby-dick vocabulary',
    );
    expect(() => corpus.decode([0, 89])).toThrow('decode: token id 89 at position 1 is outside [0, 89)');
  });
});

describe('text batch samplers', () => {
  const corpus = textCorpusFromString('abcdefghijklmnopqrstuvwxyz'.repeat(40), 'alphabet');

  it('samples (blockSize+1)-token windows: y is x shifted by one, seeded and reproducible', () => {
    const options = { batchSize: 8, blockSize: 16, seed: 5 };
    const a = createTextBatchSampler(corpus.train, options);
    const b = createTextBatchSampler(corpus.train, options);
    const batch = a.next();
    expect(batch.x.length).toBe(8 * 16);
    expect(b.next()).toEqual(batch);
    expect(a.next()).not.toEqual(batch);
    expect(createTextBatchSampler(corpus.train, { ...options, seed: 6 }).next()).not.toEqual(batch);
    const trainText = corpus.decode(corpus.train);
    for (let row = 0; row < 8; row++) {
      const x = batch.x.subarray(row * 16, (row + 1) * 16);
      const y = batch.y.subarray(row * 16, (row + 1) * 16);
      expect(Array.from(y.subarray(0, 15))).toEqual(Array.from(x.subarray(1)));
      const window = corpus.decode(x) + corpus.decode(y.subarray(15));
      expect(trainText.includes(window)).toBe(true);
    }
  });

  it('reaches every start offset including the last one', () => {
    const tokens = new Int32Array([0, 1, 2, 3, 4, 5]);
    const sampler = createTextBatchSampler(tokens, { batchSize: 50, blockSize: 3, seed: 1 });
    const firsts = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const { x } = sampler.next();
      for (let row = 0; row < 50; row++) firsts.add(x[row * 3]);
    }
    expect([...firsts].sort()).toEqual([0, 1, 2]); // 6 tokens, window 4: starts 0..2
  });

  it('eval batches are consecutive non-overlapping windows; bad sizes are clear errors', () => {
    const tokens = new Int32Array(Array.from({ length: 101 }, (_, i) => i));
    const batches = Array.from(textEvalBatches(tokens, { batchSize: 3, blockSize: 10 }));
    expect(batches.map((b) => b.batchSize)).toEqual([3, 3, 3, 1]);
    const allX = batches.flatMap((b) => Array.from(b.x));
    expect(allX).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(batches[3].y[9]).toBe(100);
    expect(Array.from(textEvalBatches(tokens, { batchSize: 3, blockSize: 10, maxBatches: 2 }))).toHaveLength(
      2,
    );
    expect(() => createTextBatchSampler(tokens, { batchSize: 1, blockSize: 100, seed: 1 })).not.toThrow();
    expect(() => createTextBatchSampler(tokens, { batchSize: 1, blockSize: 101, seed: 1 })).toThrow(
      'createTextBatchSampler: 101 tokens are too few for one window of blockSize + 1 = 102 tokens',
    );
    expect(() => createTextBatchSampler(tokens, { batchSize: 0, blockSize: 4, seed: 1 })).toThrow(
      /batchSize/,
    );
  });
});

describe('text files on disk', () => {
  it('reads UTF-8 with multi-byte and astral characters; vocabulary sorted by code point', () => {
    const file = join(root, 'stories.txt');
    const text = 'Once upon a time, Zoë saw a 🐳.\n<|endoftext|>\nThe end — café.\n'.repeat(20);
    writeFileSync(file, text);
    const corpus = loadTextCorpus({ path: file });
    expect(corpus.truncated).toBe(false);
    expect(corpus.length).toBe(Array.from(text).length);
    expect(corpus.vocab.at(-1)).toBe('🐳');
    expect(corpus.vocab).toContain('—');
    const all = new Int32Array(corpus.length);
    all.set(corpus.train);
    all.set(corpus.val, corpus.train.length);
    all.set(corpus.test, corpus.train.length + corpus.val.length);
    expect(corpus.decode(all)).toBe(text);
    expect(corpus.encode('Zoë 🐳')).toHaveLength(5);
  });

  it('maxBytes reads a prefix cut back to a whole character', () => {
    const file = join(root, 'prefix.txt');
    writeFileSync(file, 'ab€cd'); // € is 3 bytes: bytes a b e2 82 ac c d
    const cut = loadTextCorpus({ path: file, maxBytes: 4 });
    expect(cut.truncated).toBe(true);
    expect(cut.decode(cut.train) + cut.decode(cut.val) + cut.decode(cut.test)).toBe('ab');
    expect(cut.source).toBe(`first 4 bytes of ${file}`);
    const whole = loadTextCorpus({ path: file, maxBytes: 5 });
    expect(whole.vocab).toEqual(['a', 'b', '€']);
    expect(() => loadTextCorpus({ path: file, maxBytes: 0 })).toThrow(/maxBytes/);
  });

  it('decodes characters that straddle the 16 MiB read chunks', () => {
    const file = join(root, 'big.txt');
    const head = 'x'.repeat(16 * 1024 * 1024 - 1);
    writeFileSync(file, `${head}€y`);
    const corpus = loadTextCorpus({ path: file });
    expect(corpus.length).toBe(head.length + 2);
    expect(corpus.vocab).toEqual(['x', 'y', '€']);
    expect(corpus.decode(corpus.test.subarray(corpus.test.length - 2))).toBe('€y');
  });

  it('names the file and the problem: missing, directory, empty, invalid UTF-8', () => {
    const missing = join(root, 'missing.txt');
    expect(() => loadTextCorpus({ path: missing })).toThrow(`${missing}: text corpus file not found`);
    const dir = join(root, 'a-dir');
    mkdirSync(dir);
    expect(() => loadTextCorpus({ path: dir })).toThrow(
      `${dir}: expected a UTF-8 text file, found a directory`,
    );
    const empty = join(root, 'empty.txt');
    writeFileSync(empty, '');
    expect(() => loadTextCorpus({ path: empty })).toThrow(`${empty}: text corpus file is empty`);
    const binary = join(root, 'binary.txt');
    writeFileSync(binary, Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x00, 0x41]));
    expect(() => loadTextCorpus({ path: binary })).toThrow(`${binary}: not valid UTF-8 text`);
    // A file above the default 256 MiB cap (sparse, so it costs no disk) must be read with an explicit maxBytes.
    const huge = join(root, 'huge.txt');
    writeFileSync(huge, 'hello ');
    truncateSync(huge, 300 * 1024 * 1024);
    expect(() => loadTextCorpus({ path: huge })).toThrow(
      `${huge}: file is 314,572,800 bytes, more than the default limit of 268,435,456 bytes; pass maxBytes to read only the first part`,
    );
    expect(loadTextCorpus({ path: huge, maxBytes: 6 }).vocab).toEqual([' ', 'e', 'h', 'l', 'o']);
  });
});
