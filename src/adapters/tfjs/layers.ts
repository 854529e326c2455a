/**
 * tf.layers layers for the catalog, all serializable (registered with tf.serialization.registerClass):
 *
 * - `GatelabActivation`: any catalog activation with fixed parameters (GoLU alpha/beta/gamma, GEM n,
 *   E-GEM n/epsilon, SE-GEM n/epsilon/lambda, ...); config `{ activation, params }`.
 * - `GatelabLearnableGolu`: GoLU with trainable alpha, beta, gamma (one shared value or one per channel).
 * - `GatelabPReLU`: PReLU with a trainable slope (shared, as torch.nn.PReLU's default, or per channel).
 */

import type { serialization, Tensor, layers as tfLayers } from '@tensorflow/tfjs';
import { getSpec, resolveParams } from '../../activations/resolve.js';
import { goluWithTensors, preluWithTensor } from './learnable.js';
import { camelName } from './names.js';
import { applyActivation } from './ops.js';
import { specForIdentifier } from './serialization.js';
import { requireTf, type Tfjs } from './state.js';

type Layer = tfLayers.Layer;
/** The common tf.layers constructor arguments (name, inputShape, trainable, dtype, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<Tfjs['layers']['Layer']>[0]>;
type Shape = (number | null)[];

/** Arguments of `layers.activation`: a catalog name or alias and its parameters. */
export interface ActivationLayerArgs extends LayerArgs {
  activation: string;
  params?: Readonly<Record<string, number>>;
}

/** Arguments of `layers.learnableGolu`: initial alpha, beta, gamma (default 1) and their sharing. */
export interface LearnableGoluArgs extends LayerArgs {
  alpha?: number;
  beta?: number;
  gamma?: number;
  /** One parameter per channel of the last axis (true) or one shared value (false, default). */
  perChannel?: boolean;
}

/** Arguments of `layers.prelu`: initial slope (default 0.25, the catalog's) and its sharing. */
export interface LearnablePReluArgs extends LayerArgs {
  slope?: number;
  perChannel?: boolean;
}

interface LayerClasses {
  activation: new (args: ActivationLayerArgs) => Layer;
  learnableGolu: new (args: LearnableGoluArgs) => Layer;
  prelu: new (args: LearnablePReluArgs) => Layer;
}

let classes: LayerClasses | undefined;

function single(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function paramShape(inputShape: Shape | Shape[], perChannel: boolean, layer: string): number[] {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  if (!perChannel) return [1];
  const channels = shape[shape.length - 1];
  if (typeof channels !== 'number') {
    throw new Error(
      `gatelab/tfjs: ${layer} with perChannel needs a known last dimension, got shape [${shape}]`,
    );
  }
  return [channels];
}

function checkFinite(layer: string, name: string, value: number, positive: boolean): number {
  if (!Number.isFinite(value) || (positive && value <= 0)) {
    throw new RangeError(
      `gatelab/tfjs: ${layer} '${name}' must be a ${positive ? 'positive ' : ''}finite number, got ${value}`,
    );
  }
  return value;
}

/** Creates and registers the layer classes on the given tfjs (once). */
export function registerLayerClasses(tf: Tfjs): string[] {
  if (classes !== undefined)
    return Object.values(classes).map((c) => (c as unknown as { className: string }).className);

  class GatelabActivation extends tf.layers.Layer {
    static readonly className = 'GatelabActivation';
    readonly activation: string;
    readonly params: Readonly<Record<string, number>>;
    constructor(args: ActivationLayerArgs) {
      super(args);
      // Saved configs come back with lowerCamelCase strings (gelu_tanh -> geluTanh): accept both.
      const spec = specForIdentifier(args.activation) ?? getSpec(args.activation);
      this.activation = spec.name;
      this.params = resolveParams(spec, args.params ?? {});
      this.supportsMasking = true;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return applyActivation(this.activation, single(inputs), this.params);
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }
    override getConfig(): serialization.ConfigDict {
      return { ...super.getConfig(), activation: camelName(this.activation), params: { ...this.params } };
    }
  }

  class GatelabLearnableGolu extends tf.layers.Layer {
    static readonly className = 'GatelabLearnableGolu';
    readonly initial: { alpha: number; beta: number; gamma: number };
    readonly perChannel: boolean;
    private weightsByName: Record<'alpha' | 'beta' | 'gamma', ReturnType<Layer['addWeight']>> | undefined;
    constructor(args: LearnableGoluArgs = {}) {
      super(args);
      const layer = 'learnableGolu';
      this.initial = {
        alpha: checkFinite(layer, 'alpha', args.alpha ?? 1, true),
        beta: checkFinite(layer, 'beta', args.beta ?? 1, true),
        gamma: checkFinite(layer, 'gamma', args.gamma ?? 1, true),
      };
      this.perChannel = args.perChannel ?? false;
      this.supportsMasking = true;
    }
    override build(inputShape: Shape | Shape[]): void {
      const shape = paramShape(inputShape, this.perChannel, 'learnableGolu');
      // Non-negative: beta < 0 would turn the gate into exp(+huge); 0 is a harmless limit.
      const make = (name: 'alpha' | 'beta' | 'gamma') =>
        this.addWeight(
          name,
          shape,
          'float32',
          tf.initializers.constant({ value: this.initial[name] }),
          undefined,
          true,
          tf.constraints.nonNeg(),
        );
      this.weightsByName = { alpha: make('alpha'), beta: make('beta'), gamma: make('gamma') };
      this.built = true;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      const w = this.weightsByName;
      if (w === undefined) throw new Error('gatelab/tfjs: learnableGolu called before build');
      const x = single(inputs);
      return goluWithTensors(
        x.dtype === 'float32' ? x : tf.cast(x, 'float32'),
        w.alpha.read(),
        w.beta.read(),
        w.gamma.read(),
      );
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }
    override getConfig(): serialization.ConfigDict {
      return { ...super.getConfig(), ...this.initial, perChannel: this.perChannel };
    }
  }

  class GatelabPReLU extends tf.layers.Layer {
    static readonly className = 'GatelabPReLU';
    readonly initialSlope: number;
    readonly perChannel: boolean;
    private slope: ReturnType<Layer['addWeight']> | undefined;
    constructor(args: LearnablePReluArgs = {}) {
      super(args);
      this.initialSlope = checkFinite('prelu', 'slope', args.slope ?? 0.25, false);
      this.perChannel = args.perChannel ?? false;
      this.supportsMasking = true;
    }
    override build(inputShape: Shape | Shape[]): void {
      const shape = paramShape(inputShape, this.perChannel, 'prelu');
      this.slope = this.addWeight(
        'slope',
        shape,
        'float32',
        tf.initializers.constant({ value: this.initialSlope }),
        undefined,
        true,
      );
      this.built = true;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      if (this.slope === undefined) throw new Error('gatelab/tfjs: prelu called before build');
      const x = single(inputs);
      return preluWithTensor(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), this.slope.read());
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }
    override getConfig(): serialization.ConfigDict {
      return { ...super.getConfig(), slope: this.initialSlope, perChannel: this.perChannel };
    }
  }

  for (const cls of [GatelabActivation, GatelabLearnableGolu, GatelabPReLU]) {
    tf.serialization.registerClass(
      cls as unknown as serialization.SerializableConstructor<serialization.Serializable>,
    );
  }
  classes = { activation: GatelabActivation, learnableGolu: GatelabLearnableGolu, prelu: GatelabPReLU };
  return [GatelabActivation.className, GatelabLearnableGolu.className, GatelabPReLU.className];
}

function layerClasses(what: string): LayerClasses {
  requireTf(what);
  if (classes === undefined) throw new Error(`gatelab/tfjs: ${what} needs registerActivations(tf) first`);
  return classes;
}

/** Layer factories, in the style of `tf.layers.*`. Call `registerActivations(tf)` first. */
export const layers = {
  /** Any catalog activation as a layer, with fixed parameters: `layers.activation({ activation: 'gem', params: { n: 2 } })`. */
  activation(args: ActivationLayerArgs): Layer {
    return new (layerClasses('layers.activation').activation)(args);
  },
  /** GoLU with fixed alpha/beta/gamma. */
  golu(args: LayerArgs & { alpha?: number; beta?: number; gamma?: number } = {}): Layer {
    const { alpha, beta, gamma, ...rest } = args;
    return layers.activation({ ...rest, activation: 'golu', params: defined({ alpha, beta, gamma }) });
  },
  /** GEM with order n. */
  gem(args: LayerArgs & { n?: number } = {}): Layer {
    const { n, ...rest } = args;
    return layers.activation({ ...rest, activation: 'gem', params: defined({ n }) });
  },
  /** E-GEM with order n and epsilon. */
  egem(args: LayerArgs & { n?: number; epsilon?: number } = {}): Layer {
    const { n, epsilon, ...rest } = args;
    return layers.activation({ ...rest, activation: 'egem', params: defined({ n, epsilon }) });
  },
  /** SE-GEM with order n, epsilon and negative-branch scale lambda. */
  segem(args: LayerArgs & { n?: number; epsilon?: number; lambda?: number } = {}): Layer {
    const { n, epsilon, lambda, ...rest } = args;
    return layers.activation({ ...rest, activation: 'segem', params: defined({ n, epsilon, lambda }) });
  },
  /** GoLU with trainable alpha, beta, gamma. */
  learnableGolu(args: LearnableGoluArgs = {}): Layer {
    return new (layerClasses('layers.learnableGolu').learnableGolu)(args);
  },
  /** PReLU with a trainable slope. */
  prelu(args: LearnablePReluArgs = {}): Layer {
    return new (layerClasses('layers.prelu').prelu)(args);
  },
};

function defined(values: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = value;
  return out;
}
