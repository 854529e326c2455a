import { useState } from 'preact/hooks';
import type { Figure } from '../../lab/report/render.js';
import { exportFigure } from './export.js';

/** "SVG" and "PNG" buttons that export the figure `make()` builds at click time. */
export function ExportButtons(props: { name: string; make(): Figure | null }) {
  const [error, setError] = useState('');
  const run = (format: 'svg' | 'png') => {
    const figure = props.make();
    if (figure === null) return;
    setError('');
    exportFigure(props.name, figure, format).catch((e: Error) => setError(`export failed: ${e.message}`));
  };
  return (
    <span class="export">
      <button type="button" onClick={() => run('svg')} aria-label={`Export ${props.name} as SVG`}>
        SVG
      </button>
      <button type="button" onClick={() => run('png')} aria-label={`Export ${props.name} as PNG`}>
        PNG
      </button>
      {error && <span class="error">{error}</span>}
    </span>
  );
}
