#!/usr/bin/env node
/**
 * The `gatelab` command line. Each command lives in its own file under src/cli/ and registers itself here.
 */
import { Command } from 'commander';
import { registerCompare } from './compare.js';
import { registerLandscape } from './landscape.js';
import { registerList } from './list.js';
import { registerPlot } from './plot.js';
import { registerReport } from './report.js';
import { registerStats } from './stats.js';
import { registerSweep } from './sweep.js';
import { registerTrain } from './train.js';
import { registerVariance } from './variance.js';

const program = new Command();
program
  .name('gatelab')
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
registerSweep(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gatelab: ${message.replace(/^gatelab: /, '')}\n`);
  process.exitCode = 1;
});
