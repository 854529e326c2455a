import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliSync } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const runsDir = tempDir('landscape-cli');

const cli = (args: string[]) => runCliSync(args, 120_000);
const quick = ['--grid', '0', '--no-hessian', '--points', '3'];

describe('gatelab landscape', () => {
  const run = join(runsDir, 'w32');
  beforeAll(() => {
    const train = cli([
      'train',
      ...['--task', 'mnist-mlp', '--activation', 'relu', '--epochs', '1', '--batch-size', '64'],
      ...['--model', 'depth=1', '--model', 'width=32', '--limit-train', '256', '--limit-eval', '128'],
      ...['--runs-dir', runsDir, '--run-id', 'w32', '--save-weights'],
    ]);
    expect(train.status, train.stderr).toBe(0);
  }, 120_000);

  it('reports the examples it used, and refuses to overwrite an earlier landscape.json', () => {
    const first = cli(['landscape', run, '--examples', '1000000000', ...quick]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('(256 training examples, eval mode)');
    const file = JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8'));
    expect(file.examples).toBe(256);
    const before = readFileSync(join(run, 'landscape.json'), 'utf8');
    const again = cli(['landscape', run, ...quick, '--seed', '3']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${join(run, 'landscape.json')} already exists`);
    expect(again.stderr).toContain('--overwrite');
    expect(readFileSync(join(run, 'landscape.json'), 'utf8')).toBe(before);
    const replaced = cli(['landscape', run, ...quick, '--seed', '3', '--overwrite']);
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8')).seed).toBe(3);
  }, 240_000);

  it('takes --device like train: records the device in landscape.json; an unknown device is an error', () => {
    const result = cli(['landscape', run, ...quick, '--device', 'wasm', '--threads', '1', '--overwrite']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('device: wasm, 1 thread');
    const file = JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8'));
    expect(file.runtime).toMatchObject({ device: 'wasm', requested: 'wasm', adapter: null, threads: 1 });
    const before = readFileSync(join(run, 'landscape.json'), 'utf8');
    const bad = cli(['landscape', run, ...quick, '--device', 'tpu', '--overwrite']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--device (device) must be one of auto, wasm, webgpu, cpu, got 'tpu'");
    expect(readFileSync(join(run, 'landscape.json'), 'utf8')).toBe(before);
  }, 120_000);

  it('a width-32 checkpoint in a width-64 run is a clear error', () => {
    const wide = join(runsDir, 'w64');
    cpSync(run, wide, { recursive: true });
    rmSync(join(wide, 'landscape.json'), { force: true });
    const config = JSON.parse(readFileSync(join(wide, 'config.json'), 'utf8'));
    config.model.width = 64;
    writeFileSync(join(wide, 'config.json'), JSON.stringify(config));
    const result = cli(['landscape', wide, ...quick]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${join(wide, 'weights.json')}: saved tensor blocks.0.linear.w has shape [784,32] but the model expects [784,64]`,
    );
    expect(result.stdout).not.toContain('loss at the trained weights');
  }, 120_000);
});
