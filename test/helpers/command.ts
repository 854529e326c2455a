/**
 * One CLI command run in this process, for tests of a command's output and files without a child
 * process: a fresh program with only that command, stdout captured, stderr silenced.
 */
import { Command } from 'commander';
import { vi } from 'vitest';

/** Runs `gatelab ARGS` on a fresh program holding what `register` adds; returns what it wrote to stdout. */
export async function runCommand(register: (program: Command) => void, args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'gatelab', ...args]);
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
  }
  return out;
}
