/**
 * Saved weights in a run folder: weights.json (manifest: every leaf's path, shape and offset) and
 * weights.bin (float32, little-endian, leaves back to back; parameters, then model state). Both are
 * written atomically; weights.bin first, so a manifest never describes a missing or partial file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSafely, writeJsonFile } from './files.js';
import { RUN_FILES } from './run-folder.js';

export interface WeightsManifest {
  version: 1;
  format: 'float32-le';
  params: { name: string; shape: number[]; offset: number; length: number }[];
  state: { name: string; shape: number[]; offset: number; length: number }[];
}

/** One tensor on the host, with its dotted path. */
export interface HostTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Writes weights.bin and weights.json into `dir`; returns the manifest. */
export function writeWeights(
  dir: string,
  params: readonly HostTensor[],
  state: readonly HostTensor[],
): WeightsManifest {
  let offset = 0;
  const entries = (list: readonly HostTensor[]) =>
    list.map(({ name, shape, values }) => {
      const entry = { name, shape, offset, length: values.length };
      offset += values.length;
      return entry;
    });
  const manifest: WeightsManifest = {
    version: 1,
    format: 'float32-le',
    params: entries(params),
    state: entries(state),
  };
  const bytes = Buffer.alloc(offset * 4);
  for (const [list, meta] of [
    [params, manifest.params],
    [state, manifest.state],
  ] as const) {
    list.forEach((leaf, i) => {
      for (let j = 0; j < leaf.values.length; j++)
        bytes.writeFloatLE(leaf.values[j], (meta[i].offset + j) * 4);
    });
  }
  writeFileSafely(join(dir, RUN_FILES.weightsData), bytes);
  writeJsonFile(join(dir, RUN_FILES.weightsManifest), manifest);
  return manifest;
}

/** Flat float32 vectors of saved weights, as read from a run folder. */
export interface SavedWeights {
  manifest: WeightsManifest;
  params: Float32Array[];
  state: Float32Array[];
}

/** Reads weights.json + weights.bin; errors name the file and the problem. */
export function readWeights(dir: string): SavedWeights {
  const manifestFile = join(dir, RUN_FILES.weightsManifest);
  const binFile = join(dir, RUN_FILES.weightsData);
  let manifest: WeightsManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as WeightsManifest;
  } catch (error) {
    throw new Error(
      `${manifestFile}: cannot read saved weights (${(error as Error).message}); train with --save-weights to write them`,
    );
  }
  if (manifest.version !== 1 || manifest.format !== 'float32-le') {
    throw new Error(`${manifestFile}: unsupported weights format ${manifest.format} v${manifest.version}`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(binFile);
  } catch (error) {
    throw new Error(`${binFile}: cannot read (${(error as Error).message})`);
  }
  const total = [...manifest.params, ...manifest.state].reduce((a, e) => a + e.length, 0);
  if (bytes.length !== total * 4) {
    throw new Error(`${binFile}: holds ${bytes.length} bytes but weights.json describes ${total * 4}`);
  }
  const read = (e: { offset: number; length: number }) => {
    const out = new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) out[i] = bytes.readFloatLE((e.offset + i) * 4);
    return out;
  };
  return { manifest, params: manifest.params.map(read), state: manifest.state.map(read) };
}
