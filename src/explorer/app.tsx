/**
 * The explorer's shell: four panels behind tabs, the light/dark theme, and the state <-> URL hash
 * round trip (the hash follows the state shortly after each change, via history.replaceState; opening
 * or pasting a URL restores the view).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CurvesPanel } from './panels/curves-panel.js';
import { ResultsPanel } from './panels/results-panel.js';
import { StatsPanel } from './panels/stats-panel.js';
import { TrainPanel } from './panels/train-panel.js';
import {
  decodeState,
  type ExplorerState,
  encodeState,
  PANELS,
  type Panel,
  THEMES,
  type Theme,
} from './state.js';

const TITLES: Record<Panel, string> = {
  curves: 'Curves',
  stats: 'Statistics',
  train: 'Training',
  results: 'Open results',
};

/** The state currently shown (for tests and scripts: window.gatelabExplorer.state()). */
export const current: { state: ExplorerState | null } = { state: null };

/**
 * The hash follows the state HASH_DELAY_MS after its last change, not on every slider move:
 * history.replaceState cost 2-6 ms a call here (measured under load), and Chromium throttles a page that calls it more than
 * ~200 times in 10 s (a slider drag at 60 Hz would).
 */
const HASH_DELAY_MS = 150;
let pendingHash: { state: ExplorerState; timer: ReturnType<typeof setTimeout> } | null = null;

function writeHash(state: ExplorerState) {
  const hash = `#${encodeState(state)}`;
  if (window.location.hash !== hash) history.replaceState(null, '', hash);
}

function flushHash() {
  if (pendingHash === null) return;
  clearTimeout(pendingHash.timer);
  const { state } = pendingHash;
  pendingHash = null;
  writeHash(state);
}

function scheduleHash(state: ExplorerState) {
  if (pendingHash !== null) clearTimeout(pendingHash.timer);
  pendingHash = { state, timer: setTimeout(flushHash, HASH_DELAY_MS) };
}

function effectiveTheme(theme: Theme): 'light' | 'dark' {
  if (theme !== 'auto') return theme;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const [initial] = useState(() => decodeState(window.location.hash));
  const [state, setState] = useState<ExplorerState>(initial.state);
  const [problems, setProblems] = useState<string[]>(initial.problems);
  current.state = state;
  const update = (next: Partial<ExplorerState>) => setState((s) => ({ ...s, ...next }));

  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) scheduleHash(state);
    else writeHash(state); // the opened URL, normalised at once
    mounted.current = true;
  }, [state]);
  useEffect(() => {
    // Leaving or hiding the page writes a pending hash at once (bookmarks, tab restore).
    window.addEventListener('pagehide', flushHash);
    document.addEventListener('visibilitychange', flushHash);
    return () => {
      window.removeEventListener('pagehide', flushHash);
      document.removeEventListener('visibilitychange', flushHash);
    };
  }, []);
  useEffect(() => {
    const onHash = () => {
      // An edited URL wins over a pending write of the state it replaces.
      if (pendingHash !== null) clearTimeout(pendingHash.timer);
      pendingHash = null;
      const decoded = decodeState(window.location.hash);
      setState(decoded.state);
      setProblems(decoded.problems);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const theme = effectiveTheme(state.theme);
  // Set during render, not in an effect: the charts (children) read the theme's colours when created,
  // and children's effects run before their parent's.
  document.documentElement.dataset.theme = theme;

  const onTabKey = (event: KeyboardEvent) => {
    const i = PANELS.indexOf(state.panel);
    const move = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (move === 0) return;
    const panel = PANELS[(i + move + PANELS.length) % PANELS.length];
    update({ panel });
    document.getElementById(`tab-${panel}`)?.focus();
  };

  return (
    <div class="app">
      <header>
        <h1>
          gatelab explorer <span class="muted small">self-gated activations: see, tweak, compare, train</span>
        </h1>
        <div class="tabs" role="tablist" aria-label="Panels" onKeyDown={onTabKey}>
          {PANELS.map((panel) => (
            <button
              key={panel}
              type="button"
              role="tab"
              id={`tab-${panel}`}
              aria-selected={state.panel === panel}
              aria-controls={`panel-${panel}`}
              tabIndex={state.panel === panel ? 0 : -1}
              onClick={() => update({ panel })}
            >
              {TITLES[panel]}
            </button>
          ))}
        </div>
        <label class="theme" for="theme-select">
          Theme{' '}
          <select
            id="theme-select"
            value={state.theme}
            onChange={(e) => update({ theme: (e.currentTarget as HTMLSelectElement).value as Theme })}
          >
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </header>
      {problems.length > 0 && (
        <div class="error" role="alert">
          Ignored in the URL: {problems.join('; ')}
        </div>
      )}
      <main>
        <div id={`panel-${state.panel}`} role="tabpanel" aria-labelledby={`tab-${state.panel}`}>
          {state.panel === 'curves' && (
            <CurvesPanel
              entries={state.entries}
              range={state.range}
              theme={theme}
              onEntries={(entries) => update({ entries })}
              onRange={(range) => update({ range })}
            />
          )}
          {state.panel === 'stats' && (
            <StatsPanel
              entries={state.entries}
              mu={state.mu}
              sigma={state.sigma}
              onMoments={(mu, sigma) => update({ mu, sigma })}
            />
          )}
          {state.panel === 'train' && (
            <TrainPanel
              settings={state.train}
              curveEntries={state.entries}
              theme={theme}
              onSettings={(train) => update({ train })}
            />
          )}
          {state.panel === 'results' && <ResultsPanel />}
        </div>
      </main>
      <footer class="muted small">
        Everything runs in this page: the catalog, the lab's analysis and jax-js training. No request leaves
        it.
      </footer>
    </div>
  );
}
