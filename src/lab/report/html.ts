/**
 * Small helpers for a self-contained HTML report: escaping, tables, inline SVG figures and one page
 * shell with inline CSS. Nothing refers to an external URL, so the file opens from disk offline.
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A table; cells are plain text (escaped here). Columns listed in `numeric` are right-aligned. */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const align = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  const head = `<tr>${header.map((h, i) => `<th${align(i)}>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * An SVG document from Vega made safe to inline next to others: its ids (clip paths, gradients) get a
 * per-figure prefix so two figures never share an id.
 */
export function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

/** A figure block: inline SVG with a caption. */
export function figure(svg: string, prefix: string, caption: string): string {
  return `<figure>\n${inlineSvg(svg, prefix)}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #222; max-width: 1180px; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
p.meta { color: #666; margin-top: 0; }
.summary { background: #f6f8fa; border-left: 4px solid #4e79a7; padding: 0.6em 1em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0; overflow-x: auto; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
details { margin: 0.8em 0; }
summary { cursor: pointer; color: #4e79a7; }
pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
code { font-size: 0.92em; }
.note { color: #a33; }
`;

/** The page shell: UTF-8, viewport, inline CSS, the body given. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
