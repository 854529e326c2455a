/**
 * Figure export: every panel's figure is also built as the lab's Vega-Lite figure (src/lab/report/
 * figures.ts, the same builders `gatelab plot`, `stats --svg` and the reports use) and rendered to SVG
 * by the lab's offline renderer; PNG is that SVG rasterised at 2x on a canvas. Vega is loaded on first
 * use (its own chunk), so the page starts without it.
 */
import type { Figure } from '../../lab/report/render.js';

export async function figureSvg(figure: Figure): Promise<string> {
  const { renderSvg } = await import('../../lab/report/render.js');
  return renderSvg(figure);
}

/** A PNG of an SVG document, at `scale` x its size, on a white (or the given) background. */
export async function svgToPng(svg: string, scale = 2, background = '#ffffff'): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.naturalWidth * scale);
    canvas.height = Math.ceil(image.naturalHeight * scale);
    const context = canvas.getContext('2d')!;
    context.fillStyle = background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob gave no PNG'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a file through a temporary link (no network involved). */
export function download(name: string, data: Blob | string, type = 'application/octet-stream'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Last exported SVG per figure name, for tests and scripts (window.gatelabExplorer.exports). */
export const lastExports: Record<string, string> = {};

export async function exportFigure(name: string, figure: Figure, format: 'svg' | 'png'): Promise<void> {
  const svg = await figureSvg(figure);
  lastExports[name] = svg;
  if (format === 'svg') download(`${name}.svg`, svg, 'image/svg+xml');
  else download(`${name}.png`, await svgToPng(svg));
}
