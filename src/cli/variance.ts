import type { Command } from 'commander';
import { loadEmbeddedDataset } from '../lab/data/embedded.js';
import { labelWithParams } from '../lab/fn/curves.js';
import { gaussianKde } from '../lab/fn/descriptive.js';
import { activationMoments } from '../lab/fn/stats.js';
import { latentVarianceExperiment } from '../lab/fn/variance.js';
import { barFigure, densityFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { writeFileSafely } from '../lab/runs/files.js';
import { addActivationArguments, chosenActivations, PAPER_ACTIVATIONS } from './args/activations.js';
import { formatTable, sig, toJson } from './format.js';

interface VarianceOptions {
  param: string[];
  dataset: string;
  images: string;
  seed: string;
  padding: string;
  json?: boolean;
  svg?: string;
  bars?: string;
}

/** `gatelab variance`: the latent-variance experiment of the GoLU repository on embedded images. */
export function registerVariance(program: Command): void {
  const command = program
    .command('variance')
    .description(
      'latent-variance experiment: images -> fresh 3x3 conv -> BatchNorm (train mode) -> each activation; mean/variance per map, KDE figure',
    );
  addActivationArguments(command, PAPER_ACTIVATIONS.join(' '))
    .option('--dataset <name>', 'embedded images: mnist or fashion-mnist (test split, first images)', 'mnist')
    .option('--images <n>', 'number of images', '200')
    .option('--seed <n>', 'seed of the convolution weights', '0')
    .option('--padding <mode>', "'same' (zero padding 1) or 'valid'", 'same')
    .option('--json', 'print JSON (summary and per-image statistics) instead of a table')
    .option('--svg <file>', 'write the KDE of the activated values (pooled over images) as SVG')
    .option('--bars <file>', 'write the mean map variance per activation (± SEM over images) as SVG')
    .action(async (names: string[], options: VarianceOptions) => {
      const { chosen, params } = chosenActivations(names, options.param, PAPER_ACTIVATIONS);
      if (options.dataset !== 'mnist' && options.dataset !== 'fashion-mnist') {
        throw new Error(`--dataset '${options.dataset}': use mnist or fashion-mnist (embedded)`);
      }
      const count = Number(options.images);
      if (!Number.isInteger(count) || count < 1 || count > 5000) {
        throw new Error(`--images '${options.images}': expected a whole number in [1, 5000]`);
      }
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(seed)) throw new Error(`--seed '${options.seed}': expected an integer`);
      if (options.padding !== 'same' && options.padding !== 'valid') {
        throw new Error(`--padding '${options.padding}': use same or valid`);
      }
      const data = loadEmbeddedDataset(options.dataset, { limit: { train: 1, val: 1, test: count } });
      const split = data.test;
      if (split.n < count)
        throw new Error(`--images ${count}: the ${options.dataset} test split has only ${split.n}`);
      const [, height, width] = data.inputShape;
      const entries = chosen.map((name) => ({
        name,
        params: params.get(name),
        label: labelWithParams(name, params.get(name)),
      }));
      const result = latentVarianceExperiment({
        pixels: split.x.subarray(0, count * height * width),
        n: count,
        height,
        width,
        activations: entries,
        seed,
        padding: options.padding,
      });
      // For comparison: the same statistic if the BatchNorm output were exactly N(0, 1).
      const gaussian = new Map(
        entries.map((e) => [e.label, activationMoments(e.name, e.params).variance.value]),
      );
      const summary = [...result.summary].sort((a, b) => a.meanVariance - b.meanVariance);
      if (options.json) {
        const { pooled: _pooled, ...rest } = result;
        process.stdout.write(
          `${toJson({ dataset: options.dataset, images: count, seed, ...rest, summary })}\n`,
        );
      } else {
        const header = [
          'activation',
          'map mean',
          'map variance (mean)',
          'SEM',
          'median',
          'lowest in % of images',
          'Var under N(0,1)',
        ];
        const rows = summary.map((s) => [
          s.activation,
          sig(s.meanOfMeans, 5),
          sig(s.meanVariance, 6),
          sig(s.semVariance, 2),
          sig(s.medianVariance, 5),
          (100 * s.lowestShare).toFixed(1),
          sig(gaussian.get(s.activation)!, 6),
        ]);
        process.stdout.write(
          [
            `${count} ${options.dataset} test images, one at a time: 3x3 conv (1 channel, seed ${seed}, padding ${options.padding}) -> BatchNorm over the ${result.mapHeight}x${result.mapWidth} map -> activation`,
            `kernel ${result.kernel.map((k) => k.toFixed(4)).join(' ')}, bias ${result.bias.toFixed(4)}${result.constantMaps > 0 ? `; ${result.constantMaps} constant maps (blank images)` : ''}`,
            formatTable(header, rows),
            '',
          ].join('\n'),
        );
      }
      if (options.svg) {
        const rows = entries.flatMap((e) => {
          const kde = gaussianKde(result.pooled.get(e.label)!, 240);
          return kde.x.map((x, i) => ({ activation: e.label, x, density: kde.density[i] }));
        });
        const figure = densityFigure(
          rows,
          `Activated values after conv + BatchNorm (${count} ${options.dataset} images, Gaussian KDE, Silverman bandwidth)`,
          'activation output',
        );
        writeFileSafely(options.svg, await renderSvg(figure));
        process.stderr.write(`wrote ${options.svg}\n`);
      }
      if (options.bars) {
        const figure = barFigure(
          summary.map((s) => ({ activation: s.activation, value: s.meanVariance, error: s.semVariance })),
          'Variance of the activated map',
          `mean over ${count} ${options.dataset} images, whiskers ± SEM`,
        );
        writeFileSafely(options.bars, await renderSvg(figure));
        process.stderr.write(`wrote ${options.bars}\n`);
      }
    });
}
