/** Token embedding as a one-hot product: its gradient is a plain matrix product (no scatter). */
import { type JaxArray, nn, np } from '../runtime.js';
import { normalInit, type Uniform } from './init.js';

/** [vocab, dim] table initialised N(0, std^2) (GPT-2 uses 0.02). */
export function embeddingInit(rand: Uniform, vocab: number, dim: number, std = 0.02): JaxArray {
  return np.array(normalInit(rand, vocab * dim, std), { shape: [vocab, dim] });
}

/** Rows of `table` [V, D] for int32 ids of any shape -> [...ids.shape, D]. Consumes both. */
export function embed(table: JaxArray, ids: JaxArray): JaxArray {
  const [vocab, dim] = table.shape;
  const shape = ids.shape;
  const oneHot = nn.oneHot(ids.reshape([-1]), vocab);
  return np.dot(oneHot, table).reshape([...shape, dim]);
}
