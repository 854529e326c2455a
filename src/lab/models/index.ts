/** The lab's models, each taking its activation by catalog name and parameters. */
export {
  type ActivationChoice,
  activationLabel,
  activationLayer,
  type LearnableScope,
  learnableParameterNames,
} from './activation-spec.js';
export { type CenterNetConfig, centernet } from './centernet.js';
export { type CnnConfig, cnn } from './cnn.js';
export { type DdpmUnetConfig, ddpmUnet, packTimesteps, timestepEmbeddingTable } from './ddpm-unet.js';
export { type GptConfig, gpt } from './gpt.js';
export { type MlmConfig, mlm } from './mlm.js';
export { type MlpConfig, mlp } from './mlp.js';
export { type ResnetConfig, resnet } from './resnet.js';
export { evalContext, type ForwardContext, type Model, type ModelInit, type ModelKind } from './types.js';
export { type UnetConfig, unet } from './unet.js';
export { type VitConfig, vit } from './vit.js';
