import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseLearningRates, parseSeeds } from '../src/cli/args/lists.js';
import { runOptionsMarkdown } from '../src/cli/args/run-options.js';
import { registerCompare } from '../src/cli/compare.js';
import { registerTrain } from '../src/cli/train.js';
import { activationChoice, parseActivationList, parseActivationSpec } from '../src/lab/options/activation.js';
import { RUN_OPTIONS, type RunOption } from '../src/lab/options/schema.js';
import { TASKS } from '../src/lab/tasks.js';
import {
  describeRunConfig,
  resolveRunConfig,
  runConfigFromJson,
  runConfigHash,
  runConfigJson,
} from '../src/lab/train/config.js';
import { runCliSync } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir('options');
const options = RUN_OPTIONS as readonly RunOption[];

describe('task defaults', () => {
  it('resolve to the training setup each task had before the schema', () => {
    const pick = (task: string) => {
      const c = resolveRunConfig(task, { name: 'relu' });
      return [
        c.epochs,
        c.batchSize,
        c.lr,
        c.optimizer,
        c.weightDecay,
        c.momentum,
        c.nesterov,
        c.clipNorm,
        c.evalBatchSize,
      ];
    };
    const cosine = { kind: 'cosine', warmup: 0, minRatio: 0 };
    expect(pick('mnist-mlp')).toEqual([4, 128, 3e-3, 'adamw', 0.01, 0.9, false, null, 500]);
    expect(pick('fashion-cnn')).toEqual([1, 64, 1e-3, 'adamw', 0.01, 0.9, false, null, 250]);
    expect(pick('mnist-resnet')).toEqual([2, 128, 0.1, 'sgd', 5e-4, 0.9, true, null, 250]);
    expect(pick('text-gpt')).toEqual([3, 32, 2e-3, 'adamw', 0.1, 0.9, false, 1, 32]);
    for (const task of ['cifar10-resnet', 'cifar100-resnet'])
      expect(pick(task)).toEqual([10, 128, 0.1, 'sgd', 5e-4, 0.9, true, null, 250]);
    for (const task of ['mnist-mlp', 'fashion-cnn', 'mnist-resnet', 'cifar10-resnet'])
      expect(resolveRunConfig(task, { name: 'relu' }).schedule).toEqual(cosine);
    const gpt = resolveRunConfig('text-gpt', { name: 'relu' });
    expect(gpt.schedule).toEqual({ kind: 'cosine', warmup: 50, minRatio: 0.1 });
    expect(gpt.data).toEqual({ dataPath: null, stepsPerEpoch: 200, evalBatches: 8 });
    expect(gpt.model).toEqual({ blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0 });
    expect(resolveRunConfig('mnist-mlp', { name: 'relu' }).data).toEqual({
      dataPath: null,
      limitTrain: null,
      limitEval: null,
    });
  });

  it('tasks declare only what differs from the schema, and every option is declared once', () => {
    for (const task of TASKS) {
      for (const [key, value] of Object.entries(task.defaults)) {
        const option = options.find((o) => o.key === key)!;
        expect(JSON.stringify(value), `${task.name}.${key} repeats the schema default`).not.toBe(
          JSON.stringify(option.default),
        );
      }
    }
    expect(new Set(options.map((o) => o.key)).size).toBe(options.length);
    expect(new Set(options.map((o) => o.flag)).size).toBe(options.length);
    // The README's table is the schema's (regenerate: npx tsx scripts/run-options-table.ts).
    expect(readFileSync('README.md', 'utf8')).toContain(runOptionsMarkdown());
    for (const o of options) {
      expect(o.help.length, o.key).toBeGreaterThan(5);
      expect(() => o.type.fromJson(o.default), o.key).not.toThrow();
    }
  });
});

describe('resolveRunConfig', () => {
  it('names the option, the valid range and the value in every message', () => {
    const relu = { name: 'relu' };
    expect(() => resolveRunConfig('mnist-mlp', relu, { batchSize: 0 })).toThrow(
      /--batch-size \(training batch size\) must be an integer in \[1, Infinity\), got 0/,
    );
    expect(() => resolveRunConfig('mnist-mlp', relu, { seed: 1e20 })).toThrow(
      /\[0, 4294967295\], got 100000000000000000000/,
    );
    expect(() => resolveRunConfig('mnist-mlp', relu, { momentum: 1 })).toThrow(/\[0, 1\), got 1/);
    expect(() =>
      resolveRunConfig('mnist-mlp', relu, { schedule: { kind: 'cosine', warmup: -5, minRatio: 0 } }),
    ).toThrow(/--schedule/);
    expect(() => resolveRunConfig('mnist-mlp', { name: 'golu', params: { alpha: Number.NaN } })).toThrow(
      /golu parameter 'alpha' must be a number in \(0, Infinity\), got NaN/,
    );
  });

  it('rejects options that do not apply to the task, naming both', () => {
    expect(() => resolveRunConfig('text-gpt', { name: 'relu' }, { data: { limitTrain: 10 } })).toThrow(
      /--limit-train .* applies to image tasks .*not to text-gpt \(a text task\)/,
    );
    expect(() => resolveRunConfig('mnist-mlp', { name: 'relu' }, { data: { stepsPerEpoch: 3 } })).toThrow(
      /--steps-per-epoch .* applies to text tasks \(text-gpt, text-mlm\), not to mnist-mlp \(an image task\)/,
    );
    expect(() => resolveRunConfig('mnist-mlp', { name: 'relu' }, { model: { nHead: 2 } })).toThrow(
      /--model nHead: not an option of the mlp model of mnist-mlp; valid: depth, width/,
    );
    expect(() =>
      resolveRunConfig('mnist-mlp', { name: 'relu' }, { epoch: 3 } as unknown as Record<string, never>),
    ).toThrow(/unknown run option 'epoch'; valid: seed, epochs/);
  });

  it('gives a canonical plain-JSON configuration: run.json round-trips and hashes the same', () => {
    const a = resolveRunConfig(
      'mnist-mlp',
      { name: 'golu', params: { gamma: 2 } },
      {
        lr: 0.01,
        epochs: 2,
        model: { width: 32, depth: 1 },
        data: { limitTrain: 256 },
      },
    );
    const b = resolveRunConfig(
      'mnist-mlp',
      { name: 'golu', params: { gamma: 2 } },
      {
        data: { limitTrain: 256 },
        model: { depth: 1, width: 32 },
        epochs: 2,
        lr: 0.01,
      },
    );
    expect(runConfigJson(a)).toBe(runConfigJson(b));
    expect(runConfigHash(a)).toBe(runConfigHash(b));
    expect(runConfigHash(a)).not.toBe(runConfigHash({ ...a, seed: 1 }));
    expect(Object.keys(a).slice(0, 4)).toEqual(['task', 'activation', 'seed', 'epochs']);
    expect(Object.keys(a).slice(-2)).toEqual(['model', 'data']);
    const back = runConfigFromJson(JSON.parse(runConfigJson(a)), 'run.json');
    expect(back).toEqual(a);
    expect(runConfigJson(back)).toBe(runConfigJson(a));
    // A hand-written file needs only the task and the activation.
    const partial = runConfigFromJson(
      { task: 'mnist-mlp', activation: { name: 'gelu' }, epochs: 1 },
      'f.json',
    );
    expect(partial).toEqual(resolveRunConfig('mnist-mlp', { name: 'gelu' }, { epochs: 1 }));
    expect(() =>
      runConfigFromJson({ task: 'mnist-mlp', activation: { name: 'relu' }, lr: 'x' }, 'f.json'),
    ).toThrow(/^f\.json: --lr \(base learning rate\) must be a number in \(0, Infinity\), got 'x'$/);
    expect(() => runConfigFromJson({ activation: { name: 'relu' } }, 'f.json')).toThrow(
      /f\.json: task must be one of/,
    );
  });

  it('describes a run from the schema', () => {
    const c = resolveRunConfig('mnist-mlp', { name: 'relu' }, { model: { depth: 3 }, clipNorm: 2 });
    expect(describeRunConfig(c)).toBe(
      'training: 4 epochs, batch 128, lr 0.003, adamw, wd 0.01, cosine (warmup 0), clip 2, model depth=3',
    );
    const sgd = resolveRunConfig('mnist-resnet', { name: 'relu' }, { maxSteps: 5 });
    expect(describeRunConfig(sgd)).toContain('2 epochs (max 5 steps)');
    expect(describeRunConfig(sgd)).toContain('sgd momentum 0.9 nesterov');
  });
});

describe('list and activation grammar', () => {
  it('rejects empty items and duplicates, and states the valid range', () => {
    expect(() => parseSeeds('5,')).toThrow(/empty item/);
    expect(() => parseSeeds('1,,2')).toThrow(/empty item/);
    expect(() => parseSeeds('0')).toThrow(/count in \[1, 1000\].*got '0'/);
    expect(() => parseSeeds('1,x')).toThrow(/'x'/);
    expect(parseSeeds('0,5,9')).toEqual([0, 5, 9]);
    expect(() => parseActivationList('relu,relu')).toThrow(/same activation twice/);
    expect(() => parseActivationList('relu,,gelu')).toThrow(/empty item/);
    expect(() => parseActivationList('golu:gamma=2,golu:gamma=2.0')).toThrow(/twice/);
    expect(parseActivationList('golu,golu:gamma=2')).toHaveLength(2);
    expect(() => parseLearningRates('0.1,')).toThrow(/positive learning rates/);
    expect(() => parseActivationSpec('golu:gamma=2:gamma=3')).toThrow(/given twice/);
    // One --param grammar: k=v or activation.k=v, for train as for the multi-activation commands.
    expect(activationChoice('golu', ['golu.gamma=2'])).toEqual({ name: 'golu', params: { gamma: 2 } });
    expect(parseActivationSpec('golu:gamma=2')).toEqual(activationChoice('golu', ['gamma=2']));
    expect(() => activationChoice('golu', ['swish.beta=1'])).toThrow(
      /is for swish, but the activation is golu/,
    );
    expect(() => parseActivationSpec('golu:alpha=abc')).toThrow(
      /golu parameter 'alpha' must be a number in \(0, Infinity\), got 'abc' \(not a number\)/,
    );
  });
});

/** The train and compare commands in this process; resolves with the error message (or null). */
async function cliError(args: string[]): Promise<string | null> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerTrain(program);
  registerCompare(program);
  try {
    await program.parseAsync(['node', 'gatelab', ...args]);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the command line checks every option before it writes anything', () => {
  const runsDir = join(root, 'runs');
  const short = join(root, 'short.txt');
  writeFileSync(short, 'abc');
  const tiny = ['--runs-dir', runsDir];
  const cases: [string[], RegExp][] = [
    [
      ['train', '--task', 'mnist-mlp', '--batch-size', '1000000'],
      /--batch-size .* at most the 8000 training examples of mnist-mlp, got 1000000/,
    ],
    [
      ['train', '--task', 'mnist-mlp', '--limit-train', '0'],
      /--limit-train .* \[1, Infinity\), or none, got '0'/,
    ],
    [['train', '--task', 'mnist-mlp', '--limit-eval', '0'], /--limit-eval .*got '0'/],
    [
      ['train', '--task', 'mnist-mlp', '--schedule', 'step:0:0.5'],
      /--schedule .*EVERY_STEPS an integer >= 1.*got 'step:0:0\.5'/,
    ],
    [['train', '--task', 'mnist-mlp', '--schedule', 'cosine:-5'], /--schedule .*got 'cosine:-5'/],
    [
      ['train', '--task', 'text-gpt', '--data', short],
      /short\.txt: the text \(3 characters\) is too short .*at least 1291 characters/,
    ],
    [
      ['train', '--task', 'mnist-mlp', '--run-id', '../escape'],
      /--run-id must be a plain folder name .*got '\.\.\/escape'/,
    ],
    [['train', '--task', 'mnist-mlp', '--steps-per-epoch', '5'], /--steps-per-epoch .*not to mnist-mlp/],
    [['train', '--task', 'text-gpt', '--limit-train', '5'], /--limit-train .*not to text-gpt/],
    [
      ['train', '--task', 'mnist-mlp', '--seed', '1e20'],
      /--seed \(seed\) must be an integer in \[0, 4294967295\], got '1e20'/,
    ],
    [
      ['train', '--task', 'mnist-mlp', '--activation', 'golu', '--param', 'alpha=NaN'],
      /alpha' must be a number in \(0, Infinity\), got NaN/,
    ],
    [
      ['train', '--task', 'mnist-mlp', '--config', 'x.json'],
      /--config x\.json gives the whole run configuration; it cannot be combined with --task/,
    ],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--batch-size', '1000000'],
      /--batch-size .* at most the 8000 training examples of mnist-mlp, got 1000000/,
    ],
    [
      ['compare', '--task', 'text-gpt', '--activations', 'relu', '--data', short],
      /short\.txt: the text \(3 characters\) is too short/,
    ],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--seeds', '5,'],
      /--seeds has an empty item/,
    ],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--seeds', '1,,2'],
      /--seeds has an empty item/,
    ],
    [['compare', '--task', 'mnist-mlp', '--activations', 'relu,relu'], /same activation twice/],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--lr', '0.1', '--lrs', '0.1,0.01'],
      /--lr 0\.1 and --lrs 0\.1,0\.01 cannot be combined/,
    ],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--seeds', '0'],
      /--seeds must be a count in \[1, 1000\]/,
    ],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--id', 'a/b'],
      /--id must be a plain folder name/,
    ],
    [
      ['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--limit-eval', '0'],
      /--limit-eval .*got '0'/,
    ],
  ];
  for (const [args, message] of cases) {
    it(args.slice(0, 1).concat(args.slice(3)).join(' '), async () => {
      const error = await cliError([...args, ...tiny]);
      expect(error).toMatch(message);
      expect(error).not.toMatch(/createTextBatchSampler|gatelab \w+:/);
      expect(existsSync(runsDir) ? readdirSync(runsDir) : []).toEqual([]);
    });
  }

  it('--help marks required options and lists the tasks', () => {
    const program = new Command();
    registerTrain(program);
    registerCompare(program);
    const help = program.commands.map((command) => {
      let text = '';
      command.configureOutput({ writeOut: (s) => (text += s) });
      command.outputHelp();
      return text;
    });
    expect(help[0]).toMatch(/--task <task>\s+\(required unless --config\)/);
    expect(help[1]).toMatch(/--task <task>\s+\(required\)/);
    expect(help[1]).toMatch(/--activations <list>\s+\(required\)/);
    for (const text of help) {
      expect(text).toContain('Tasks:');
      for (const task of TASKS) expect(text).toContain(`  ${task.name} `);
    }
  });
});

const cli = (args: string[]) => runCliSync(args, 100_000);

describe('gatelab train --config', () => {
  it('runs from run.json alone and reproduces the run; --version prints the version', () => {
    const runsDir = join(root, 'config-runs');
    const tinyRun = [
      '--task',
      'mnist-mlp',
      '--activation',
      'golu:gamma=2',
      '--epochs',
      '1',
      '--batch-size',
      '64',
    ];
    const first = cli([
      'train',
      ...tinyRun,
      '--model',
      'depth=1',
      '--model',
      'width=16',
      '--limit-train',
      '128',
      '--limit-eval',
      '64',
      '--runs-dir',
      runsDir,
      '--run-id',
      'first',
      '--json',
    ]);
    expect(first.status, first.stderr).toBe(0);
    const runJson = join(runsDir, 'first', 'run.json');
    const config = JSON.parse(readFileSync(runJson, 'utf8'));
    expect(config.activation).toEqual({ name: 'golu', params: { gamma: 2 } });
    expect(config.data.limitTrain).toBe(128);
    const again = cli(['train', '--config', runJson, '--runs-dir', runsDir, '--run-id', 'again', '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(runsDir, 'again', 'run.json'), 'utf8')).toBe(readFileSync(runJson, 'utf8'));
    const [a, b] = [first, again].map((r) => JSON.parse(r.stdout));
    expect(b.test).toEqual(a.test);
    expect(b.activation.label).toBe('golu(gamma=2)');
    const version = cli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const doubled = cli(['compare', '--task', 'mnist-mlp', '--activations', 'relu', '--jobs', '0']);
    expect(doubled.stderr).toBe(
      "gatelab: --jobs (parallel runs) must be an integer in [1, Infinity), got '0'\n",
    );
  });
});
