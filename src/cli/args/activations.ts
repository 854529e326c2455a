/** The activation names and `--param` entries of the commands that study several activations. */
import type { Command } from 'commander';
import { paramsByActivation, resolveNames } from '../../lab/options/activation.js';
import { collect } from './lists.js';

/** The GoLU paper's comparison set, the default of plot and variance. */
export const PAPER_ACTIVATIONS: readonly string[] = ['golu', 'gelu', 'swish', 'mish', 'relu'];

/** Adds `[names...]` (help: which are used when none are named) and the repeatable `--param <k=v>`. */
export function addActivationArguments(command: Command, defaultHelp: string): Command {
  return command
    .argument('[names...]', `activations (default: ${defaultHelp})`)
    .option(
      '--param <k=v>',
      'parameter for every chosen activation that has it, or activation.k=v (repeatable)',
      collect,
      [],
    );
}

/** The named activations (else `defaults`) and the parameters `--param` gives each. */
export function chosenActivations(
  names: readonly string[],
  params: readonly string[],
  defaults: readonly string[],
) {
  const chosen = resolveNames(names.length === 0 ? defaults : names);
  return { chosen, params: paramsByActivation(chosen, params) };
}
