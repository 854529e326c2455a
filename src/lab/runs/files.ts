/**
 * Writing and reading the lab's files safely. Every JSON and binary file is written to a temporary
 * name, flushed (fsync) and renamed, and the folder is flushed after the rename, so a crash, a power
 * cut or a full disk leaves the old file or the new one, never half of one. (Not write-file-atomic
 * 8.0.0: its writeFileSync ignores the byte count of its one writeSync, so a short write on a full disk
 * renames a truncated file into place; it does not flush the folder, its errors do not say the cause
 * in words, and it requires Node >= 22.22.2 while gatelab supports Node 20.)
 * Line files (metrics.jsonl) get whole lines appended in one write each;
 * a torn last line is skipped and reported on read. Write errors name the file and the real cause.
 *
 * JSON has no NaN or Infinity: the lab writes them as the strings "NaN", "Infinity" and "-Infinity"
 * (one convention for every file and every --json output) and `toNumber` reads them back.
 */
import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The lab's JSON value for a number: finite numbers as is, others as "NaN" / "Infinity" / "-Infinity". */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

/** JSON text in the lab's convention (non-finite numbers as strings); `indent` as JSON.stringify's. */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}

/** A number read back from the lab's JSON ("NaN", "Infinity", "-Infinity" strings included). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Plain words for the system errors a write meets. */
const WRITE_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder has that name',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EMFILE: 'too many open files',
};

/** A file or folder that could not be written; the message names it and the cause. */
export class FileWriteError extends Error {
  readonly file: string;
  readonly code: string | undefined;

  constructor(file: string, cause: unknown, action = 'write') {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const words = code !== undefined ? WRITE_CAUSES[code] : undefined;
    const detail = words !== undefined ? `${words} (${code})` : ((cause as Error)?.message ?? String(cause));
    super(`cannot ${action} ${file}: ${detail}`);
    this.name = 'FileWriteError';
    this.file = file;
    this.code = code;
  }
}

/**
 * Why `dir` cannot be created: mkdir -p reports ENOENT when a missing parent cannot be made (on a
 * read-only mount, for example); the nearest existing ancestor tells the real cause.
 */
function mkdirCause(dir: string, error: NodeJS.ErrnoException): NodeJS.ErrnoException {
  if (error.code !== 'ENOENT') return error;
  let ancestor = dirname(dir);
  while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
  try {
    accessSync(ancestor, constants.W_OK);
  } catch (accessError) {
    return accessError as NodeJS.ErrnoException;
  }
  return error;
}

/** mkdir -p with errors that name the folder and the real cause. */
export function makeFolder(dir: string): void {
  const target = resolve(dir);
  try {
    mkdirSync(target, { recursive: true });
  } catch (error) {
    throw new FileWriteError(target, mkdirCause(target, error as NodeJS.ErrnoException), 'create the folder');
  }
}

let tempCounter = 0;

/** Writes every byte of `data` to `fd`; a short write (a full disk) continues until the system errors. */
function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Writes a whole file atomically: a temporary name in the same folder, fsync, rename. */
export function writeFileSafely(file: string, data: string | Buffer): void {
  const target = resolve(file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${tempCounter++}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx');
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    removeTemporary(temp);
    throw new FileWriteError(target, error);
  }
  syncFolder(dirname(target));
}

/** Best-effort removal of a temporary file: its own error (ENOTDIR, EROFS) must not hide the write's. */
function removeTemporary(temp: string): void {
  try {
    rmSync(temp, { force: true });
  } catch {
    // The write's error below is the one to report; a temporary that could not be made needs no removal.
  }
}

/** Errors of platforms that cannot open or flush a folder (Windows): the rename is all they offer. */
const FOLDER_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF', 'ENOTSUP']);

/** fsync of a folder, so that a rename in it survives a power cut (POSIX file systems). */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || !FOLDER_SYNC_UNSUPPORTED.has(code))
      throw new FileWriteError(dir, error, 'flush the folder');
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Writes a JSON file atomically, in the lab's convention: indented by 2, or on one line (`compact`). */
export function writeJsonFile(file: string, value: unknown, compact = false): void {
  writeFileSafely(file, `${toJsonText(value, compact ? undefined : 2)}\n`);
}

/** Appends one JSON record as one whole line (a single write). */
export function appendJsonLine(file: string, record: unknown): void {
  try {
    appendFileSync(file, `${toJsonText(record)}\n`);
  } catch (error) {
    throw new FileWriteError(file, error, 'append to');
  }
}

/** An error about one file: the message is "<file>: <problem>", `file` the path. */
export class FileProblemError extends Error {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

/** A file that exists but cannot be used (truncated, not JSON, wrong shape). */
export class DamagedFileError extends FileProblemError {
  override readonly name = 'DamagedFileError';
}

/** A JSON object from its text; damaged text throws an error naming `file`. */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DamagedFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new DamagedFileError(file, 'not valid JSON (expected a JSON object)');
  return value as Record<string, unknown>;
}

/** Reads a JSON object; a missing, unreadable or damaged file throws an error naming it. */
export function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DamagedFileError(file, `cannot read (${(error as Error).message})`);
  }
  return parseJsonObject(text, file);
}

/** The records of a JSON-lines file, and a note when its last line was torn (a run stopped mid-write). */
export interface JsonLines {
  records: Record<string, unknown>[];
  /** e.g. "metrics.jsonl: the last line (12) is incomplete and was skipped"; null when whole. */
  tornLine: string | null;
}

/** JSON lines from their text (see readJsonLines); `file` names them in errors. */
export function parseJsonLines(text: string, file: string): JsonLines {
  const lines = text.split('\n');
  const records: Record<string, unknown>[] = [];
  let tornLine: string | null = null;
  let last = lines.length - 1;
  while (last > 0 && lines[last].trim() === '') last--;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      // Only the last line can be cut short (a crash or a full disk mid-append); others are damage.
      if (i === last) {
        tornLine = `${file}: the last line (${i + 1}) is incomplete and was skipped`;
        return;
      }
      throw new DamagedFileError(file, `line ${i + 1} is not valid JSON (${(error as Error).message})`);
    }
  });
  return { records, tornLine };
}

/** Reads a JSON-lines file; a torn last line is skipped and reported, any other bad line throws. */
export function readJsonLines(file: string): JsonLines {
  if (!existsSync(file)) return { records: [], tornLine: null };
  return parseJsonLines(readFileSync(file, 'utf8'), file);
}
