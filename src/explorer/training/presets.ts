/**
 * What the training panel can run: each preset is one of the lab's tasks (its model builder and training
 * defaults) on the data the page ships. The CNN is the lab's conv-BN-act CNN with narrower channels, so
 * a browser step stays well under a second on WebAssembly.
 */
import type { ModelOptions } from '../../lab/tasks.js';
import type { PresetName } from '../state.js';

export interface PresetSpec {
  name: PresetName;
  title: string;
  /** The lab task whose model and defaults the preset uses. */
  labTask: string;
  data: 'mnist' | 'text';
  model: ModelOptions;
  /** Language data: training steps between evaluations ("epoch") and evaluation batches per split. */
  text?: { stepsPerEpoch: number; evalBatches: number };
}

export const PRESET_SPECS: Record<PresetName, PresetSpec> = {
  'mnist-mlp': {
    name: 'mnist-mlp',
    title: 'MLP (the GoLU paper ablation model) on the MNIST subset',
    labTask: 'mnist-mlp',
    data: 'mnist',
    model: {},
  },
  'mnist-cnn': {
    name: 'mnist-cnn',
    title: 'small CNN (conv-BN-act, 8 and 16 channels, max pooling) on the MNIST subset',
    labTask: 'fashion-cnn',
    data: 'mnist',
    model: { channels: [8, 16] },
  },
  'text-gpt': {
    name: 'text-gpt',
    title: 'character GPT (nanoGPT layout, 2 layers, width 64) on a Moby-Dick snippet',
    labTask: 'text-gpt',
    data: 'text',
    model: {},
    text: { stepsPerEpoch: 50, evalBatches: 4 },
  },
};
