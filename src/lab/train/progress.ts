/**
 * Progress output of a run: a bar with ETA on a terminal (cli-progress), plain log lines otherwise,
 * JSON lines for a parent `compare` process, or nothing.
 */
import cliProgress from 'cli-progress';

export interface ProgressSink {
  /** `fromStep` > 0: a resumed run, already that far. */
  start(totalSteps: number, label: string, fromStep?: number): void;
  step(step: number, loss: number, msPerStep: number): void;
  /** A line of text (an evaluation result, a warning). */
  note(line: string): void;
  stop(): void;
}

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'json' | 'none';

/** Picks a sink: 'auto' = bar on a TTY stderr, lines otherwise. Bars and lines go to stderr. */
export function createProgress(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressSink {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  switch (resolved) {
    case 'bar':
      return barProgress(stream);
    case 'lines':
      return lineProgress((line) => stream.write(`${line}\n`));
    case 'json':
      return jsonProgress((line) => process.stdout.write(`${line}\n`));
    default:
      return { start() {}, step() {}, note() {}, stop() {} };
  }
}

function barProgress(stream: NodeJS.WriteStream): ProgressSink {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        '{label} [{bar}] {percentage}% | step {value}/{total} | loss {loss} | {ms} ms/step | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  // The bar's fields, kept so that a restarted bar (after a note) shows them instead of '{label}'.
  const payload = { label: '', loss: '-', ms: '-' };
  return {
    start(total, label, fromStep = 0) {
      payload.label = label;
      bar.start(total, fromStep, payload);
      running = true;
    },
    step(step, loss, ms) {
      payload.loss = loss.toFixed(4);
      payload.ms = ms.toFixed(1);
      bar.update(step, payload);
    },
    note(line) {
      if (running) bar.stop();
      stream.write(`${line}\n`);
      if (running) {
        // cli-progress has no "print above": restart the bar where it was.
        const { value, total } = bar as unknown as { value: number; total: number };
        bar.start(total, value, payload);
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** One line per ~10% of the steps and every note. */
export function lineProgress(write: (line: string) => void): ProgressSink {
  let total = 0;
  let label = '';
  let nextReport = 0;
  let started = 0;
  let first = 0;
  return {
    start(t, l, fromStep = 0) {
      total = t;
      label = l;
      first = fromStep;
      nextReport = fromStep + Math.max(1, Math.ceil(t / 10));
      started = performance.now();
      write(fromStep > 0 ? `${label}: resumed at step ${fromStep} of ${total}` : `${label}: ${total} steps`);
    },
    step(step, loss, ms) {
      if (step < nextReport && step !== total) return;
      nextReport = step + Math.max(1, Math.ceil(total / 10));
      const elapsed = (performance.now() - started) / 1000;
      const eta = step > first ? (elapsed / (step - first)) * (total - step) : 0;
      write(
        `${label}: step ${step}/${total} loss ${loss.toFixed(4)} ${ms.toFixed(1)} ms/step ETA ${eta.toFixed(0)}s`,
      );
    },
    note: write,
    stop() {},
  };
}

/** Machine-readable progress for a parent process: {"event":"step",...} per line, at most ~4 per second. */
export function jsonProgress(write: (line: string) => void): ProgressSink {
  let last = 0;
  let total = 0;
  return {
    start(t, _label, fromStep = 0) {
      total = t;
      write(JSON.stringify({ event: 'start', total, step: fromStep }));
    },
    step(step, loss, ms) {
      const now = performance.now();
      if (now - last < 250 && step !== total) return;
      last = now;
      write(
        JSON.stringify({ event: 'step', step, total, loss: Number.isFinite(loss) ? loss : String(loss), ms }),
      );
    },
    note(line) {
      write(JSON.stringify({ event: 'note', line }));
    },
    stop() {},
  };
}
