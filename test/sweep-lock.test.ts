/**
 * The per-trial lock with real processes: one winner among racing workers (fresh and stale locks), takeover
 * of locks whose holder died (dead pid) or stopped beating (old mtime, another host), a heartbeat that
 * runs while the main thread is blocked, and a holder that loses its lock stopping itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale, liveHolder, tryLock } from '../src/lab/sweep/lock.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir('sweep-lock');
const lockModule = resolve('src/lab/sweep/lock.ts');

/**
 * A worker process: waits for a start time, tries the lock, prints held/busy, and holds the lock until its
 * stdin closes (so every contender has tried while the winner still holds it).
 */
const script = join(dir, 'contender.ts');
writeFileSync(
  script,
  `import { tryLock } from ${JSON.stringify(lockModule)};
const [path, startAt, staleMs] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {}
const r = tryLock(path, { staleMs: Number(staleMs) });
process.stdout.write('held' in r ? 'held\\n' : 'busy\\n');
process.stdin.resume();
process.stdin.on('end', () => {
  if ('held' in r) r.held.release();
  process.exit(0);
});
`,
);

function startContender(path: string, startAt: number, staleMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, path, String(startAt), String(staleMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answer = new Promise<string>((done) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) done(out.trim());
    });
    child.on('close', () => done(out.trim()));
  });
  return { child, answer };
}

async function contenders(path: string, n: number, staleMs = 60_000): Promise<string[]> {
  const startAt = Date.now() + 4000; // after every process has started
  const all = Array.from({ length: n }, () => startContender(path, startAt, staleMs));
  const answers = await Promise.all(all.map((c) => c.answer));
  await Promise.all(
    all.map(
      ({ child }) =>
        new Promise((done) => {
          child.on('close', done);
          child.stdin.end();
        }),
    ),
  );
  return answers;
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function writeLock(path: string, info: { pid: number; host: string; token: string }, ageMs = 0): void {
  writeFileSync(path, JSON.stringify({ ...info, acquiredAt: new Date().toISOString() }));
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
}

describe('per-trial lock', () => {
  it('exactly one of six racing processes takes a free lock', async () => {
    const path = join(dir, 'free.lock');
    const results = await contenders(path, 6);
    expect(results.filter((r) => r === 'held').length).toBe(1);
    expect(results.filter((r) => r === 'busy').length).toBe(5);
  });

  it('exactly one of six racing processes takes over a lock whose holder died', async () => {
    const path = join(dir, 'dead.lock');
    writeLock(path, { pid: deadPid(), host: hostname(), token: 'dead' });
    expect(liveHolder(path)).toBeNull();
    const results = await contenders(path, 6);
    expect(results.filter((r) => r === 'held').length).toBe(1);
  });

  it('a lock of another host is stale only after staleMs without a heartbeat', () => {
    const path = join(dir, 'remote.lock');
    writeLock(path, { pid: 1, host: 'some-other-node', token: 'remote' }, 0);
    const first = tryLock(path, { staleMs: 5000 });
    expect('busy' in first && first.busy?.token).toBe('remote');
    writeLock(path, { pid: 1, host: 'some-other-node', token: 'remote' }, 10_000);
    const second = tryLock(path, { staleMs: 5000 });
    expect('held' in second).toBe(true);
    if ('held' in second) {
      expect(JSON.parse(readFileSync(path, 'utf8')).token).toBe(second.held.info.token);
      second.held.release();
    }
    expect(() => statSync(path)).toThrow(/ENOENT/);
    expect(
      isStale({ pid: process.pid, host: hostname(), token: 'x', acquiredAt: '' }, Date.now(), 1000),
    ).toBe(false);
  });

  it('the heartbeat keeps the lock fresh while the main thread is blocked', () => {
    const path = join(dir, 'beat.lock');
    const r = tryLock(path, { staleMs: 400 });
    expect('held' in r).toBe(true);
    if (!('held' in r)) return;
    // Block this thread for 1.5 s (a training step that never yields).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    const age = Date.now() - statSync(path).mtimeMs;
    expect(age).toBeLessThan(400);
    r.held.release();
  });

  it('a holder whose lock was taken over kills itself', async () => {
    const path = join(dir, 'lost.lock');
    const { child: holder, answer } = startContender(path, 0, 300);
    expect(await answer).toBe('held');
    // Someone else's lock replaces it (as after a takeover following a missed heartbeat).
    writeLock(path, { pid: process.pid, host: hostname(), token: 'new-holder' });
    const signal = await new Promise<NodeJS.Signals | null>((done) =>
      holder.on('close', (_code, s) => done(s)),
    );
    expect(signal).toBe('SIGKILL');
    expect(JSON.parse(readFileSync(path, 'utf8')).token).toBe('new-holder');
  });
});
