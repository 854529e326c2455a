import type { Command } from 'commander';
import { sampleCurves } from '../lab/fn/curves.js';
import { activationCurvesFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { writeFileSafely } from '../lab/runs/files.js';
import { addActivationArguments, chosenActivations, PAPER_ACTIVATIONS } from './args/activations.js';
import { parseNumberList } from './args/lists.js';

interface PlotOptions {
  param: string[];
  range: string;
  points: string;
  out: string;
  title?: string;
}

/** `gatelab plot`: curves, derivatives and gates of activations as one SVG. */
export function registerPlot(program: Command): void {
  const command = program
    .command('plot')
    .description("draw f(x), f'(x) and the gate f(x)/x of activations side by side (SVG, no browser needed)");
  addActivationArguments(command, PAPER_ACTIVATIONS.join(' '))
    .option('--range <lo,hi>', 'x range', '-5,5')
    .option('--points <n>', 'samples per curve', '401')
    .option('--out <file>', 'output SVG file', 'activations.svg')
    .option('--title <text>', 'figure title')
    .action(async (names: string[], options: PlotOptions) => {
      const { chosen, params } = chosenActivations(names, options.param, PAPER_ACTIVATIONS);
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
