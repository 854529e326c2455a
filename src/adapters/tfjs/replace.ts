/**
 * replaceActivations: a copy of a LayersModel with one activation swapped for another, same topology and
 * weights (the TensorFlow.js counterpart of the official GoLU code's replace_activation_by_torch_module).
 * Works on the model's JSON topology, so it covers Sequential and functional models, nested models,
 * standalone Activation layers, layers' `activation` fields and GatelabActivation layers.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { camelName } from './names.js';
import {
  activationId,
  describeActivationId,
  normaliseIdentifier,
  specForIdentifier,
} from './serialization.js';
import { requireTf } from './state.js';

export interface ReplaceActivationsOptions {
  /** Activation(s) to replace: tfjs names (`'relu'`), catalog names or aliases, or gatelab identifiers. */
  from: string | readonly string[];
  /** The replacement: a catalog name or alias (`'golu'`), or another tfjs activation name (`'linear'`). */
  to: string;
  /** Parameters of `to` (catalog activations only); defaults from the catalog. */
  params?: Readonly<Record<string, number>>;
  /** Return an unchanged copy instead of throwing when no layer uses `from`. Default false. */
  allowNoMatch?: boolean;
  /** Called once per replaced activation with the layer name and the identifiers before and after. */
  onReplace?: (layerName: string, before: string, after: string) => void;
}

type Json = { [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A predicate deciding whether an activation identifier in the topology is one of `from`. */
function matcher(from: readonly string[]): (identifier: string) => boolean {
  const exact = new Set(from.map((name) => normaliseIdentifier(name)));
  const specs = new Set(
    from.flatMap((name) => {
      const info = describeActivationId(name);
      return info === undefined ? [] : [info.spec.name];
    }),
  );
  return (identifier) => {
    if (exact.has(normaliseIdentifier(identifier))) return true;
    const info = describeActivationId(identifier);
    return info !== undefined && specs.has(info.spec.name);
  };
}

/**
 * Returns a new LayersModel with the same topology and weights in which every use of `from` is replaced
 * by `to` (with `params`). The input model is not modified; the copy is not compiled.
 * Throws when no layer uses `from` (unless `allowNoMatch`), listing the activations the model does use.
 * @example const golu = await replaceActivations(model, { from: 'relu', to: 'golu' });
 */
export async function replaceActivations(
  model: LayersModel,
  options: ReplaceActivationsOptions,
): Promise<LayersModel> {
  const tf = requireTf('replaceActivations');
  const from = typeof options.from === 'string' ? [options.from] : [...options.from];
  if (from.length === 0)
    throw new Error('gatelab/tfjs: replaceActivations needs at least one activation in `from`');
  const matches = matcher(from);
  const targetSpec = specForIdentifier(options.to) ?? describeActivationId(options.to)?.spec;
  const hasParams = options.params !== undefined && Object.keys(options.params).length > 0;
  if (targetSpec === undefined && hasParams) {
    throw new Error(`gatelab/tfjs: '${options.to}' is not a catalog activation, so it takes no params`);
  }
  const target = targetSpec !== undefined ? activationId(options.to, options.params ?? {}) : options.to;
  // A catalog target validates its params via activationId; a tfjs target must exist in tfjs.
  if (targetSpec === undefined && !(options.to in tf.serialization.SerializationMap.getMap().classNameMap)) {
    throw new Error(
      `gatelab/tfjs: unknown activation '${options.to}' (neither a catalog nor a tfjs activation)`,
    );
  }

  const topology = model.toJSON(null, false) as Json;
  const seen = new Set<string>();
  let replaced = 0;
  const report = (layer: Json, before: string, after: string) => {
    replaced++;
    const name = isObject(layer.config) && typeof layer.config.name === 'string' ? layer.config.name : '?';
    options.onReplace?.(name, before, after);
  };

  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    const config = node.config;
    if (typeof node.class_name === 'string' && isObject(config)) {
      if (node.class_name === 'GatelabActivation' && typeof config.activation === 'string') {
        const before = config.activation;
        seen.add(before);
        if (matches(before)) {
          if (targetSpec !== undefined) {
            const info = describeActivationId(target);
            config.activation = camelName(targetSpec.name);
            config.params = { ...(info?.params ?? {}) };
          } else {
            node.class_name = 'Activation';
            delete config.params;
            config.activation = target;
          }
          report(node, before, target);
        }
      } else if (typeof config.activation === 'string') {
        const before = config.activation;
        seen.add(before);
        if (matches(before)) {
          config.activation = target;
          report(node, before, target);
        }
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(topology);

  if (replaced === 0 && options.allowNoMatch !== true) {
    const used = [...seen].sort().join(', ') || 'none';
    throw new Error(
      `gatelab/tfjs: no layer uses activation ${from.map((f) => `'${f}'`).join(' or ')} (activations used: ${used})`,
    );
  }
  const copy = await tf.models.modelFromJSON({ modelTopology: topology as never });
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}
