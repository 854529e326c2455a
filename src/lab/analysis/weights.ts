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
 * Saved leaves as jax-js arrays in the structure of `like` (a fresh init of the same model config).
 * Shapes must match leaf by leaf. `like` is consumed (its arrays are only used for structure).
 */
export function restoreTree(
  like: ArrayTree,
  values: readonly Float32Array[],
  meta: WeightsManifest['params'],
): ArrayTree {
  const structure = tree.structure(like as never);
  const leaves = tree.leaves(like as never) as JaxArray[];
  if (leaves.length !== values.length) {
    throw new Error(`saved weights have ${values.length} tensors, the model has ${leaves.length}`);
  }
  const arrays = leaves.map((leaf, i) => {
    const shape = [...leaf.shape];
    if (shape.join('x') !== meta[i].shape.join('x')) {
      throw new Error(
        `saved tensor ${meta[i].name} has shape [${meta[i].shape}] but the model expects [${shape}] at that position`,
      );
    }
    leaf.dispose();
    return np.array(values[i], { shape });
  });
  return tree.unflatten(structure, arrays) as ArrayTree;
}
