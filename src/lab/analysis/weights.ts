/**
 * Final weights of a run on disk: runs/<id>/weights.json (manifest: every leaf's path, shape and offset)
 * and runs/<id>/weights.bin (float32, little-endian, leaves back to back). Parameters and model state
 * (batch-norm running statistics) are both saved, in `tree.leaves` order, so a freshly initialised
 * model of the same configuration gives the tree structure to load them back into.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ArrayTree, type JaxArray, np, tree } from '../runtime.js';
import { namedLeaves } from '../train/probe.js';

export interface WeightsManifest {
  version: 1;
  format: 'float32-le';
  params: { name: string; shape: number[]; offset: number; length: number }[];
  state: { name: string; shape: number[]; offset: number; length: number }[];
}

/** Host copies of a tree's leaves in `tree.leaves` order, with dotted paths (the tree is not consumed). */
function hostLeaves(t: ArrayTree): { name: string; shape: number[]; values: Float32Array }[] {
  const ordered = tree.leaves(t as never) as JaxArray[];
  const nameOf = new Map(namedLeaves(t).map((n) => [n.leaf, n.path]));
  return ordered.map((leaf) => ({
    name: nameOf.get(leaf) ?? '?',
    shape: [...leaf.shape],
    values: Float32Array.from(leaf.ref.dataSync() as ArrayLike<number>),
  }));
}

/** Writes weights.json and weights.bin into `dir`. Nothing is consumed. */
export function saveWeights(dir: string, params: ArrayTree, state: ArrayTree): WeightsManifest {
  const p = hostLeaves(params);
  const s = hostLeaves(state);
  let offset = 0;
  const entries = (list: typeof p) =>
    list.map(({ name, shape, values }) => {
      const entry = { name, shape, offset, length: values.length };
      offset += values.length;
      return entry;
    });
  const manifest: WeightsManifest = {
    version: 1,
    format: 'float32-le',
    params: entries(p),
    state: entries(s),
  };
  const all = new Float32Array(offset);
  for (const [list, meta] of [
    [p, manifest.params],
    [s, manifest.state],
  ] as const) {
    list.forEach((leaf, i) => {
      all.set(leaf.values, meta[i].offset);
    });
  }
  const bytes = Buffer.alloc(all.length * 4);
  for (let i = 0; i < all.length; i++) bytes.writeFloatLE(all[i], i * 4);
  writeFileSync(join(dir, 'weights.bin'), bytes);
  writeFileSync(join(dir, 'weights.json'), `${JSON.stringify(manifest, null, 2)}\n`);
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
  const manifestFile = join(dir, 'weights.json');
  const binFile = join(dir, 'weights.bin');
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

/**
 * Checks that saved tensors match a model's leaves one by one (count, shape, length), so weights of
 * another model (e.g. width 32 into a width-64 run) are a clear error. `where` names the saved file.
 */
export function checkSavedShapes(
  like: ArrayTree,
  values: readonly Float32Array[],
  meta: WeightsManifest['params'],
  where = 'saved weights',
): void {
  const shapes = (tree.leaves(like as never) as JaxArray[]).map((leaf) => [...leaf.shape]);
  if (shapes.length !== values.length || meta.length !== values.length) {
    throw new Error(`${where}: ${values.length} saved tensors, but the model has ${shapes.length}`);
  }
  shapes.forEach((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (shape.join('x') !== meta[i].shape.join('x') || values[i].length !== size) {
      throw new Error(
        `${where}: saved tensor ${meta[i].name} has shape [${meta[i].shape}] but the model expects [${shape}] at that position (were the weights saved by a model with other options?)`,
      );
    }
  });
}

/**
 * Saved leaves as jax-js arrays in the structure of `like` (a fresh init of the same model config).
 * Shapes must match leaf by leaf. `like` is consumed (its arrays are only used for structure).
 */
export function restoreTree(
  like: ArrayTree,
  values: readonly Float32Array[],
  meta: WeightsManifest['params'],
): ArrayTree {
  checkSavedShapes(like, values, meta);
  const structure = tree.structure(like as never);
  const leaves = tree.leaves(like as never) as JaxArray[];
  const arrays = leaves.map((leaf, i) => {
    const shape = [...leaf.shape];
    leaf.dispose();
    return np.array(values[i], { shape });
  });
  return tree.unflatten(structure, arrays) as ArrayTree;
}
