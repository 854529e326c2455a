import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { sampleCurves } from '../src/lab/fn/curves.js';
import {
  activationCurvesFigure,
  barFigure,
  densityFigure,
  histogramFigure,
  landscapeFigure,
  lineFigure,
  lrHeatmapFigure,
  trainingCurvesFigure,
} from '../src/lab/report/figures.js';
import { renderSvg, vegaLite } from '../src/lab/report/render.js';

/** A parsed XML element. */
interface Element {
  tag: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses an SVG document (after checking it is well-formed XML) into a simple element tree. */
function parseSvg(svg: string): Element {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`SVG is not well-formed: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    preserveOrder: true,
    trimValues: false,
  });
  const convert = (node: Record<string, unknown>): Element | null => {
    const tag = Object.keys(node).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text') return null;
    const rawChildren = (node[tag] as Record<string, unknown>[]) ?? [];
    const text = rawChildren
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('');
    return {
      tag,
      attrs: (node[':@'] as Record<string, string>) ?? {},
      children: rawChildren.map(convert).filter((c): c is Element => c !== null),
      text,
    };
  };
  const roots = (parser.parse(svg) as Record<string, unknown>[])
    .map(convert)
    .filter((c): c is Element => c !== null);
  expect(roots).toHaveLength(1);
  return roots[0];
}

/** The SVG that `figure` renders to, parsed. */
const drawn = async (figure: Parameters<typeof renderSvg>[0]) => parseSvg(await renderSvg(figure));

function findAll(root: Element, predicate: (e: Element) => boolean): Element[] {
  const found: Element[] = [];
  const walk = (e: Element) => {
    if (predicate(e)) found.push(e);
    for (const c of e.children) walk(c);
  };
  walk(root);
  return found;
}

const hasClass = (cls: string) => (e: Element) => (e.attrs.class ?? '').split(/\s+/).includes(cls);
/** Text of every <text> element inside groups with the given role class. */
const texts = (root: Element, roleClass: string) =>
  findAll(root, hasClass(roleClass)).flatMap((g) => findAll(g, (e) => e.tag === 'text').map((t) => t.text));
/** Number of drawn items of a mark type (paths of a line mark, rects of a rect mark, ...). */
const markItems = (root: Element, markClass: string, itemTag: string) =>
  findAll(root, (e) => hasClass(markClass)(e) && hasClass('role-mark')(e)).reduce(
    (n, g) => n + g.children.filter((c) => c.tag === itemTag).length,
    0,
  );

describe('figures render to valid SVG with the expected series', () => {
  it('activation curves: three panels, one line per activation and panel, legend = names', async () => {
    const curves = sampleCurves(
      [{ name: 'golu' }, { name: 'gelu' }, { name: 'swish' }, { name: 'relu' }],
      -5,
      5,
      101,
    );
    const svg = await drawn(activationCurvesFigure(curves, 'test figure'));
    expect(svg.tag).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(texts(svg, 'role-legend-label')).toEqual(['golu', 'gelu', 'swish', 'relu']);
    // f and f' for all four, the gate only for the three with a CDF gate (relu's f(x)/x is a step).
    expect(markItems(svg, 'mark-line', 'path')).toBe(4 + 4 + 3);
    expect(texts(svg, 'role-column-header')).toEqual(['f(x)', "f'(x)", 'gate f(x)/x']);
    // Text is laid out without a canvas package: the title and axis titles are there as text.
    expect(texts(svg, 'role-title-text')).toContain('test figure');
    expect(texts(svg, 'role-axis-title')).toContain('x');
    // Each line path has real geometry (a move and many line segments).
    const paths = findAll(svg, hasClass('mark-line')).flatMap((g) =>
      g.children.filter((c) => c.tag === 'path'),
    );
    for (const p of paths) expect((p.attrs.d.match(/L/g) ?? []).length).toBeGreaterThan(50);
  });

  it('training curves: a band and a line per activation and metric', async () => {
    const rows = ['relu', 'golu'].flatMap((activation, a) =>
      ['loss', 'accuracy'].flatMap((metric) =>
        Array.from({ length: 10 }, (_, step) => {
          const mean = metric === 'loss' ? 2 / (step + 1) + a : 0.5 + 0.04 * step;
          return { activation, metric, step, mean, lo: mean - 0.1, hi: mean + 0.1 };
        }),
      ),
    );
    const svg = await drawn(trainingCurvesFigure(rows));
    expect(markItems(svg, 'mark-line', 'path')).toBe(4);
    expect(markItems(svg, 'mark-area', 'path')).toBe(4);
    expect(texts(svg, 'role-legend-label')).toEqual(['relu', 'golu']);
  });

  it('bars with whiskers, densities, lines, histograms', async () => {
    const bars = await drawn(
      barFigure(
        [
          { activation: 'golu', value: 0.25, error: 0.01 },
          { activation: 'gelu', value: 0.35, error: 0.02 },
        ],
        'variance',
      ),
    );
    expect(markItems(bars, 'mark-rect', 'path')).toBe(2);
    expect(markItems(bars, 'mark-rule', 'line')).toBeGreaterThanOrEqual(2);

    const densities = await drawn(
      densityFigure(
        ['a', 'b'].flatMap((activation, k) =>
          Array.from({ length: 20 }, (_, i) => ({
            activation,
            x: i,
            density: Math.exp(-((i - 10 - k) ** 2) / 8),
          })),
        ),
        'kde',
      ),
    );
    expect(markItems(densities, 'mark-line', 'path')).toBe(2);
    expect(texts(densities, 'role-legend-label')).toEqual(['a', 'b']);

    const lines = await drawn(
      lineFigure(
        [0, 1, 2].flatMap((x) => [
          { series: 'u', x, y: x * x, panel: 'p1' },
          { series: 'v', x, y: x, panel: 'p2' },
        ]),
        'lines',
        'x',
        'y',
      ),
    );
    expect(markItems(lines, 'mark-line', 'path')).toBe(2);
    expect(texts(lines, 'role-column-header')).toEqual(['p1', 'p2']);

    const histograms = await drawn(
      histogramFigure(
        ['relu', 'golu'].flatMap((activation) =>
          ['layer 1', 'layer 2'].flatMap((group) =>
            Array.from({ length: 8 }, (_, i) => ({
              activation,
              group,
              start: i,
              end: i + 1,
              density: 1 / 8,
            })),
          ),
        ),
        'weights',
      ),
    );
    expect(markItems(histograms, 'mark-line', 'path')).toBe(4);
  });

  it('landscape: one rect per grid cell and contour shapes', async () => {
    const xs = [-1, -0.5, 0, 0.5, 1];
    const ys = [-1, 0, 1];
    const values = ys.flatMap((y) => xs.map((x) => x * x + 2 * y * y));
    const svg = await drawn(landscapeFigure({ xs, ys, values }, 'bowl'));
    expect(markItems(svg, 'mark-rect', 'path')).toBe(15);
    expect(markItems(svg, 'mark-shape', 'path')).toBeGreaterThan(0);
    expect(() => landscapeFigure({ xs, ys, values: values.slice(1) }, 'bad')).toThrow(/grid/);
  });

  it('LR heatmap: a cell and a "mean ± SEM" label per activation and learning rate', async () => {
    const cells = ['relu', 'golu'].flatMap((activation) =>
      [0.1, 0.01, 0.001].map((lr, i) => ({ activation, lr, mean: 0.9 + 0.01 * i, sem: 0.005 })),
    );
    const svg = await drawn(lrHeatmapFigure(cells, 'accuracy', true));
    expect(markItems(svg, 'mark-rect', 'path')).toBe(6);
    const labels = findAll(svg, hasClass('mark-text'))
      .flatMap((g) => g.children.filter((c) => c.tag === 'text'))
      .map((t) => t.text);
    expect(labels).toContain('0.91 ± 0.005');
  });

  it('refuses figures that would load data from a URL', async () => {
    const figure = vegaLite({ data: { url: 'https://example.com/data.json' }, mark: 'point' });
    await expect(renderSvg(figure)).rejects.toThrow(/inline data only/);
  });
});
