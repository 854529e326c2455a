/** Whole-file writes that never leave a half-written file: temp name, write, fsync, rename, fsync(dir). */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `parts` (text or bytes) to `file` atomically; errors name the file and the cause. */
export function writeFileAtomically(file: string, ...parts: (string | Uint8Array)[]): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      for (const part of parts) {
        const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
        let written = 0;
        while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new Error(`${file}: cannot write: ${describeWriteError(error)}`);
  }
  try {
    const dirFd = openSync(dirname(file), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
  }
}

/** The cause of a failed write in words (no space, read-only file system, permission). */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const causes: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
  };
  return code !== undefined && causes[code] !== undefined
    ? `${causes[code]} (${code})`
    : (error as Error).message;
}
