import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  computeLandscape,
  type DirectionNormalization,
  type LandscapeFile,
} from '../lab/analysis/landscape.js';
import { checkSavedShapes, restoreTree } from '../lab/analysis/weights.js';
import { createRng } from '../lab/data/random.js';
import type { ActivationChoice } from '../lab/models/activation-spec.js';
import { landscapeFigure, lineFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { readJsonObject, writeFileSafely } from '../lab/runs/files.js';
import { RUN_FILES } from '../lab/runs/run-folder.js';
import { readWeights } from '../lab/runs/weights.js';
import { type DeviceChoice, describeRuntime, initLabRuntime, type RuntimeInfo } from '../lab/runtime.js';
import {
  buildTaskModel,
  getTask,
  loadTaskData,
  type ModelOptions,
  type TaskDataOptions,
} from '../lab/tasks.js';
import { batchArrays } from '../lab/train/trainer.js';
import { parseInteger } from './args/lists.js';
import { addSchemaOptions, schemaOptionsFromCli } from './args/run-options.js';
import { sig, toJson } from './format.js';

interface LandscapeCliOptions {
  normalization: string;
  range: string;
  points: string;
  grid: string;
  examples: string;
  seed: string;
  hessian: boolean;
  hessianExamples: string;
  iterations: string;
  tolerance: string;
  svg?: string;
  lineSvg?: string;
  json?: boolean;
  overwrite?: boolean;
  device?: string;
  threads?: string;
}

/** The run options landscape shares with train. */
const DEVICE_KEYS = ['device', 'threads'] as const;

/** Where the result goes; an earlier landscape.json is never replaced silently. */
export function landscapeFile(runDir: string, overwrite: boolean): string {
  const file = join(resolve(runDir), RUN_FILES.landscape);
  if (existsSync(file) && !overwrite) {
    throw new Error(
      `${file} already exists (an earlier landscape of this run); pass --overwrite to replace it, or move it away first`,
    );
  }
  return file;
}

/** Loads a run's model, data and saved weights, then computes slices and the Hessian's top eigenvalue. */
export async function landscapeOfRun(
  runDir: string,
  o: LandscapeCliOptions,
): Promise<LandscapeFile & { runtime: RuntimeInfo }> {
  const dir = resolve(runDir);
  const configFile = join(dir, RUN_FILES.config);
  if (!existsSync(configFile)) throw new Error(`${runDir}: not a run folder (no ${RUN_FILES.config})`);
  const config = readJsonObject(configFile) as unknown as {
    task: string;
    activation: ActivationChoice;
    model?: ModelOptions;
    data?: TaskDataOptions;
    seed: number;
  };
  const saved = readWeights(dir);
  if (o.normalization !== 'unit' && o.normalization !== 'filter') {
    throw new Error(`--normalization '${o.normalization}': use unit or filter`);
  }
  const range = Number(o.range);
  const tolerance = Number(o.tolerance);
  if (!(tolerance > 0)) throw new Error(`--tolerance '${o.tolerance}': expected a number > 0`);
  const { device, threads } = schemaOptionsFromCli(o as unknown as Record<string, unknown>, DEVICE_KEYS);
  const runtime = await initLabRuntime({ device: device as DeviceChoice, threads: threads as number | null });
  process.stderr.write(`${describeRuntime(runtime)}\n`);
  const task = getTask(config.task);
  const modelOptions = config.model ?? {};
  const blockSize = typeof modelOptions.blockSize === 'number' ? modelOptions.blockSize : undefined;
  const data = loadTaskData(task, { ...(config.data ?? {}), blockSize: config.data?.blockSize ?? blockSize });
  // Hessian-vector products need the activation's exact second derivatives, not the training form.
  const model = buildTaskModel(task, data, { ...config.activation, form: 'exact' }, modelOptions);
  const rng = createRng(0);
  const init = model.init(() => rng.next());
  checkSavedShapes(init.params, saved.params, saved.manifest.params, join(dir, 'weights.json'));
  const state = restoreTree(init.state, saved.state, saved.manifest.state);
  const batch = (examples: number) => {
    const size = Math.min(examples, data.trainSize);
    const first = data.trainBatches(0, size, config.seed)[Symbol.iterator]().next();
    if (first.done) throw new Error(`landscape: no training batch of ${size} examples`);
    return batchArrays(data, first.value);
  };
  let last = '';
  const result = await computeLandscape(model, init.params, state, saved.params, batch, {
    normalization: o.normalization as DirectionNormalization,
    range,
    linePoints: parseInteger(o.points, '--points', 3),
    gridPoints: o.grid === '0' ? 0 : parseInteger(o.grid, '--grid', 3),
    examples: parseInteger(o.examples, '--examples'),
    seed: Number(o.seed),
    hessian: o.hessian,
    hessianExamples: parseInteger(o.hessianExamples, '--hessian-examples'),
    power: { maxIterations: parseInteger(o.iterations, '--iterations'), tolerance },
    onProgress(what, done, total) {
      const line = `${what} ${done}/${total}`;
      if (process.stderr.isTTY) process.stderr.write(`\r${line}   `);
      else if (what !== last) process.stderr.write(`${what}...\n`);
      last = what;
    },
  });
  return { ...result, runtime };
}

/** `gatelab landscape <run>`: loss slices around a trained run's weights and its sharpness. */
export function registerLandscape(program: Command): void {
  const command = program
    .command('landscape')
    .description(
      'loss along random directions around a trained run (1-D line, 2-D grid) and the top Hessian eigenvalue by power iteration; needs a run trained with --save-weights',
    )
    .argument('<run>', 'run folder, e.g. runs/<id>')
    .option(
      '--normalization <kind>',
      "directions: 'unit' (unit L2 norm) or 'filter' (Li et al. 2018)",
      'unit',
    )
    .option('--range <r>', 'slices cover [-r, r] along each direction', '1')
    .option('--points <n>', 'points of the 1-D slice', '41')
    .option('--grid <n>', 'points per axis of the 2-D slice (0 = skip)', '21')
    .option('--examples <n>', 'training examples in the loss batch', '512')
    .option('--seed <n>', 'seed of the directions', '0')
    .option('--no-hessian', 'skip the top Hessian eigenvalue')
    .option('--hessian-examples <n>', 'training examples for the Hessian-vector products', '256')
    .option('--iterations <n>', 'most power iterations', '30')
    .option(
      '--tolerance <t>',
      'stop when the eigenvalue estimate changes by less than this (relative)',
      '1e-3',
    )
    .option('--svg <file>', 'write the 2-D slice (heatmap + contours) as SVG')
    .option('--line-svg <file>', 'write the 1-D slice as SVG')
    .option('--json', 'print landscape.json to stdout')
    .option('--overwrite', 'replace an earlier landscape.json of the run (default: refuse)');
  addSchemaOptions(command, DEVICE_KEYS);
  command.action(async (run: string, o: LandscapeCliOptions) => {
    const file = landscapeFile(run, o.overwrite === true);
    const result = await landscapeOfRun(run, o);
    if (process.stderr.isTTY) process.stderr.write('\n');
    writeFileSafely(file, `${toJson(result)}\n`);
    if (o.json) {
      process.stdout.write(`${toJson(result)}\n`);
    } else {
      const line = result.line;
      const edge = Math.max(line.losses[0], line.losses[line.losses.length - 1]);
      process.stdout.write(
        [
          `run ${resolve(run)}`,
          `loss at the trained weights (${result.examples} training examples, eval mode): ${sig(result.centerLoss, 6)}`,
          `1-D slice (${result.normalization} direction, ${line.alphas.length} points in [${line.alphas[0]}, ${line.alphas.at(-1)}]): min ${sig(Math.min(...line.losses), 6)}, loss at the ends up to ${sig(edge, 6)} (rise ${sig(edge - result.centerLoss, 4)})`,
          result.grid
            ? `2-D slice: ${result.grid.alphas.length}x${result.grid.betas.length} grid, loss from ${sig(Math.min(...result.grid.losses), 6)} to ${sig(Math.max(...result.grid.losses), 6)}`
            : '2-D slice: skipped',
          result.hessian
            ? `top Hessian eigenvalue: ${sig(result.hessian.eigenvalue, 6)} after ${result.hessian.iterations} power iterations (${result.hessian.converged ? 'converged' : 'NOT converged'}, last relative change ${sig(result.hessian.lastChange, 3)}, ${result.hessian.examples} examples)`
            : 'top Hessian eigenvalue: skipped',
          `${o.overwrite ? 'wrote (replacing any earlier one)' : 'wrote'} ${file}`,
          '',
        ].join('\n'),
      );
    }
    if (o.svg && result.grid) {
      const fig = landscapeFigure(
        { xs: result.grid.alphas, ys: result.grid.betas, values: result.grid.losses },
        `Loss around the trained weights (${result.normalization} directions)`,
      );
      writeFileSafely(o.svg, await renderSvg(fig));
      process.stderr.write(`wrote ${o.svg}\n`);
    }
    if (o.lineSvg) {
      const rows = result.line.alphas.map((x, i) => ({ series: 'loss', x, y: result.line.losses[i] }));
      writeFileSafely(
        o.lineSvg,
        await renderSvg(lineFigure(rows, 'Loss along a random direction', 'step along direction', 'loss')),
      );
      process.stderr.write(`wrote ${o.lineSvg}\n`);
    }
  });
}
