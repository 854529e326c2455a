/**
 * Child process of adapter-tfjs-models.test.ts: loads a model saved as model.json + weights.bin in a
 * fresh Node process, the way an application would, and prints its predictions as JSON on stdout.
 * Usage: node --import tsx test/adapter-tfjs-reload-child.ts <dir>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { activationId, registerActivations } from '../src/adapters/tfjs/index.js';

tf.env().set('PROD', true);
const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: adapter-tfjs-reload-child.ts <dir>');

const saved = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
const bytes = readFileSync(join(dir, 'weights.bin'));
/** A minimal file-reading IOHandler (tfjs's file:// handler needs tfjs-node). */
const fromFiles: tf.io.IOHandler = {
  load: async () => ({
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightsManifest[0].weights,
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  }),
};

registerActivations(tf);
let withoutId = '';
try {
  await tf.loadLayersModel(fromFiles);
} catch (error) {
  withoutId = (error as Error).message.split('\n')[0];
}
activationId('egem(n=2,epsilon=0.001)');
const model = await tf.loadLayersModel(fromFiles);
const inputs = tf.tensor2d(JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')));
const predictions = Array.from((model.predict(inputs) as tf.Tensor).dataSync());
process.stdout.write(`${JSON.stringify({ withoutId, predictions })}\n`);
