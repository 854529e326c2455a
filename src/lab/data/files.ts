/**
 * Reading data files from disk with errors that name the file and the problem.
 *
 * @module
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FileProblemError } from '../runs/files.js';

/** Error for a data file that is missing, truncated or corrupt. `file` is the path that was read. */
export class DataFileError extends FileProblemError {
  override readonly name = 'DataFileError';
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Formats a byte count for messages: "47,040,016 bytes". */
export function formatBytes(count: number): string {
  return `${count.toLocaleString('en-US')} bytes`;
}

/**
 * Reads a whole data file, gunzipping it when it starts with the gzip magic (whatever its name).
 *
 * @param what what the file should hold, for the "not found" message (e.g. "MNIST training images").
 */
export function readDataFile(file: string, what: string): Uint8Array {
  if (!existsSync(file)) throw new DataFileError(file, `${what} file not found`);
  if (statSync(file).isDirectory())
    throw new DataFileError(file, `expected the ${what} file, found a directory`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataFileError(file, `cannot read ${what}: ${(error as Error).message}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new DataFileError(
      file,
      `bad gzip data (${(error as Error).message}); the download is probably truncated or damaged`,
    );
  }
}

/**
 * Returns the first candidate name that exists in `directory`, or throws naming every name tried.
 *
 * @param candidates file names in order of preference (e.g. ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"]).
 */
export function findFile(directory: string, candidates: string[], what: string): string {
  for (const name of candidates) {
    const path = join(directory, name);
    if (existsSync(path)) return path;
  }
  throw new DataFileError(directory, `no ${what} file found (looked for ${candidates.join(', ')})`);
}

/** Checks that `path` is an existing directory; the message says what it should contain. */
export function requireDirectory(path: string, contents: string): void {
  if (!existsSync(path)) throw new DataFileError(path, `directory not found (expected ${contents})`);
  if (!statSync(path).isDirectory()) {
    const hint = /\.(tar\.gz|tgz|zip)$/i.test(path)
      ? '; extract the archive and pass the extracted directory'
      : '';
    throw new DataFileError(path, `expected a directory holding ${contents}, found a file${hint}`);
  }
}
