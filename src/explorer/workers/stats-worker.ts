/**
 * Statistics worker: the lab's float64 analysis (src/lab/analysis/stats.ts: adaptive Gauss-Kronrod
 * moments under N(mu, sigma^2), the gate as a distribution, the global minimum) off the main thread, so
 * the sliders stay responsive. The gate and minimum do not depend on mu and sigma and are cached per
 * activation and parameters; the moments are recomputed on every request.
 */
import { getSpec } from '../../activations/resolve.js';
import { gateStats } from '../../lab/fn/gate.js';
import { globalMinimum } from '../../lab/fn/minimize.js';
import { type ActivationStats, activationMoments } from '../../lab/fn/stats.js';
import { entryParams } from '../catalog-view.js';
import type { StatsRequest, StatsResponse } from './stats-protocol.js';

type Fixed = Omit<ActivationStats, 'moments'>;
const cache = new Map<string, Fixed>();

function fixedStats(name: string, params: Readonly<Record<string, number>>): Fixed {
  const key = `${name}${JSON.stringify(params)}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    const spec = getSpec(name);
    const f = (x: number) => spec.value(x, params);
    const df = (x: number) => spec.derivative(x, params);
    hit = {
      name,
      params,
      valueAtZero: f(0),
      slopeAtZero: df(0),
      minimum: globalMinimum(f),
      gate: gateStats(f, df),
    };
    cache.set(key, hit);
  }
  return hit;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<StatsRequest>) => void) | null;
  postMessage(message: StatsResponse): void;
};

scope.onmessage = (event) => {
  const { id, entries, mu, sigma } = event.data;
  const t0 = performance.now();
  try {
    const rows = entries.map((entry) => {
      const params = entryParams(entry);
      return { ...fixedStats(entry.name, params), moments: activationMoments(entry.name, params, mu, sigma) };
    });
    scope.postMessage({ id, rows, ms: performance.now() - t0 });
  } catch (error) {
    scope.postMessage({ id, rows: [], ms: 0, error: (error as Error).message });
  }
};
