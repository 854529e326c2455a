/**
 * Temporary folders for tests: a fresh folder removed after the tests that made it, and tmpfs mounts
 * (a full or read-only file system) unmounted after them. The afterAll hooks belong to the file or the
 * describe block that calls these; vitest runs them in reverse order, so a mount inside a temporary
 * folder is unmounted before the folder is removed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh folder `gatelab-NAME-XXXXXX` in the system's temporary folder, removed after the tests. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gatelab-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A tmpfs with mount OPTIONS at a fresh folder in `parent` (needs root), unmounted after the tests; null,
 * with the reason printed, where mounting is refused.
 */
export function mountTmpfs(parent: string, options: string): string | null {
  const dir = mkdtempSync(join(parent, 'mnt-'));
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) {
    const reason = (result.stderr || result.error?.message || '').trim();
    console.log(`skipping a full/read-only file-system test: cannot mount tmpfs (${reason})`);
    return null;
  }
  afterAll(() => {
    spawnSync('umount', [dir]);
  });
  return dir;
}
