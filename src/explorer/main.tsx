/** Entry of the explorer page: renders the app and exposes a small probe for tests and benchmarks. */
import { render } from 'preact';
import { App, current } from './app.js';
import { grid, sampleEntry } from './catalog-view.js';
import { curveTiming } from './panels/curves-panel.js';
import { trainingProbe } from './panels/train-panel.js';
import { lastExports } from './ui/export.js';
import './styles.css';

render(<App />, document.getElementById('app')!);

(globalThis as unknown as { gatelabExplorer: unknown }).gatelabExplorer = {
  state: () => current.state,
  curveTiming,
  training: trainingProbe,
  exports: lastExports,
  /** For scripts/bench-explorer.ts: the sampling the curves panel runs, on the exact or the fast path. */
  sampleCurves(exact: boolean) {
    const t0 = performance.now();
    const x = grid(-5, 5, 1000);
    for (const entry of current.state?.entries ?? []) sampleEntry(entry, x, exact);
    return performance.now() - t0;
  },
};
