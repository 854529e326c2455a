/**
 * The registry: a plain table of every activation spec. Adding an activation means adding its file
 * and one line here; conformance tests loop over this table.
 */
import { celu } from './celu.js';
import { egem } from './egem.js';
import { elu } from './elu.js';
import { fmish } from './fmish.js';
import { gelu } from './gelu.js';
import { geluSigmoid } from './gelu-sigmoid.js';
import { geluTanh } from './gelu-tanh.js';
import { gem } from './gem.js';
import { golu } from './golu.js';
import { gompertz } from './gompertz.js';
import { leakyRelu } from './leaky-relu.js';
import { mish } from './mish.js';
import { prelu } from './prelu.js';
import { relu } from './relu.js';
import { relu6 } from './relu6.js';
import { segem } from './segem.js';
import { selu } from './selu.js';
import { sigmoid } from './sigmoid.js';
import { softplus } from './softplus.js';
import { softsign } from './softsign.js';
import type { ActivationSpec } from './spec.js';
import { swish } from './swish.js';
import { tanh } from './tanh.js';

export const registry: readonly ActivationSpec[] = [
  golu,
  gompertz,
  gelu,
  geluTanh,
  geluSigmoid,
  gem,
  egem,
  segem,
  fmish,
  relu,
  leakyRelu,
  prelu,
  elu,
  selu,
  celu,
  softplus,
  swish,
  mish,
  sigmoid,
  tanh,
  softsign,
  relu6,
];
