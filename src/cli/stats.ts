import type { Command } from 'commander';
import type { GaussianMoments } from '../lab/fn/gaussian.js';
import type { GlobalMinimum } from '../lab/fn/minimize.js';
import { type ActivationStats, activationMoments, activationStats } from '../lab/fn/stats.js';
import { barFigure, lineFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { writeFileSafely } from '../lab/runs/files.js';
import { addActivationArguments, chosenActivations } from './args/activations.js';
import { parseFiniteNumber, parseNumberList } from './args/lists.js';
import { formatTable, sig, toJson } from './format.js';

function describeMinimum(m: GlobalMinimum): [string, string] {
  switch (m.kind) {
    case 'attained':
      return [sig(m.value), sig(m.x)];
    case 'flat':
      return [sig(m.value), `x<=${sig(m.upTo)}`];
    case 'asymptote':
      return [sig(m.value), 'x->-inf'];
    case 'unbounded':
      return ['-inf', 'x->-inf'];
  }
}

const SORT_KEYS: Record<string, (s: ActivationStats) => number | string> = {
  variance: (s) => s.moments.variance.value,
  mean: (s) => s.moments.mean.value,
  slope: (s) => s.slopeAtZero,
  'mean-slope': (s) => s.moments.meanSlope.value,
  'mean-squared-slope': (s) => s.moments.meanSquaredSlope.value,
  minimum: (s) => (s.minimum.kind === 'unbounded' ? Number.NEGATIVE_INFINITY : s.minimum.value),
  name: (s) => s.name,
};

function sortStats(stats: ActivationStats[], key: string): ActivationStats[] {
  const by = SORT_KEYS[key];
  if (!by) throw new Error(`--sort '${key}': use one of ${Object.keys(SORT_KEYS).join(', ')}`);
  return [...stats].sort((a, b) => {
    const x = by(a);
    const y = by(b);
    return typeof x === 'string' ? x.localeCompare(String(y)) : (x as number) - (y as number);
  });
}

/** The main table of `gatelab stats`. */
export function statsTable(stats: readonly ActivationStats[]): string {
  const { mu, sigma } = stats[0]?.moments ?? { mu: 0, sigma: 1 };
  const header = [
    'activation',
    'f(0)',
    "f'(0)",
    'min f',
    'at x',
    'gate median',
    'gate mean',
    'gate sd',
    'gate skew',
    'E[f(X)]',
    'Var[f(X)]',
    "E[f'(X)]",
    "E[f'(X)^2]",
  ];
  const rows = stats.map((s) => {
    const gate = s.gate.applies
      ? [sig(s.gate.median, 5), sig(s.gate.mean, 5), sig(s.gate.std, 5), sig(s.gate.skewness, 5)]
      : ['-', '-', '-', '-'];
    const m = s.moments;
    return [
      s.name,
      sig(s.valueAtZero, 5),
      sig(s.slopeAtZero, 5),
      ...describeMinimum(s.minimum),
      ...gate,
      sig(m.mean.value, 10),
      sig(m.variance.value, 10),
      sig(m.meanSlope.value, 10),
      sig(m.meanSquaredSlope.value, 10),
    ];
  });
  const notes = stats
    .filter((s) => !s.gate.applies)
    .map((s) => `  ${s.name}: ${s.gate.applies ? '' : s.gate.reason}`);
  const unconverged = stats.filter((s) =>
    [s.moments.mean, s.moments.variance, s.moments.meanSlope, s.moments.meanSquaredSlope].some(
      (e) => !e.converged,
    ),
  );
  return [
    `X ~ N(${mu}, ${sigma}^2); moments by adaptive Gauss-Kronrod quadrature (relative error target 1e-12).`,
    formatTable(header, rows),
    '',
    'gate = f(x)/x read as a CDF (median, mean, skewness of its distribution); no CDF gate for:',
    ...notes,
    ...(unconverged.length > 0
      ? [`quadrature did not converge for: ${unconverged.map((s) => s.name).join(', ')}`]
      : []),
  ].join('\n');
}

interface StatsOptions {
  param: string[];
  mu: string;
  sigma: string;
  grid?: boolean;
  mus: string;
  sigmas: string;
  sort: string;
  json?: boolean;
  svg?: string;
}

/** `gatelab stats`: the numbers behind the variance argument, per activation. */
export function registerStats(program: Command): void {
  const command = program
    .command('stats')
    .description(
      "value and slope at 0, minimum, gate as a distribution (median, mean, skewness) and E[f], Var[f], E[f'], E[f'^2] under X ~ N(mu, sigma^2)",
    );
  addActivationArguments(command, 'all')
    .option('--mu <number>', 'mean of the Gaussian input', '0')
    .option('--sigma <number>', 'standard deviation of the Gaussian input', '1')
    .option('--grid', 'moments on a grid of mu x sigma instead (see --mus, --sigmas)')
    .option('--mus <list>', 'grid means', '-1,0,1')
    .option('--sigmas <list>', 'grid standard deviations', '0.5,1,2')
    .option('--sort <key>', `sort rows by: ${Object.keys(SORT_KEYS).join(', ')}`, 'variance')
    .option('--json', 'print JSON instead of a table')
    .option(
      '--svg <file>',
      "also write a figure (bars of Var[f(X)] and E[f'(X)^2]; lines over sigma with --grid)",
    )
    .action(async (names: string[], options: StatsOptions) => {
      const { chosen, params } = chosenActivations(names, options.param, []);
      if (options.grid) {
        await runGrid(chosen, params, options);
        return;
      }
      const mu = parseFiniteNumber(options.mu, '--mu');
      const sigma = parseFiniteNumber(options.sigma, '--sigma');
      if (!(sigma > 0)) throw new Error(`--sigma must be > 0, got ${sigma}`);
      const stats = sortStats(
        chosen.map((name) => activationStats(name, params.get(name), { mu, sigma })),
        options.sort,
      );
      process.stdout.write(`${options.json ? toJson(stats) : statsTable(stats)}\n`);
      if (options.svg) {
        const rows = stats.flatMap((s) => [
          { activation: s.name, value: s.moments.variance.value, panel: 'Var[f(X)]' },
          { activation: s.name, value: s.moments.meanSquaredSlope.value, panel: "E[f'(X)^2]" },
        ]);
        const figure = barFigure(
          rows,
          'Output variance and squared slope under a Gaussian input',
          `X ~ N(${mu}, ${sigma}^2)`,
        );
        writeFileSafely(options.svg, await renderSvg(figure));
        process.stderr.write(`wrote ${options.svg}\n`);
      }
    });
}

async function runGrid(chosen: string[], params: Map<string, Record<string, number>>, options: StatsOptions) {
  const mus = parseNumberList(options.mus, '--mus');
  const sigmas = parseNumberList(options.sigmas, '--sigmas');
  if (sigmas.some((s) => !(s > 0))) throw new Error(`--sigmas must all be > 0, got ${options.sigmas}`);
  const results: { name: string; moments: GaussianMoments }[] = [];
  for (const name of chosen) {
    for (const mu of mus)
      for (const sigma of sigmas)
        results.push({ name, moments: activationMoments(name, params.get(name), mu, sigma) });
  }
  if (options.json) {
    process.stdout.write(`${toJson(results)}\n`);
  } else {
    const header = ['activation', ...mus.flatMap((mu) => sigmas.map((sigma) => `mu=${mu},s=${sigma}`))];
    const rows = chosen.map((name) => [
      name,
      ...results.filter((r) => r.name === name).map((r) => sig(r.moments.variance.value, 8)),
    ]);
    process.stdout.write(`Var[f(X)] for X ~ N(mu, s^2)\n${formatTable(header, rows)}\n`);
  }
  if (options.svg) {
    const rows = results.map((r) => ({
      series: r.name,
      x: r.moments.sigma,
      y: r.moments.variance.value,
      panel: `mu = ${r.moments.mu}`,
    }));
    const figure = lineFigure(rows, 'Var[f(X)] against the input scale sigma', 'sigma', 'Var[f(X)]', true);
    writeFileSafely(options.svg, await renderSvg(figure));
    process.stderr.write(`wrote ${options.svg}\n`);
  }
}
