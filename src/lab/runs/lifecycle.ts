/**
 * How a lab process ends: SIGINT/SIGTERM (and, in a child of `compare`, the parent's exit or its stop
 * message) become a stop request that the trainer honours at the next step boundary, after writing a
 * checkpoint. A second signal ends the process at once. The terminal's cursor is shown again on every
 * exit (cli-progress hides it while a bar is drawn).
 */
import { constants } from 'node:os';

/** Exit status of a process stopped by `reason`: 128 + signal number (130 SIGINT, 143 SIGTERM). */
export function exitCodeFor(reason: string): number {
  const signal = constants.signals[reason as NodeJS.Signals];
  return signal === undefined ? 129 : 128 + signal;
}

/** A message a parent sends to a child over IPC to stop it like a signal would. */
export interface StopMessage {
  type: 'gatelab-stop';
  reason: string;
}

export interface StopWatch {
  /** Why a stop was requested ('SIGINT', 'SIGTERM', 'parent exited'), or null. */
  reason(): string | null;
  /** Exit status for the request: 130 for SIGINT, 143 for SIGTERM, 129 when the parent exited. */
  exitCode(): number;
  /** Called once on the first request (e.g. to stop child processes). */
  onStop(listener: (reason: string) => void): void;
  dispose(): void;
}

let cursorGuard = false;

/** Shows the cursor again when the process exits, if stderr is a terminal (idempotent). */
export function restoreTerminalOnExit(): void {
  if (cursorGuard) return;
  cursorGuard = true;
  process.on('exit', restoreTerminal);
}

/** Shows the terminal cursor (ANSI "\x1b[?25h") if stderr is a terminal. */
export function restoreTerminal(): void {
  if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
}

/**
 * Turns SIGINT/SIGTERM into a stop request; a second signal exits at once with its status. In a process
 * started with an IPC channel (a `compare` child), the channel's disconnect (the parent died, even by
 * SIGKILL) and a {@link StopMessage} are stop requests too, and a change of parent process id is polled
 * every second as a second line of defence. Broken stdout/stderr pipes (a dead parent) are ignored.
 */
export function watchForStop(): StopWatch {
  let reason: string | null = null;
  const listeners: ((reason: string) => void)[] = [];
  const request = (why: string) => {
    if (reason !== null) return;
    reason = why;
    for (const listener of listeners) listener(why);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (reason !== null && reason !== 'parent exited') {
      restoreTerminal();
      process.exit(exitCodeFor(signal));
    }
    request(signal);
  };
  const onDisconnect = () => request('parent exited');
  const onMessage = (message: unknown) => {
    const m = message as Partial<StopMessage> | null;
    if (m !== null && typeof m === 'object' && m.type === 'gatelab-stop')
      request(String(m.reason ?? 'SIGTERM'));
  };
  const ignorePipeErrors = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  restoreTerminalOnExit();
  const child = typeof process.send === 'function';
  // A host that listens on the channel itself (a test runner's worker running a command in-process)
  // needs it to keep the process alive: unreferenced, the worker could exit under it whenever nothing
  // else is pending (seen as "Worker exited unexpectedly" / EPIPE under load).
  const hostListens = process.listenerCount('message') > 0;
  let poll: NodeJS.Timeout | null = null;
  if (child) {
    process.on('disconnect', onDisconnect);
    process.on('message', onMessage);
    // The channel must not keep a finished CLI child alive.
    if (!hostListens) process.channel?.unref();
    process.stdout.on('error', ignorePipeErrors);
    process.stderr.on('error', ignorePipeErrors);
    const parent = process.ppid;
    poll = setInterval(() => {
      if (process.ppid !== parent) request('parent exited');
    }, 1000);
    poll.unref();
    if (!process.connected) request('parent exited');
  }
  return {
    reason: () => reason,
    exitCode: () => exitCodeFor(reason ?? 'SIGTERM'),
    onStop(listener) {
      listeners.push(listener);
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('disconnect', onDisconnect);
      process.off('message', onMessage);
      if (poll !== null) clearInterval(poll);
    },
  };
}
