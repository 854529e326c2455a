/** Prints the README's "Run options" table from the run-option schema (test/lab-options.test.ts checks it). */
import { runOptionsMarkdown } from '../src/cli/args/run-options.js';

process.stdout.write(`${runOptionsMarkdown()}\n`);
