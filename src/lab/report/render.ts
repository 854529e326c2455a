import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileSafely } from '../runs/files.js';
import { figure as figureBlock } from './html.js';

/** A figure in either grammar: most are Vega-Lite; contour plots need Vega's isocontour transform. */
export type Figure = { kind: 'vega-lite'; spec: TopLevelSpec } | { kind: 'vega'; spec: vega.Spec };

/** A loader that loads nothing and remembers what it was asked for (Vega only warns on a failed load). */
function offlineLoader(): { loader: vega.Loader; refused: string[] } {
  const refused: string[] = [];
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    refused.push(uri);
    throw new Error(`refusing to load '${uri}'`);
  };
  return { loader, refused };
}

/** Collects Vega / Vega-Lite messages instead of printing them; errors fail the render. */
function collectingLogger() {
  const errors: string[] = [];
  const warnings: string[] = [];
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  let level = vega.Warn;
  const logger = {
    level(next?: number) {
      if (next === undefined) return level;
      level = next;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return { logger: logger as vega.LoggerInterface, errors, warnings };
}

/** Vega spec of a figure (Vega-Lite compiled). Compiler warnings are dropped; errors throw. */
export function toVega(figure: Figure): vega.Spec {
  if (figure.kind === 'vega') return figure.spec;
  const { logger, errors } = collectingLogger();
  const spec = compile(figure.spec, { logger }).spec;
  if (errors.length > 0) throw new Error(`vega-lite: ${errors.join('; ')}`);
  return spec;
}

/** The figure as a standalone SVG document string. Throws if Vega reports an error while rendering. */
export async function renderSvg(figure: Figure): Promise<string> {
  const { logger, errors } = collectingLogger();
  const { loader, refused } = offlineLoader();
  const view = new vega.View(vega.parse(toVega(figure)), { renderer: 'none', loader, logger });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0)
      throw new Error(`figures use inline data only; refused to load ${refused.join(', ')}`);
    if (errors.length > 0) throw new Error(`vega: ${errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}

/** Renders the figure and writes it to `file`. */
export async function writeSvg(figure: Figure, file: string): Promise<void> {
  writeFileSafely(file, await renderSvg(figure));
}

/** Shorthand for a Vega-Lite figure. */
export function vegaLite(spec: TopLevelSpec): Figure {
  return { kind: 'vega-lite', spec };
}

/** Renders a figure into an inline block of a report; ids get a per-report running prefix. */
export type FigureRenderer = (fig: Figure, caption: string) => Promise<string>;

/** A renderer for one report (its figures are numbered fig1, fig2, ...). */
export function figureRenderer(): FigureRenderer {
  let count = 0;
  return async (fig, caption) => {
    count++;
    return figureBlock(await renderSvg(fig), `fig${count}`, caption);
  };
}
