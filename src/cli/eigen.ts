import type { Command } from 'commander';
import { type EigenResult, eigenExperiment } from '../lab/fn/eigen.js';
import { eigenHeatmapFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { writeFileSafely } from '../lab/runs/files.js';
import { chosenActivations } from './args/activations.js';
import { collect, parseInteger, parseNumberList } from './args/lists.js';
import { formatTable, sig, toJson } from './format.js';

/** The GoLU repository's choice of activations for this experiment, plus ReLU as the baseline. */
const DEFAULT_ACTIVATIONS = ['relu', 'gelu', 'swish', 'mish', 'golu'];

/** One table per quantity: rows (activation, mean), columns std. */
export function eigenTables(result: EigenResult): string {
  const parts: string[] = [];
  for (const [field, title] of [
    ['output', 'max |eigenvalue| of f(X)'],
    ['derivative', "max |eigenvalue| of f'(X)"],
  ] as const) {
    const header = ['activation', 'mean', ...result.stds.map((s) => `s=${s}`)];
    const rows: string[][] = [];
    const labels = [...new Set(result.cells.map((c) => c.label))];
    for (const label of labels) {
      for (const m of result.means) {
        const cells = result.stds.map((s) =>
          result.cells.find((c) => c.label === label && c.mean === m && c.std === s),
        );
        rows.push([label, String(m), ...cells.map((c) => (c === undefined ? '-' : sig(c[field].mean, 5)))]);
      }
    }
    parts.push(`${title}:`, formatTable(header, rows), '');
  }
  return parts.join('\n');
}

interface EigenCliOptions {
  size: string;
  means: string;
  stds: string;
  draws: string;
  seed: string;
  param: string[];
  json?: string;
  svg?: string;
  quiet?: boolean;
}

/** `gatelab eigen`: the GoLU repository's eigen-spectrum experiment. */
export function registerEigen(program: Command): void {
  program
    .command('eigen [activations...]')
    .description(
      "largest |eigenvalue| of f(X) and f'(X) for Gaussian matrices X with entries N(m, s^2) on a grid of (m, s) (GoLU repository's eigen analysis); float64, general real eigenvalue problem (Hessenberg + Francis QR)",
    )
    .option('--size <n>', 'matrix size n (n x n)', '1000')
    .option('--means <list>', 'means m of the entries', '-2,-1,0,1,2')
    .option('--stds <list>', 'standard deviations s of the entries', '0.5,1,1.5,2,2.5')
    .option('--draws <n>', 'matrices per (m, s) cell, averaged (all activations see the same draws)', '1')
    .option('--seed <n>', 'seed of the matrices', '42')
    .option('--param <k=v>', 'activation parameter, k=v or activation.k=v (repeatable)', collect, [])
    .option('--json <file>', 'write every cell (each draw too) as JSON')
    .option('--svg <file>', 'write the heatmaps (f(X) row, f′(X) row, one panel per activation)')
    .option('--quiet', 'no progress lines')
    .addHelpText(
      'after',
      `\nDefault activations: ${DEFAULT_ACTIVATIONS.join(', ')}.\nExample:\n  gatelab eigen golu gelu --size 300 --draws 3 --svg eigen.svg`,
    )
    .action(async (names: string[], o: EigenCliOptions) => {
      const { chosen, params } = chosenActivations(names, o.param, DEFAULT_ACTIVATIONS);
      const seed = Number(o.seed);
      if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got '${o.seed}'`);
      const options = {
        activations: chosen.map((name) => ({ name, params: params.get(name) ?? {} })),
        size: parseInteger(o.size, '--size'),
        means: parseNumberList(o.means, '--means'),
        stds: parseNumberList(o.stds, '--stds'),
        draws: parseInteger(o.draws, '--draws'),
        seed,
      };
      let last = 0;
      const result = eigenExperiment({
        ...options,
        onProgress: (done, total) => {
          const now = performance.now();
          if (o.quiet || (now - last < 5000 && done !== total)) return;
          last = now;
          process.stderr.write(`eigen: ${done}/${total} matrices\n`);
        },
      });
      process.stdout.write(
        `X: ${result.size}x${result.size}, entries N(m, s^2), ${result.draws} draw(s) per cell, seed ${result.seed}\n\n`,
      );
      process.stdout.write(eigenTables(result));
      process.stdout.write(
        `${result.cells.length * result.draws * 2} matrices in ${result.seconds.toFixed(1)} s (${result.secondsPerMatrix.toFixed(2)} s per matrix)\n`,
      );
      if (o.json) {
        writeFileSafely(o.json, `${toJson(result)}\n`);
        process.stdout.write(`wrote ${o.json}\n`);
      }
      if (o.svg) {
        const cells = result.cells.map((c) => ({
          activation: c.label,
          mean: c.mean,
          std: c.std,
          output: c.output.mean,
          derivative: c.derivative.mean,
        }));
        writeFileSafely(o.svg, await renderSvg(eigenHeatmapFigure(cells, result.size, result.draws)));
        process.stdout.write(`wrote ${o.svg}\n`);
      }
    });
}
