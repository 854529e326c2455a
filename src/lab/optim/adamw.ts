/**
 * AdamW (Loshchilov & Hutter 2019, arXiv 1711.05101) with PyTorch's update rule (torch.optim.AdamW):
 *   p <- p - lr * wd * p                       (decoupled decay, decayed leaves only)
 *   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2
 *   p <- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
import type { JaxArray } from '../runtime.js';
import { np } from '../runtime.js';
import { leaves, unflattenLike, zerosLike } from './tree.js';
import { decays, type Optimizer } from './types.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export function adamw(options: AdamWOptions = {}): Optimizer {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.eps ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0.01;
  for (const [name, value] of [
    ['beta1', beta1],
    ['beta2', beta2],
  ] as const) {
    if (!(value >= 0 && value < 1))
      throw new RangeError(`gatelab adamw: ${name} must be in [0, 1), got ${value}`);
  }
  if (!(eps > 0)) throw new RangeError(`gatelab adamw: eps must be > 0, got ${eps}`);
  if (!(weightDecay >= 0))
    throw new RangeError(`gatelab adamw: weight decay must be >= 0, got ${weightDecay}`);
  return {
    name: 'adamw',
    settings: { beta1, beta2, eps, weightDecay },
    init: (params) => ({ m: zerosLike(params), v: zerosLike(params) }),
    scalars(step, lr) {
      return {
        lr,
        // The bias corrections fold into a step size and a divisor of sqrt(v).
        stepSize: lr / (1 - beta1 ** step),
        rootCorrection: 1 / Math.sqrt(1 - beta2 ** step),
      };
    },
    update(params, grads, state, scalars) {
      const { lr, stepSize, rootCorrection } = scalars;
      const moments = state as { m: never; v: never };
      const ps = leaves(params);
      const gs = leaves(grads);
      const ms = leaves(moments.m);
      const vs = leaves(moments.v);
      const newP: JaxArray[] = [];
      const newM: JaxArray[] = [];
      const newV: JaxArray[] = [];
      ps.forEach((p0, i) => {
        let p = p0;
        if (weightDecay > 0 && decays(p)) p = p.ref.sub(p.mul(lr.ref).mul(weightDecay));
        const g = gs[i];
        const m = ms[i].mul(beta1).add(g.ref.mul(1 - beta1));
        const v = vs[i].mul(beta2).add(np.square(g).mul(1 - beta2));
        const denom = np.sqrt(v.ref).mul(rootCorrection.ref).add(eps);
        newP.push(p.sub(m.ref.div(denom).mul(stepSize.ref)));
        newM.push(m);
        newV.push(v);
      });
      lr.dispose();
      stepSize.dispose();
      rootCorrection.dispose();
      return [
        unflattenLike(params, newP),
        { m: unflattenLike(moments.m, newM), v: unflattenLike(moments.v, newV) },
      ];
    },
  };
}
