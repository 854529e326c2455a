/**
 * Sweep files and plans: YAML errors name the key and the line, grid/zip/exclude/seeds expansion, trial
 * ids as content hashes (stable when the grid changes), every shipped preset plans, the Slurm scripts
 * and the Kubernetes manifest (parsed as YAML, fields checked).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseSetting, parseSweepText, readSweepFile, withSettings } from '../src/lab/sweep/file.js';
import { SweepFolder } from '../src/lab/sweep/folder.js';
import { k8sManifest } from '../src/lab/sweep/k8s.js';
import { schemaTrialResolver } from '../src/lab/sweep/options.js';
import { parseShard, planSweep, shardTrials, trialId } from '../src/lab/sweep/plan.js';
import { locateSweep, presetNames } from '../src/lab/sweep/presets.js';
import { arraySpec, shellQuote, slurmScripts } from '../src/lab/sweep/slurm.js';
import { runConfigFromJson } from '../src/lab/train/config.js';
import { tempDir } from './helpers/temp-dir.js';

const resolver = schemaTrialResolver();
const plan = (text: string) => planSweep(parseSweepText(text, 'test.yaml'), resolver);
const scratch = tempDir('sweep-plan');

const base = 'name: t\ntask: mnist-mlp\n';

describe('sweep file errors name the key and the line', () => {
  const cases: [string, RegExp][] = [
    ['task: mnist-mlp\n', /^test\.yaml(:\d+)?: missing required key 'name'/],
    ['name: t\n', /missing required key 'task'/],
    ['name: "a b"\ntask: mnist-mlp\n', /^test\.yaml:1: name: must be letters/],
    [
      `${base}grid:\n  lr: [0.1, -1]\n`,
      /^test\.yaml:4: grid\.lr: --lr \(base learning rate\) must be a number in \(0, Infinity\), got -1$/,
    ],
    [
      `${base}grid:\n  lrr: [0.1]\n`,
      /^test\.yaml:4: grid\.lrr: 'lrr' is not a run option; valid: activation, epochs, max-steps, batch-size, lr/,
    ],
    [
      `${base}fixed:\n  epochs: 1\ngrid:\n  model.depthh: [1]\n`,
      /^test\.yaml:6: grid\.model\.depthh: 'depthh' is not an option of the mlp model/,
    ],
    [`${base}grid:\n  activation: [relu, nope]\n`, /^test\.yaml:4: grid\.activation: .*nope/],
    [`${base}grid:\n  activation: [relu, relu]\n`, /^test\.yaml:4: grid\.activation: repeats the value relu/],
    [
      `${base}fixed: { lr: 0.1 }\ngrid:\n  lr: [0.1, 0.2]\n`,
      /^test\.yaml:5: grid\.lr: 'lr' is already set on line 3/,
    ],
    [
      `${base}zip:\n  - { lr: [0.1, 0.2], epochs: [1] }\n`,
      /^test\.yaml:4: zip\[0\]\.epochs: has 1 values but lr has 2/,
    ],
    [
      `${base}exclude:\n  - { lr: 0.1 }\n`,
      /^test\.yaml:4: exclude\[0\]\.lr: 'lr' is not an axis of this sweep/,
    ],
    [`${base}seeds: 0\n`, /^test\.yaml:3: seeds: expected a count in 1\.\.1000/],
    [`${base}metric: accuracy\n`, /^test\.yaml:3: metric: expected one of auto, test\.accuracy/],
    [`${base}grids: {}\n`, /^test\.yaml:3: unknown key 'grids'; valid keys: name/],
    [`${base}grid:\n  lr: [0.1\n`, /^test\.yaml:\d+: not valid YAML/],
    [`${base}fixed:\n  seed: 3\n`, /^test\.yaml:4: fixed\.seed: set seeds with the top-level 'seeds:' key/],
    [
      `${base}fixed:\n  nesterov: 1\n`,
      /^test\.yaml:4: fixed\.nesterov: --nesterov \(Nesterov momentum\) must be true or false, got 1$/,
    ],
    [
      'name: t\ntask: text-gpt\nfixed: { limit-train: 5 }\n',
      /^test\.yaml:3: fixed\.limit-train: --limit-train .* applies to image tasks .*not to text-gpt/,
    ],
    ['name: t\ntask: [mnist-mlp, nope]\n', /^test\.yaml:2: task: .*unknown task 'nope'/],
    [`${base}grid:\n  activation: [swish, silu]\n`, /two trials resolve to the same run configuration/],
    [`${base}grid:\n  lr: [0.1]\nexclude:\n  - { lr: 0.1 }\n`, /every one of the 1 trials is excluded/],
  ];
  for (const [text, message] of cases) {
    it(message.source.slice(0, 70), () => {
      expect(() => plan(text)).toThrow(message);
    });
  }

  it('a missing file is named', () => {
    expect(() => readSweepFile(join(scratch, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read it \(ENOENT\)/);
  });

  it('bad input leaves no folder behind (the plan fails before anything is written)', () => {
    const out = join(scratch, 'never');
    expect(() => {
      const p = plan(`${base}grid:\n  lr: [0]\n`);
      new SweepFolder(out).write(p, '');
    }).toThrow(/--lr \(base learning rate\) must be a number in \(0, Infinity\), got 0/);
    expect(SweepFolder.isSweepFolder(out)).toBe(false);
  });
});

describe('expansion', () => {
  const text = `${base}fixed: { epochs: 1, max-steps: 5 }
grid:
  activation: [relu, "golu:gamma=2"]
  lr: [0.1, 0.01, 0.001]
zip:
  - { model.depth: [1, 2], weight-decay: [0, 0.01] }
exclude:
  - { activation: relu, lr: [0.1, 0.01], model.depth: 2 }
seeds: [0, 7]
`;
  const p = plan(text);

  it('is the cartesian product of grid, zip groups and seeds, less the exclusions', () => {
    // 2 activations x 3 lrs x 2 zipped x 2 seeds = 24, less relu x {0.1, 0.01} x depth 2 x 2 seeds = 4
    expect(p.trials.length).toBe(20);
    expect(p.excluded).toBe(4);
    expect(p.axes).toEqual(['activation', 'lr', 'model.depth', 'weight-decay', 'seed']);
    expect(p.axisValues.activation).toEqual(['relu', 'golu(gamma=2)']);
    expect(p.zipped).toEqual([['model.depth', 'weight-decay']]);
    expect(p.trials.map((t) => t.index)).toEqual(p.trials.map((_, i) => i));
    for (const t of p.trials) {
      expect(t.config.model.depth === 2).toBe(t.config.weightDecay === 0.01); // zipped together
      expect(t.config.epochs).toBe(1);
      expect(t.config.maxSteps).toBe(5);
      expect([0, 7]).toContain(t.config.seed);
      expect(t.axes.seed).toBe(String(t.config.seed));
      expect(!(t.axes.activation === 'relu' && t.config.lr !== 0.001 && t.config.model.depth === 2)).toBe(
        true,
      );
    }
    const golu = p.trials.find((t) => t.axes.activation === 'golu(gamma=2)')!;
    expect(golu.config.activation).toEqual({ name: 'golu', params: { gamma: 2 } });
  });

  it('ids are content hashes: unique, stable, and shared by a changed grid', () => {
    const ids = p.trials.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of p.trials) {
      expect(t.id).toMatch(/^[0-9a-f]{16}$/);
      expect(t.id).toBe(trialId(t.config));
    }
    expect(plan(text).trials.map((t) => t.id)).toEqual(ids);
    // One more learning rate: the old trials keep their ids.
    const wider = plan(text.replace('lr: [0.1, 0.01, 0.001]', 'lr: [0.1, 0.03, 0.01, 0.001]'));
    expect(wider.trials.length).toBe(28);
    const widerIds = new Set(wider.trials.map((t) => t.id));
    for (const id of ids) expect(widerIds.has(id)).toBe(true);
  });

  it('ids do not depend on the order of activation parameters or of the grid keys', () => {
    const ab = plan(`${base}grid:\n  activation: ["golu:beta=2:gamma=1", relu]\n  lr: [0.1, 0.01]\n`);
    const ba = plan(`${base}grid:\n  lr: [0.1, 0.01]\n  activation: [relu, "golu:gamma=1:beta=2"]\n`);
    const byAxes = (q: typeof ab) =>
      Object.fromEntries(q.trials.map((t) => [`${t.axes.activation} ${t.axes.lr} ${t.axes.seed}`, t.id]));
    expect(Object.keys(byAxes(ab))).toHaveLength(4);
    expect(byAxes(ba)).toEqual(byAxes(ab));
    // The expansion order follows the file; the ids and the run.json text do not.
    expect(ab.trials[0].axes.activation).toBe('golu(beta=2, gamma=1)');
    expect(ba.trials[0].axes.activation).toBe('relu');
    const golu = ba.trials.find((t) => t.config.activation.name === 'golu')!;
    expect(JSON.stringify(golu.config.activation)).toBe('{"name":"golu","params":{"beta":2,"gamma":1}}');
    // A hand-written run.json with the parameters the other way round hashes the same.
    const swapped = runConfigFromJson(
      { ...golu.config, activation: { name: 'golu', params: { gamma: 1, beta: 2 } } },
      'run.json',
    );
    expect(trialId(swapped)).toBe(golu.id);
    // Written both ways in one grid, they are the same trial.
    expect(() =>
      plan(`${base}grid:\n  activation: ["golu:beta=2:gamma=1", "golu:gamma=1:beta=2"]\n`),
    ).toThrow(/two trials resolve to the same run configuration/);
  });

  it('run.json of each trial is the configuration the id hashes, readable as train --config reads it', () => {
    const folder = new SweepFolder(join(scratch, 'expansion'));
    folder.write(p, text);
    for (const t of p.trials.slice(0, 3)) expect(folder.runConfig(t)).toEqual(t.config);
    const first = p.trials[0];
    const file = join(folder.trialDir(first), 'run.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"epochs": 1', '"epochs": 2'));
    expect(() => folder.runConfig(first)).toThrow(
      /hashes to [0-9a-f]{16}, not to the trial id .*edited by hand/,
    );
  });

  it('shards are a deterministic partition', () => {
    const { shard, count } = parseShard('1/3');
    expect([shard, count]).toEqual([1, 3]);
    const all = [0, 1, 2].flatMap((s) => shardTrials(p.trials, s, 3).map((t) => t.index));
    expect(all.sort((a, b) => a - b)).toEqual(p.trials.map((t) => t.index));
    expect(() => parseShard('3/3')).toThrow(/--shard must look like i\/n with 0 <= i < n.*got '3\/3'/);
  });

  it('task lists become the first axis; model options are checked per task', () => {
    const two = plan('name: t\ntask: [mnist-mlp, text-gpt]\ngrid:\n  activation: [relu, gelu]\n');
    expect(two.axes).toEqual(['task', 'activation', 'seed']);
    expect(two.trials.map((t) => t.config.task)).toEqual(['mnist-mlp', 'mnist-mlp', 'text-gpt', 'text-gpt']);
    expect(() => plan('name: t\ntask: [mnist-mlp, text-gpt]\nfixed: { model.depth: 2 }\n')).toThrow(
      /test\.yaml:3: fixed\.model\.depth: 'depth' is not an option of the gpt model \(task text-gpt\)/,
    );
  });
});

describe('--set and --seeds', () => {
  const file = () =>
    parseSweepText(
      `${base}fixed: { epochs: 4 }\ngrid:\n  activation: [relu, gelu]\n  lr: [0.1, 0.01]\nzip:\n  - { model.depth: [1, 2], weight-decay: [0, 0.1] }\nseeds: 3\n`,
      'test.yaml',
    );

  it('fix a key (an axis given so stops being one) and replace the seeds', () => {
    const settings = ['epochs=2', 'lr=0.05', 'optimizer=sgd', 'nesterov=true'].map(parseSetting);
    expect(settings[0]).toEqual({ key: 'epochs', value: 2 });
    expect(settings[3]).toEqual({ key: 'nesterov', value: true });
    const p = planSweep(withSettings(file(), settings, [4]), resolver);
    expect(p.axes).toEqual(['activation', 'model.depth', 'weight-decay', 'seed']);
    expect(p.trials.length).toBe(4);
    for (const t of p.trials) {
      expect([t.config.epochs, t.config.lr, t.config.optimizer, t.config.nesterov, t.config.seed]).toEqual([
        2,
        0.05,
        'sgd',
        true,
        4,
      ]);
    }
  });

  it('a list replaces an axis or adds one', () => {
    const p = planSweep(
      withSettings(file(), ['activation=[golu]', 'epochs=[1, 2]'].map(parseSetting)),
      resolver,
    );
    expect(p.axes).toEqual(['activation', 'lr', 'epochs', 'model.depth', 'weight-decay', 'seed']);
    expect(p.axisValues.activation).toEqual(['golu']);
    expect(p.trials.length).toBe(1 * 2 * 2 * 2 * 3);
  });

  it('errors name the flag', () => {
    expect(() => parseSetting('epochs')).toThrow(
      /--set must look like key=value \(e\.g\. --set epochs=2\), got 'epochs'/,
    );
    expect(() => parseSetting('lr={a: 1}')).toThrow(
      /--set lr: expected a number, a word, true\/false or a list like \[a, b\], got '\{a: 1\}'/,
    );
    expect(() => withSettings(file(), [parseSetting('lr=[1, 1]')])).toThrow(
      /--set lr: the list repeats a value/,
    );
    expect(() => planSweep(withSettings(file(), [parseSetting('lr=[0.1, 0]')]), resolver)).toThrow(
      /^test\.yaml: --set lr: --lr \(base learning rate\) must be a number in \(0, Infinity\), got 0$/,
    );
    expect(() => withSettings(file(), [parseSetting('model.depth=3')])).toThrow(
      /--set model\.depth: model\.depth varies in a zip group/,
    );
    expect(() => withSettings(file(), [parseSetting('seed=3')])).toThrow(
      /--set seed: not settable this way \(use --seeds\)/,
    );
    expect(() => planSweep(withSettings(file(), [parseSetting('lr=-1')]), resolver)).toThrow(
      /^test\.yaml: --set lr: --lr \(base learning rate\) must be a number in \(0, Infinity\), got -1$/,
    );
  });
});

describe('presets', () => {
  it('ships the five presets, found by name, each planning without error', () => {
    expect(presetNames()).toEqual([
      'gem-n-ablation',
      'golu-mlp-ablation',
      'golu-mlp-batch',
      'golu-mlp-epochs',
      'lr-robustness',
    ]);
    const sizes: Record<string, number> = {};
    for (const name of presetNames()) {
      const source = locateSweep(name);
      expect(source.kind).toBe('file');
      if (source.kind === 'file') sizes[name] = planSweep(readSweepFile(source.path), resolver).trials.length;
    }
    expect(sizes).toEqual({
      'gem-n-ablation': 99,
      'golu-mlp-ablation': 240,
      'golu-mlp-batch': 240,
      'golu-mlp-epochs': 240,
      'lr-robustness': 180,
    });
    const golu = planSweep(
      readSweepFile((locateSweep('golu-mlp-ablation') as { path: string }).path),
      resolver,
    );
    const t = golu.trials[0].config;
    expect([t.optimizer, t.momentum, t.epochs, t.batchSize]).toEqual(['sgd', 0.9, 8, 128]);
    expect(golu.axisValues['model.depth']).toEqual(['1', '2', '3', '4']);
    expect(() => locateSweep('no-such-preset')).toThrow(
      /no such sweep file, sweep folder or preset; presets: gem-n-ablation/,
    );
  });
});

describe('executors: scripts and manifests', () => {
  const p = plan(`${base}fixed: { max-steps: 2 }\ngrid:\n  activation: [relu, gelu, golu]\nseeds: 2\n`);
  const folder = new SweepFolder(join(scratch, "it's here"));

  it('Slurm: an array over the given indices, one output file per task, and a merge job', () => {
    expect(arraySpec([5, 0, 1, 2, 7, 8])).toBe('0-2,5,7-8');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const s = slurmScripts(folder, p, [0, 1, 2, 4], {
      partition: 'gpu',
      time: '1:00:00',
      cpusPerTask: 2,
      mem: '4G',
      maxParallel: 3,
      launcher: ['/usr/bin/node', '/opt/gatelab/cli.js'],
      cwd: '/work',
    });
    expect(s.array).toContain('#SBATCH --array=0-2,4%3');
    expect(s.array).toContain('#SBATCH --partition=gpu');
    expect(s.array).toContain('#SBATCH --time=1:00:00');
    expect(s.array).toContain('#SBATCH --cpus-per-task=2');
    expect(s.array).toContain('#SBATCH --mem=4G');
    expect(s.array).toMatch(/#SBATCH --output=.*\/logs\/trial-%a-job-%A\.out/);
    expect(s.array).toContain(
      `exec /usr/bin/node /opt/gatelab/cli.js sweep run '${folder.dir.replace(/'/g, `'\\''`)}' --index "$SLURM_ARRAY_TASK_ID"`,
    );
    expect(s.merge).toContain('sweep merge');
    expect(s.merge).not.toContain('--array');
    expect(() => slurmScripts(folder, p, [], { launcher: ['x'], cwd: '/' })).toThrow(/nothing to submit/);
    expect(() => slurmScripts(folder, p, [0], { launcher: ['x'], cwd: '/', maxParallel: 0 })).toThrow(
      /--max-parallel must be a positive integer, got 0/,
    );
  });

  it('Kubernetes: an Indexed Job with one completion per trial, per-index retries, a shared volume, and a merge Job', () => {
    const text = k8sManifest(p, {
      image: 'ghcr.io/me/gatelab:1',
      parallelism: 4,
      pvc: 'sweeps-pvc',
      mountPath: '/sweeps',
      folderInVolume: 't',
      retries: 2,
      cpu: '1',
      memory: '4Gi',
      command: ['gatelab'],
    });
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs.length).toBe(2);
    const [job, merge] = docs;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toBe('gatelab-t');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(p.trials.length);
    expect(job.spec.parallelism).toBe(4);
    expect(job.spec.backoffLimitPerIndex).toBe(2);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const container = pod.containers[0];
    expect(container.image).toBe('ghcr.io/me/gatelab:1');
    expect(container.command.join(' ')).toContain(`sweep run '/sweeps/t' --index "$JOB_COMPLETION_INDEX"`);
    expect(container.volumeMounts).toEqual([{ name: 'sweep', mountPath: '/sweeps' }]);
    expect(pod.volumes).toEqual([{ name: 'sweep', persistentVolumeClaim: { claimName: 'sweeps-pvc' } }]);
    expect(merge.kind).toBe('Job');
    expect(merge.spec.completionMode).toBeUndefined();
    expect(merge.spec.template.spec.containers[0].command.join(' ')).toContain(
      "sweep merge '/sweeps/t' --wait",
    );
    expect(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('sweeps-pvc');
    expect(() =>
      k8sManifest(p, {
        image: '',
        pvc: 'x',
        mountPath: '/',
        folderInVolume: 't',
        retries: 0,
        cpu: '1',
        memory: '1Gi',
        command: ['g'],
      }),
    ).toThrow(/--image is required/);
  });
});
