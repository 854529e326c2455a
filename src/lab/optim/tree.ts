/** Small helpers over parameter trees (nested objects/arrays of jax-js arrays). */
import { type ArrayTree, type JaxArray, np, tree } from '../runtime.js';

/** Zeros shaped like every leaf of `params` (params are not consumed). */
export function zerosLike(params: ArrayTree): ArrayTree {
  return tree.map(
    (leaf: JaxArray) => np.zeros(leaf.shape, { dtype: leaf.dtype }),
    params as never,
  ) as ArrayTree;
}

/** Leaves of a tree in a fixed order. */
export function leaves(t: ArrayTree): JaxArray[] {
  return tree.leaves(t as never) as JaxArray[];
}

/** Rebuilds a tree of the same structure as `like` from leaves in `leaves()` order. */
export function unflattenLike(like: ArrayTree, values: JaxArray[]): ArrayTree {
  return tree.unflatten(tree.structure(like as never), values) as ArrayTree;
}

/** Total number of scalar entries over all leaves. */
export function countEntries(t: ArrayTree): number {
  return leaves(t).reduce((sum, leaf) => sum + leaf.size, 0);
}
