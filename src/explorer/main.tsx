/** Entry of the explorer page: renders the app and exposes a small probe for tests and benchmarks. */
import { render } from 'preact';
import { App, current } from './app.js';
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
};
