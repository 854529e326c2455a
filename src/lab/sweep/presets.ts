/**
 * Shipped sweep presets: `sweeps/<name>.yaml` in the package (next to package.json), found by name.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's sweeps/ folder (from src/ in development, dist/ when installed). */
export function presetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sweeps'))) return join(dir, 'sweeps');
    dir = dirname(dir);
  }
  throw new Error('the sweeps/ presets folder of the gatelab package is missing');
}

export function presetNames(): string[] {
  return readdirSync(presetsDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export type SweepSource = { kind: 'file'; path: string } | { kind: 'folder'; dir: string };

/**
 * What a FILE|DIR argument names: a planned sweep folder (holding plan.json), a YAML file, or a preset.
 */
export function locateSweep(arg: string): SweepSource {
  const path = resolve(arg);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'plan.json'))) return { kind: 'folder', dir: path };
      throw new Error(
        `${arg}: a folder without plan.json is not a sweep folder; give a sweep file or a preset name`,
      );
    }
    return { kind: 'file', path };
  }
  if (/^[A-Za-z0-9._-]+$/.test(arg)) {
    const preset = join(presetsDir(), `${arg.replace(/\.ya?ml$/, '')}.yaml`);
    if (existsSync(preset)) return { kind: 'file', path: preset };
  }
  throw new Error(`${arg}: no such sweep file, sweep folder or preset; presets: ${presetNames().join(', ')}`);
}
