/** Gradient clipping by global L2 norm (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_. */
import { type ArrayTree, type JaxArray, np } from '../runtime.js';
import { leaves, unflattenLike } from './tree.js';

/** Global L2 norm of all leaves (scalar). Consumes the tree. */
export function globalNorm(t: ArrayTree): JaxArray {
  const squares = leaves(t).map((leaf) => np.square(leaf).sum());
  return np.sqrt(squares.reduce((a, b) => a.add(b)));
}

/**
 * Scales the gradients by min(1, maxNorm / (norm + 1e-6)), so their global norm is at most maxNorm.
 * Returns [clipped grads, norm before clipping]. Consumes grads.
 */
export function clipByGlobalNorm(grads: ArrayTree, maxNorm: number): [ArrayTree, JaxArray] {
  if (!(maxNorm > 0)) throw new RangeError(`gatelab clip: max norm must be > 0, got ${maxNorm}`);
  const gs = leaves(grads);
  const norm = globalNorm(gs.map((g) => g.ref));
  const scale = np.minimum(np.reciprocal(norm.ref.add(1e-6)).mul(maxNorm), 1);
  const clipped = gs.map((g) => g.mul(scale.ref));
  scale.dispose();
  return [unflattenLike(grads, clipped), norm];
}
