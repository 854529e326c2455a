/**
 * The page's whole state, and its round trip through the URL hash. The hash is plain
 * `key=value&...` (URLSearchParams), readable and editable:
 *
 *   #panel=curves&act=golu,golu:gamma=2,gelu&x=-5,5&mu=0&sigma=1&task=mnist-mlp
 *    &tact=relu,gelu,golu&seeds=0,1&lr=0.003&opt=adamw&steps=100&batch=128&device=auto&theme=auto
 *
 * Activations are written like `gatelab compare --activations`: name[:param=value]..., any catalog name
 * or alias. Decoding never throws: an invalid entry is dropped and reported in `problems`.
 */
import { getSpec, resolveParams } from '../activations/resolve.js';

export const PANELS = ['curves', 'stats', 'train', 'results'] as const;
export type Panel = (typeof PANELS)[number];
export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const PRESETS = ['mnist-mlp', 'mnist-cnn', 'text-gpt'] as const;
export type PresetName = (typeof PRESETS)[number];
export const DEVICES = ['auto', 'webgpu', 'wasm'] as const;
export type DeviceChoice = (typeof DEVICES)[number];
export const OPTIMIZERS = ['adamw', 'sgd'] as const;

/** One activation with the parameters that differ from the catalog's defaults. */
export interface Entry {
  name: string;
  params: Record<string, number>;
}

export interface TrainSettings {
  preset: PresetName;
  activations: Entry[];
  seeds: number[];
  lr: number;
  optimizer: (typeof OPTIMIZERS)[number];
  steps: number;
  batchSize: number;
  device: DeviceChoice;
}

export interface ExplorerState {
  panel: Panel;
  theme: Theme;
  entries: Entry[];
  range: [number, number];
  mu: number;
  sigma: number;
  train: TrainSettings;
}

export const DEFAULT_STATE: ExplorerState = {
  panel: 'curves',
  theme: 'auto',
  entries: ['golu', 'gelu', 'swish', 'mish', 'gem'].map((name) => ({ name, params: {} })),
  range: [-5, 5],
  mu: 0,
  sigma: 1,
  train: {
    preset: 'mnist-mlp',
    activations: ['relu', 'gelu', 'golu'].map((name) => ({ name, params: {} })),
    seeds: [0, 1],
    lr: 3e-3,
    optimizer: 'adamw',
    steps: 100,
    batchSize: 128,
    device: 'auto',
  },
};

/** "golu:gamma=2" -> { name: 'golu', params: { gamma: 2 } }, validated against the catalog. */
export function parseEntry(text: string): Entry {
  const [rawName, ...assignments] = text.trim().split(':');
  const spec = getSpec(rawName);
  const params: Record<string, number> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    const key = assignment.slice(0, eq).trim();
    const value = Number(assignment.slice(eq + 1));
    if (eq <= 0 || assignment.slice(eq + 1).trim() === '')
      throw new Error(`'${text}': expected name:param=value, e.g. golu:gamma=2`);
    params[key] = value;
  }
  resolveParams(spec, params);
  return { name: spec.name, params };
}

export function formatEntry(entry: Entry): string {
  return [entry.name, ...Object.entries(entry.params).map(([k, v]) => `${k}=${v}`)].join(':');
}

/** Label of an entry in legends and tables: "golu" or "golu(gamma=2)" (the lab's activationLabel). */
export function entryLabel(entry: Entry): string {
  const assigned = Object.entries(entry.params);
  return assigned.length === 0
    ? entry.name
    : `${entry.name}(${assigned.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

function parseEntries(text: string, problems: string[]): Entry[] {
  const out: Entry[] = [];
  for (const item of text.split(',').filter((s) => s.trim() !== '')) {
    try {
      out.push(parseEntry(item));
    } catch (error) {
      problems.push((error as Error).message.replace(/^gatelab: /, ''));
    }
  }
  return out;
}

function finite(text: string | null, fallback: number, check: (v: number) => boolean = () => true): number {
  if (text === null || text.trim() === '') return fallback;
  const value = Number(text);
  return Number.isFinite(value) && check(value) ? value : fallback;
}

function oneOf<T extends string>(text: string | null, values: readonly T[], fallback: T): T {
  return values.includes(text as T) ? (text as T) : fallback;
}

/** The state written in a URL hash (with or without the leading '#'); unknown keys are ignored. */
export function decodeState(hash: string): { state: ExplorerState; problems: string[] } {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  const d = DEFAULT_STATE;
  const range = (q.get('x') ?? '').split(',').map(Number);
  const seeds = (q.get('seeds') ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  const state: ExplorerState = {
    panel: oneOf(q.get('panel'), PANELS, d.panel),
    theme: oneOf(q.get('theme'), THEMES, d.theme),
    entries: q.has('act') ? parseEntries(q.get('act')!, problems) : d.entries,
    range:
      range.length === 2 && range.every(Number.isFinite) && range[1] > range[0]
        ? [range[0], range[1]]
        : d.range,
    mu: finite(q.get('mu'), d.mu),
    sigma: finite(q.get('sigma'), d.sigma, (v) => v > 0),
    train: {
      preset: oneOf(q.get('task'), PRESETS, d.train.preset),
      activations: q.has('tact') ? parseEntries(q.get('tact')!, problems) : d.train.activations,
      seeds:
        seeds.length > 0 && seeds.every((s) => Number.isSafeInteger(s) && s >= 0)
          ? [...new Set(seeds)]
          : d.train.seeds,
      lr: finite(q.get('lr'), d.train.lr, (v) => v > 0),
      optimizer: oneOf(q.get('opt'), OPTIMIZERS, d.train.optimizer),
      steps: finite(q.get('steps'), d.train.steps, (v) => Number.isInteger(v) && v >= 1 && v <= 100_000),
      batchSize: finite(q.get('batch'), d.train.batchSize, (v) => Number.isInteger(v) && v >= 1 && v <= 4096),
      device: oneOf(q.get('device'), DEVICES, d.train.device),
    },
  };
  return { state, problems };
}

/** The hash for a state (without '#'). decodeState(encodeState(s)) gives s back. */
export function encodeState(state: ExplorerState): string {
  const q = new URLSearchParams();
  q.set('panel', state.panel);
  q.set('act', state.entries.map(formatEntry).join(','));
  q.set('x', state.range.map((v) => String(Number(v.toPrecision(6)))).join(','));
  q.set('mu', String(state.mu));
  q.set('sigma', String(state.sigma));
  q.set('task', state.train.preset);
  q.set('tact', state.train.activations.map(formatEntry).join(','));
  q.set('seeds', state.train.seeds.join(','));
  q.set('lr', String(state.train.lr));
  q.set('opt', state.train.optimizer);
  q.set('steps', String(state.train.steps));
  q.set('batch', String(state.train.batchSize));
  q.set('device', state.train.device);
  q.set('theme', state.theme);
  // URLSearchParams escapes ':', ',' and '='; all are safe in a fragment's values (a pair splits at its
  // first '=') and easier to read plain.
  return q.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%3D/gi, '=');
}
