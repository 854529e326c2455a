/**
 * A model's weights to and from a run folder: host copies of the parameter and state trees in
 * `tree.leaves` order (the file format is src/lab/runs/weights.ts), and restoring saved leaves into a
 * freshly initialised model of the same configuration.
 */
import { type HostTensor, type WeightsManifest, writeWeights } from '../runs/weights.js';
import { type ArrayTree, type JaxArray, np, tree } from '../runtime.js';
import { namedLeaves } from '../train/probe.js';

/** Host copies of a tree's leaves in `tree.leaves` order, with dotted paths (the tree is not consumed). */
function hostLeaves(t: ArrayTree): HostTensor[] {
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
  return writeWeights(dir, hostLeaves(params), hostLeaves(state));
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
