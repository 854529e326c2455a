import { readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { makeFolder, writeFileSafely } from '../lab/runs/files.js';
import { exitCodeFor, watchForStop } from '../lab/runs/lifecycle.js';
import { estimateCost } from '../lab/sweep/cost.js';
import { parseSetting, readSweepFile, withSettings } from '../lab/sweep/file.js';
import { SweepFolder } from '../lab/sweep/folder.js';
import { k8sManifest } from '../lab/sweep/k8s.js';
import { currentLauncher, runLocal } from '../lab/sweep/local.js';
import { DEFAULT_STALE_MS } from '../lab/sweep/lock.js';
import { mergeSweep } from '../lab/sweep/merge.js';
import { schemaTrialResolver } from '../lab/sweep/options.js';
import { parseShard, planSweep, type SweepPlan, shardTrials } from '../lab/sweep/plan.js';
import { locateSweep, presetNames } from '../lab/sweep/presets.js';
import { slurmScripts, submitSlurm } from '../lab/sweep/slurm.js';
import { runTrial } from '../lab/sweep/worker.js';
import { collect, parseSeeds } from './args/lists.js';

/** `--set key=value` (repeatable) and `--seeds`: a variant of the file for this invocation. */
interface Variant {
  set?: string[];
  seeds?: string;
}

/**
 * FILE|preset|DIR -> the plan, its folder, and `save()` that writes a planned file's folder (a file is
 * planned and validated completely before anything is written).
 */
function openSweep(
  arg: string,
  out: string | undefined,
  variant: Variant = {},
): { plan: SweepPlan; folder: SweepFolder; save(): void } {
  const source = locateSweep(arg);
  const sets = variant.set ?? [];
  const varied = sets.length > 0 || variant.seeds !== undefined;
  if (source.kind === 'folder') {
    if (varied)
      throw new Error(`--set and --seeds apply to a sweep file or preset, not to the folder ${source.dir}`);
    const folder = new SweepFolder(out ?? source.dir);
    return { plan: folder.readPlan(), folder, save() {} };
  }
  const file = withSettings(
    readSweepFile(source.path),
    sets.map(parseSetting),
    variant.seeds === undefined ? undefined : parseSeeds(variant.seeds),
  );
  const plan = planSweep(file, schemaTrialResolver());
  const folder = new SweepFolder(out ?? resolve('runs', 'sweeps', plan.name));
  const note = varied
    ? `# planned with${sets.map((x) => ` --set ${x}`).join('')}${variant.seeds !== undefined ? ` --seeds ${variant.seeds}` : ''}\n`
    : '';
  return { plan, folder, save: () => folder.write(plan, note + readFileSync(source.path, 'utf8')) };
}

/** The variant options of every command that plans a file. */
function addVariantOptions(command: Command): Command {
  return command
    .option(
      '--set <key=value>',
      'set a key for this invocation (repeatable): --set epochs=2 fixes it; a list, --set activation=[relu,golu], replaces or adds an axis',
      collect,
      [],
    )
    .option('--seeds <n|list>', 'replace the seeds: a count or a list like 0,5,9');
}

function positiveInt(text: string | undefined, flag: string, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function staleMs(): number {
  const env = process.env.GATELAB_SWEEP_STALE_MS;
  return env === undefined ? DEFAULT_STALE_MS : Number(env);
}

function formatSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

function describePlan(plan: SweepPlan): string {
  const axes = plan.axes.map((a) => `${a} (${plan.axisValues[a].length})`).join(' x ');
  const lines = [
    `sweep ${plan.name}: ${plan.trials.length} trials${plan.excluded > 0 ? ` (${plan.excluded} excluded)` : ''}`,
    plan.description ? `  ${plan.description}` : '',
    `  axes: ${axes}`,
    ...plan.axes.filter((a) => a !== 'seed').map((a) => `    ${a}: ${plan.axisValues[a].join(', ')}`),
    `  example trials:`,
    ...plan.trials.slice(0, 3).map(
      (t) =>
        `    [${t.index}] ${t.id}  ${Object.entries(t.axes)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
    ),
  ];
  return lines.filter((l) => l !== '').join('\n');
}

export function registerSweep(program: Command): void {
  const sweep = program
    .command('sweep')
    .description(
      'plan, run (locally, on Slurm or Kubernetes), resume and merge grids of runs from a YAML file',
    )
    .addHelpText('after', `\nPresets (FILE may name one): ${presetNames().join(', ')}`);

  addVariantOptions(sweep.command('plan'))
    .description('the trials of a sweep file and its estimated cost from a short calibration run')
    .argument('<file>', 'sweep file, preset name or sweep folder')
    .option('--json', 'print the plan (and the cost) as JSON')
    .option('--no-calibrate', 'skip the calibration run (no cost estimate)')
    .option('--calibration-steps <n>', 'training steps per calibrated trial shape', '8')
    .option('--calibration-shapes <n>', 'calibrate at most this many distinct trial shapes', '4')
    .action(
      async (
        arg: string,
        o: Variant & {
          json?: boolean;
          calibrate: boolean;
          calibrationSteps: string;
          calibrationShapes: string;
        },
      ) => {
        const { plan } = openSweep(arg, undefined, o);
        const cost = o.calibrate
          ? await estimateCost(plan, {
              steps: positiveInt(o.calibrationSteps, '--calibration-steps'),
              maxShapes: positiveInt(o.calibrationShapes, '--calibration-shapes'),
            })
          : null;
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ ...plan, cost }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${describePlan(plan)}\n`);
        if (cost) {
          const cores = availableParallelism();
          process.stdout.write(
            `  estimated cost on ${hostname()}: ${formatSeconds(cost.trialSeconds)} of trial time (${cost.trialSeconds.toFixed(0)} trial-seconds; ${cost.calibrationSteps}-step calibration of ${cost.shapes.filter((s) => s.calibrated).length} of ${cost.shapes.length} trial shapes)\n`,
          );
          for (const s of cost.shapes) {
            process.stdout.write(
              `    ${s.task}: ${s.trials} trials x ${s.steps} steps, ${s.msPerStep.toFixed(1)} ms/step + ${s.fixedSeconds.toFixed(1)} s fixed${s.calibrated ? '' : ' (not calibrated: average of the task)'}\n`,
            );
          }
          process.stdout.write(
            `  wall time with --jobs ${cores}: about ${formatSeconds(cost.trialSeconds / cores)} if the cores are real (a VM whose vCPUs share one core takes ${formatSeconds(cost.trialSeconds)})\n`,
          );
        }
      },
    );

  addVariantOptions(sweep.command('run'))
    .description('run every unfinished trial on a local process pool; rerunning resumes')
    .argument('<file|dir>', 'sweep file, preset name or sweep folder')
    .option('--out <dir>', 'the sweep folder (default runs/sweeps/<name>)')
    .option('--jobs <n>', `parallel trial processes (default: cores = ${availableParallelism()})`)
    .option('--retries <n>', 'extra attempts of a failed trial', '1')
    .option('--index <i>', 'run only trial I (for Slurm, Kubernetes or any other engine)')
    .option('--shard <i/n>', 'run only the trials with index % n == i')
    .addOption(
      new Option('--progress <mode>', "with --index: the trial's progress (json: step events on stdout)")
        .choices(['none', 'lines', 'json'])
        .default('none'),
    )
    .action(
      async (
        arg: string,
        o: Variant & {
          out?: string;
          jobs?: string;
          retries: string;
          index?: string;
          shard?: string;
          progress: 'none' | 'lines' | 'json';
        },
      ) => {
        if (o.index !== undefined && o.shard !== undefined)
          throw new Error('give --index or --shard, not both');
        const { plan, folder, save } = openSweep(arg, o.out, o);
        save();
        if (o.index !== undefined) {
          const index = Number(o.index);
          const trial = folder.trialAt(plan, index);
          // SIGTERM (scancel, a pod's deletion) or SIGINT: checkpoint at the next step and stop.
          const stop = watchForStop();
          let outcome: Awaited<ReturnType<typeof runTrial>>;
          try {
            outcome = await runTrial(folder, trial, {
              staleMs: staleMs(),
              stopRequested: stop.reason,
              progress: o.progress,
              note: (line) => process.stderr.write(`${line}\n`),
            });
          } finally {
            stop.dispose();
          }
          const what = `trial ${trial.index} (${trial.id})`;
          if (outcome.kind === 'busy') {
            const h = outcome.holder;
            process.stderr.write(
              `${what} is being run by another worker${h ? ` (pid ${h.pid} on ${h.host})` : ''}; leaving it to that worker\n`,
            );
          } else if (outcome.kind === 'already-done') {
            process.stderr.write(`${what} is already finished (${outcome.result.status})\n`);
          } else if (outcome.kind === 'done') {
            process.stderr.write(
              `${what} ${outcome.result.status}${outcome.resumed ? ' (resumed from its checkpoint)' : ''}\n`,
            );
          } else if (outcome.kind === 'interrupted') {
            process.stderr.write(
              `${what} interrupted (${outcome.reason}) at step ${outcome.step}; its checkpoint is kept, the next run resumes it\n`,
            );
            process.exitCode = exitCodeFor(outcome.reason);
          } else {
            process.stderr.write(`${what} failed (attempt ${outcome.attempts}): ${outcome.error}\n`);
            process.exitCode = 1;
          }
          return;
        }
        const shard = o.shard === undefined ? null : parseShard(o.shard);
        const retries = Number(o.retries);
        const stop = watchForStop();
        const result = await runLocal(folder, plan, {
          stop,
          jobs: positiveInt(o.jobs, '--jobs', availableParallelism())!,
          retries,
          trials: shard === null ? undefined : shardTrials(plan.trials, shard.shard, shard.count),
          launcher: currentLauncher(),
          staleMs: staleMs(),
          report: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(
          `sweep ${plan.name}: ${result.done} trials finished, ${result.failed.length} failed, ${result.wallSeconds.toFixed(1)} s wall; folder ${folder.dir}\n`,
        );
        stop.dispose();
        const reason = stop.reason();
        if (reason !== null) process.exitCode = exitCodeFor(reason);
        else if (result.failed.length > 0) process.exitCode = 1;
      },
    );

  addVariantOptions(sweep.command('submit'))
    .description('submit the unfinished trials as a Slurm job array, plus a merge job that runs after it')
    .argument('<file|dir>', 'sweep file, preset name or sweep folder')
    .requiredOption('--slurm', 'submit to Slurm (sbatch)')
    .option(
      '--out <dir>',
      'the sweep folder (default runs/sweeps/<name>; must be on a file system every node sees)',
    )
    .option('--partition <p>', 'Slurm partition')
    .option('--time <t>', 'time limit per trial, e.g. 2:00:00')
    .option('--cpus-per-task <c>', 'CPUs per trial', '1')
    .option('--mem <m>', 'memory per trial, e.g. 4G')
    .option('--max-parallel <k>', 'at most K array tasks at once')
    .option('--dry-run', 'print the scripts, submit nothing')
    .action(
      (
        arg: string,
        o: Variant & {
          out?: string;
          partition?: string;
          time?: string;
          cpusPerTask: string;
          mem?: string;
          maxParallel?: string;
          dryRun?: boolean;
        },
      ) => {
        const { plan, folder, save } = openSweep(arg, o.out, o);
        if (!o.dryRun) save();
        const unfinished = plan.trials.filter(
          (t) => folder.state(t, staleMs()) !== 'done' && folder.state(t, staleMs()) !== 'running',
        );
        const scripts = slurmScripts(
          folder,
          plan,
          unfinished.map((t) => t.index),
          {
            partition: o.partition,
            time: o.time,
            cpusPerTask: positiveInt(o.cpusPerTask, '--cpus-per-task'),
            mem: o.mem,
            maxParallel: positiveInt(o.maxParallel, '--max-parallel'),
            launcher: currentLauncher(),
            cwd: process.cwd(),
          },
        );
        if (o.dryRun) {
          process.stdout.write(
            `# ${scripts.arrayFile}\n${scripts.array}\n# ${scripts.mergeFile} (sbatch --dependency=afterany:<array job id>)\n${scripts.merge}`,
          );
          return;
        }
        const jobs = submitSlurm(folder, scripts);
        process.stdout.write(
          `sweep ${plan.name}: submitted ${scripts.indices.length} of ${plan.trials.length} trials as array job ${jobs.arrayJob}; merge job ${jobs.mergeJob} runs after it (afterany)\n` +
            `  array job: ${jobs.arrayJob}\n  merge job: ${jobs.mergeJob}\n  folder: ${folder.dir}\n`,
        );
      },
    );

  addVariantOptions(sweep.command('k8s'))
    .description(
      'write a Kubernetes Indexed Job manifest for the sweep (one completion per trial) plus a merge Job',
    )
    .argument('<file|dir>', 'sweep file, preset name or sweep folder')
    .option('--out <dir>', 'the sweep folder (default runs/sweeps/<name>)')
    .requiredOption('--image <image>', 'container image with gatelab installed')
    .option('--parallelism <k>', 'pods at once (default: min(trials, 8))')
    .requiredOption('--pvc <name>', 'PersistentVolumeClaim holding the sweep folder (ReadWriteMany)')
    .option('--mount <path>', 'where the volume is mounted in the pods', '/sweeps')
    .option('--folder-in-volume <path>', 'the sweep folder inside the volume (default: the folder name)')
    .option('--retries <n>', 'backoffLimitPerIndex: pod failures allowed per trial', '2')
    .option('--cpu <c>', 'CPU request per pod', '1')
    .option('--memory <m>', 'memory request and limit per pod', '4Gi')
    .option('--command <words>', 'how the image starts gatelab', 'gatelab')
    .action(
      (
        arg: string,
        o: Variant & {
          out?: string;
          image: string;
          parallelism?: string;
          pvc: string;
          mount: string;
          folderInVolume?: string;
          retries: string;
          cpu: string;
          memory: string;
          command: string;
        },
      ) => {
        const retries = Number(o.retries);
        if (!(Number.isInteger(retries) && retries >= 0))
          throw new RangeError(`--retries must be an integer >= 0, got '${o.retries}'`);
        const { plan, folder, save } = openSweep(arg, o.out, o);
        const manifest = k8sManifest(plan, {
          image: o.image,
          parallelism: positiveInt(o.parallelism, '--parallelism'),
          pvc: o.pvc,
          mountPath: o.mount,
          folderInVolume: o.folderInVolume ?? basename(folder.dir),
          retries,
          cpu: o.cpu,
          memory: o.memory,
          command: o.command.split(/\s+/).filter(Boolean),
        });
        save();
        const file = resolve(folder.dir, 'k8s', 'sweep.yaml');
        makeFolder(resolve(folder.dir, 'k8s'));
        writeFileSafely(file, manifest);
        process.stdout.write(
          `wrote ${file}\n  copy ${folder.dir} to the volume ${o.pvc} at ${o.folderInVolume ?? basename(folder.dir)}, then: kubectl apply -f ${file}\n`,
        );
      },
    );

  sweep
    .command('status')
    .description('how many trials are done, running, failed, interrupted or pending')
    .argument('<dir>', 'sweep folder')
    .option('--json', 'print as JSON')
    .action((arg: string, o: { json?: boolean }) => {
      const folder = new SweepFolder(arg);
      const plan = folder.readPlan();
      const trials = plan.trials.map((t) => {
        const state = folder.state(t, staleMs());
        const holder = state === 'running' ? folder.holder(t, staleMs()) : null;
        const failure = state === 'failed' ? folder.failure(t) : null;
        return { index: t.index, id: t.id, state, axes: t.axes, holder, failure };
      });
      const counts = folder.counts(plan, staleMs());
      if (o.json) {
        process.stdout.write(
          `${JSON.stringify({ name: plan.name, dir: folder.dir, total: plan.trials.length, counts, trials }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(
        `sweep ${plan.name}: ${plan.trials.length} trials: ${counts.done} done, ${counts.running} running, ${counts.failed} failed, ${counts.interrupted} interrupted, ${counts.pending} pending\n`,
      );
      for (const t of trials) {
        if (t.state === 'running')
          process.stdout.write(
            `  [${t.index}] ${t.id} running (pid ${t.holder?.pid} on ${t.holder?.host})\n`,
          );
        if (t.state === 'failed')
          process.stdout.write(
            `  [${t.index}] ${t.id} failed after ${t.failure?.attempts} attempt(s): ${t.failure?.error}\n`,
          );
      }
    });

  sweep
    .command('merge')
    .description(
      'tables per cell, best setting per activation, heatmaps / curves and the HTML report (works on partial sweeps)',
    )
    .argument('<dir>', 'sweep folder')
    .option('--wait', 'first wait until no trial is pending, interrupted or running (for a merge job)')
    .action(async (arg: string, o: { wait?: boolean }) => {
      const folder = new SweepFolder(arg);
      if (o.wait) {
        for (;;) {
          const c = folder.counts(folder.readPlan(), staleMs());
          if (c.pending + c.running + c.interrupted === 0) break;
          await new Promise((r) => setTimeout(r, 10_000));
        }
      }
      const out = await mergeSweep(folder);
      process.stdout.write(out.table);
      process.stdout.write(`\nwrote ${out.dir}: ${out.files.map((f) => basename(f)).join(', ')}\n`);
    });
}
