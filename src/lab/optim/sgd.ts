/**
 * Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, with PyTorch's
 * update rule (torch.optim.SGD, dampening 0):
 *   g <- g + wd * p            (decayed leaves only)
 *   v <- mu * v + g
 *   p <- p - lr * (nesterov ? g + mu * v : v)
 * With mu = 0 it is plain SGD and keeps no state.
 */
import type { ArrayTree, JaxArray } from '../runtime.js';
import { leaves, unflattenLike, zerosLike } from './tree.js';
import { decays, type Optimizer } from './types.js';

export interface SgdOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export function sgd(options: SgdOptions = {}): Optimizer {
  const momentum = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  const weightDecay = options.weightDecay ?? 0;
  if (!(momentum >= 0 && momentum < 1))
    throw new RangeError(`gatelab sgd: momentum must be in [0, 1), got ${momentum}`);
  if (!(weightDecay >= 0)) throw new RangeError(`gatelab sgd: weight decay must be >= 0, got ${weightDecay}`);
  if (nesterov && momentum === 0) throw new RangeError('gatelab sgd: Nesterov momentum needs momentum > 0');
  return {
    name: 'sgd',
    settings: { momentum, nesterov, weightDecay },
    init: (params) => (momentum > 0 ? zerosLike(params) : []),
    scalars: (_step, lr) => ({ lr }),
    update(params, grads, state, scalars) {
      const lr = scalars.lr;
      const ps = leaves(params);
      const gs = leaves(grads);
      const vs = momentum > 0 ? leaves(state) : [];
      const newParams: JaxArray[] = [];
      const newVelocity: JaxArray[] = [];
      ps.forEach((p, i) => {
        let g = gs[i];
        if (weightDecay > 0 && decays(p)) g = g.add(p.ref.mul(weightDecay));
        let step = g;
        if (momentum > 0) {
          const v = vs[i].mul(momentum).add(g.ref);
          if (nesterov) {
            step = g.add(v.ref.mul(momentum));
          } else {
            g.dispose();
            step = v.ref;
          }
          newVelocity.push(v);
        }
        newParams.push(p.sub(step.mul(lr.ref)));
      });
      lr.dispose();
      const newState = momentum > 0 ? unflattenLike(state, newVelocity) : state;
      return [unflattenLike(params, newParams), newState as ArrayTree];
    },
  };
}
