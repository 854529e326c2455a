/**
 * A per-trial lock that two workers (a requeued Slurm task, a restarted pod, a second `sweep run`) can
 * race for safely, on a local disk or a shared file system.
 *
 * - Taken atomically: the lock's full content (token, pid, host) is written to a private file first,
 *   then hard-linked to the lock path; link() fails if the lock exists, so a lock file is never seen
 *   half-written and exactly one worker wins.
 * - Kept alive by a heartbeat: a worker thread touches the lock's mtime every `staleMs / 4` (a thread,
 *   so a training loop that keeps the main thread busy cannot starve it).
 * - Stale when its holder is gone: same host and the pid is dead, or no heartbeat for `staleMs` (another
 *   host, or a reused pid). A stale lock is taken over by renaming it to a private name (rename is atomic:
 *   one taker gets it); a taker that finds it renamed someone else's fresh lock puts it back.
 * - A holder whose lock was taken over (its heartbeat was too late) kills its own process at the next
 *   beat, so it cannot write over the new holder's files.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface LockInfo {
  token: string;
  pid: number;
  host: string;
  acquiredAt: string;
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Stops the heartbeat and removes the lock if it is still ours. */
  release(): void;
}

export type LockAttempt = { held: HeldLock } | { busy: LockInfo | null };

/** Default: a lock without a heartbeat for 60 s is stale (a worker on another host died). */
export const DEFAULT_STALE_MS = 60_000;

function readLock(path: string): { info: LockInfo | null; mtimeMs: number } | null {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    let info: LockInfo | null = null;
    try {
      info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    } catch {
      info = null;
    }
    return { info, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed worker whose parent died too stays a zombie until PID 1 reaps it (in a container that can
  // take a while): it still answers kill(pid, 0) but holds nothing. Linux only; elsewhere trust kill.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Whether a lock's holder is gone (see the module comment). */
export function isStale(info: LockInfo | null, mtimeMs: number, staleMs: number, now = Date.now()): boolean {
  if (now - mtimeMs > staleMs) return true;
  if (info === null) return false; // unreadable but fresh: give its writer the benefit of the doubt
  return info.host === hostname() && info.pid !== process.pid && !pidAlive(info.pid);
}

function writePrivate(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

const HEARTBEAT = `
const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync, utimesSync } = require('node:fs');
const { path, token, intervalMs } = workerData;
let misses = 0;
const beat = () => {
  let ours = false;
  try { ours = JSON.parse(readFileSync(path, 'utf8')).token === token; } catch {}
  if (ours) {
    misses = 0;
    const now = new Date();
    try { utimesSync(path, now, now); } catch {}
  } else if (++misses >= 2) {
    // Taken over: stop this process before it writes over the new holder's files.
    process.kill(process.pid, 'SIGKILL');
  }
};
const timer = setInterval(beat, intervalMs);
parentPort.on('message', () => { clearInterval(timer); parentPort.close(); });
`;

/** Tries once to take the lock at `path`; returns the held lock, or who holds it. */
export function tryLock(path: string, options: { staleMs?: number } = {}): LockAttempt {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const info: LockInfo = {
    token: randomBytes(12).toString('hex'),
    pid: process.pid,
    host: hostname(),
    acquiredAt: new Date().toISOString(),
  };
  const privatePath = `${path}.${info.token}`;
  writePrivate(privatePath, `${JSON.stringify(info)}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(privatePath, path);
        return { held: startHeartbeat(path, info, staleMs) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readLock(path);
      if (current === null) continue; // released in between: try again
      if (!isStale(current.info, current.mtimeMs, staleMs)) return { busy: current.info };
      // Take over: move the stale lock aside; if what we moved was not the stale one, put it back.
      const moved = `${path}.stale.${info.token}`;
      try {
        renameSync(path, moved);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const got = readLock(moved);
      const wanted = current.info?.token;
      if (got !== null && got.info !== null && wanted !== undefined && got.info.token !== wanted) {
        try {
          linkSync(moved, path);
        } catch {
          // someone else already holds a newer lock; the moved one's holder will notice and stop
        }
        tryUnlink(moved);
        const now = readLock(path);
        return { busy: now?.info ?? got.info };
      }
      tryUnlink(moved);
    }
    const last = readLock(path);
    return { busy: last?.info ?? null };
  } finally {
    tryUnlink(privatePath);
  }
}

function startHeartbeat(path: string, info: LockInfo, staleMs: number): HeldLock {
  const worker = new Worker(HEARTBEAT, {
    eval: true,
    workerData: { path, token: info.token, intervalMs: Math.max(50, Math.floor(staleMs / 4)) },
  });
  worker.unref();
  let released = false;
  return {
    path,
    info,
    release() {
      if (released) return;
      released = true;
      worker.postMessage('stop');
      void worker.terminate();
      const current = readLock(path);
      if (current?.info?.token === info.token) tryUnlink(path);
    },
  };
}

/** The current holder of a lock, if the lock exists and is not stale. */
export function liveHolder(path: string, staleMs = DEFAULT_STALE_MS): LockInfo | null {
  const current = readLock(path);
  if (current === null || isStale(current.info, current.mtimeMs, staleMs)) return null;
  return current.info ?? { token: '?', pid: 0, host: '?', acquiredAt: '?' };
}
