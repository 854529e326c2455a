#!/usr/bin/env node
/**
 * The `gatelab` command line. Each command lives in its own file under src/cli/ and registers itself here.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCompare } from './compare.js';
import { registerEigen } from './eigen.js';
import { registerExplore } from './explore.js';
import { registerLandscape } from './landscape.js';
import { registerList } from './list.js';
import { registerPlot } from './plot.js';
import { registerReport } from './report.js';
import { registerStats } from './stats.js';
import { registerSweep } from './sweep.js';
import { registerTrain } from './train.js';
import { registerVariance } from './variance.js';

/** The package version (package.json sits two folders up from src/cli/ and from dist/cli/). */
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command();
program
  .name('gatelab')
  .version(version, '-V, --version', 'print the gatelab version')
  .description(
    'Self-gated activation functions: exact math, fast kernels, and a lab to compare them on real data.',
  )
  .showHelpAfterError();

registerList(program);
registerTrain(program);
registerCompare(program);
registerStats(program);
registerPlot(program);
registerReport(program);
registerLandscape(program);
registerVariance(program);
registerEigen(program);
registerExplore(program);
registerSweep(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // One prefix: lower layers name themselves ("gatelab: ...", "gatelab sgd: ..."); print it once.
  process.stderr.write(`gatelab: ${message.replace(/^gatelab(?: [\w-]+)?: /, '')}\n`);
  process.exitCode = 1;
});
