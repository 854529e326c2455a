import type { Command } from 'commander';
import { activationNames, getSpec } from '../activations/resolve.js';
import type { GaussianMoments } from '../lab/analysis/gaussian.js';
import type { GlobalMinimum } from '../lab/analysis/minimize.js';
import { type ActivationStats, activationMoments, activationStats } from '../lab/analysis/stats.js';
import { barFigure, lineFigure } from '../lab/report/figures.js';
import { renderSvg } from '../lab/report/render.js';
import { toJsonText, writeFileSafely } from '../lab/runs/files.js';

/**
 * Parses repeated `--param` values: `k=v` applies to every chosen activation that has a parameter k
 * (an error if none has it), `name.k=v` to that activation only.
 */
export function paramsByActivation(
  names: readonly string[],
  assignments: readonly string[],
): Map<string, Record<string, number>> {
  const result = new Map<string, Record<string, number>>(names.map((n) => [n, {}]));
  for (const text of assignments) {
    const match = /^(?:([A-Za-z0-9_-]+)\.)?([A-Za-z_]\w*)=(.+)$/.exec(text.trim());
    if (!match)
      throw new Error(`--param '${text}': expected k=v or activation.k=v, e.g. beta=2 or golu.beta=2`);
    const [, scope, key, raw] = match;
    const value = Number(raw);
    if (raw.trim() === '' || Number.isNaN(value))
      throw new Error(`--param '${text}': '${raw}' is not a number`);
    const targets = scope === undefined ? names : [getSpec(scope).name];
    let used = false;
    for (const name of targets) {
      if (!result.has(name))
        throw new Error(`--param '${text}': ${name} is not among the chosen activations`);
      if (getSpec(name).params.some((p) => p.name === key)) {
        result.get(name)![key] = value;
        used = true;
      } else if (scope !== undefined) {
        const valid = getSpec(name).params.map((p) => p.name);
        throw new Error(
          `--param '${text}': ${name} has no parameter '${key}' (its parameters: ${valid.join(', ') || 'none'})`,
        );
      }
    }
    if (!used) throw new Error(`--param '${text}': none of ${names.join(', ')} has a parameter '${key}'`);
  }
  return result;
}

/** Canonical names for the given names/aliases (all activations when none given), duplicates removed. */
export function resolveNames(names: readonly string[]): string[] {
  const chosen = names.length === 0 ? activationNames() : names.map((n) => getSpec(n).name);
  return [...new Set(chosen)];
}

/** Comma-separated numbers, e.g. "-1,0,1". */
export function parseNumberList(text: string, what: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const numbers = values.map(Number);
  if (values.some((s) => s === '') || numbers.some((n) => !Number.isFinite(n))) {
    throw new Error(`${what}: '${text}' is not a comma-separated list of numbers`);
  }
  return numbers;
}

export function parseFiniteNumber(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new Error(`${what}: '${text}' is not a finite number`);
  return value;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** JSON in the lab's one convention: NaN and infinities as the strings "NaN", "Infinity", "-Infinity". */
export function toJson(value: unknown): string {
  return toJsonText(value, 2);
}

/** Fixed-width text table, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Significant-digit formatting that keeps 0 as "0" and shows infinities and NaN plainly. */
export function sig(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  // Table entries are O(0.01..10) and accurate to ~1e-12; smaller values are rounding noise of a 0.
  if (Math.abs(x) < 1e-12) return '0';
  return Number(x.toPrecision(digits)).toString();
}

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
  program
    .command('stats')
    .description(
      "value and slope at 0, minimum, gate as a distribution (median, mean, skewness) and E[f], Var[f], E[f'], E[f'^2] under X ~ N(mu, sigma^2)",
    )
    .argument('[names...]', 'activations (default: all)')
    .option(
      '--param <k=v>',
      'parameter for every chosen activation that has it, or activation.k=v (repeatable)',
      collect,
      [],
    )
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
      const chosen = resolveNames(names);
      const params = paramsByActivation(chosen, options.param);
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
