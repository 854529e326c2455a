import type { Command } from 'commander';
import { sampleCurves } from '../lab/fn/curves.js';
import { paramsByActivation, resolveNames } from '../lab/options/activation.js';
import { activationCurvesFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { writeFileSafely } from '../lab/runs/files.js';
import { collect, parseNumberList } from './args/lists.js';

/** The GoLU paper's comparison set, plotted when no names are given. */
const DEFAULT_NAMES = ['golu', 'gelu', 'swish', 'mish', 'relu'];

interface PlotOptions {
  param: string[];
  range: string;
  points: string;
  out: string;
  title?: string;
}

/** `gatelab plot`: curves, derivatives and gates of activations as one SVG. */
export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description("draw f(x), f'(x) and the gate f(x)/x of activations side by side (SVG, no browser needed)")
    .argument('[names...]', `activations (default: ${DEFAULT_NAMES.join(' ')})`)
    .option(
      '--param <k=v>',
      'parameter for every chosen activation that has it, or activation.k=v (repeatable)',
      collect,
      [],
    )
    .option('--range <lo,hi>', 'x range', '-5,5')
    .option('--points <n>', 'samples per curve', '401')
    .option('--out <file>', 'output SVG file', 'activations.svg')
    .option('--title <text>', 'figure title')
    .action(async (names: string[], options: PlotOptions) => {
      const chosen = resolveNames(names.length === 0 ? DEFAULT_NAMES : names);
      const params = paramsByActivation(chosen, options.param);
      const range = parseNumberList(options.range, '--range');
      if (range.length !== 2 || !(range[1] > range[0])) {
        throw new Error(`--range '${options.range}': expected lo,hi with lo < hi, e.g. -5,5`);
      }
      const points = Number(options.points);
      if (!Number.isInteger(points) || points < 2 || points > 100_000) {
        throw new Error(`--points '${options.points}': expected a whole number in [2, 100000]`);
      }
      const curves = sampleCurves(
        chosen.map((name) => ({ name, params: params.get(name) })),
        range[0],
        range[1],
        points,
      );
      const figure = activationCurvesFigure(curves, options.title ?? `Activations: ${chosen.join(', ')}`);
      writeFileSafely(options.out, await renderSvg(figure));
      process.stdout.write(`wrote ${options.out}\n`);
    });
}
