/**
 * gatelab/tfjs as the README shows it: the README's code block runs as written (its imports bound to
 * this checkout), every catalog name and alias works as a tf.layers activation string, and the
 * identifier a user writes (`golu(gamma=2)`) is usable in a layer after `activationId`.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activation } from '../src/activation.js';
import { registry } from '../src/activations/index.js';
import * as gatelabTfjs from '../src/adapters/tfjs/index.js';

tf.env().set('PROD', true);
gatelabTfjs.registerActivations(tf);

/** The first ```ts block of the README that imports gatelab/tfjs. */
function readmeSnippet(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.includes("from 'gatelab/tfjs'"));
  if (block === undefined) throw new Error('README has no ts block importing gatelab/tfjs');
  return block;
}

/** One dense layer with `activation`, weight 1 and bias 0: predicting x gives f(x). */
function probe(activationString: string, x: number): number {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1], activation: activationString as never }));
  model.setWeights([tf.tensor2d([[1]]), tf.tensor1d([0])]);
  return (model.predict(tf.tensor2d([[x]])) as tf.Tensor).dataSync()[0];
}

describe('gatelab/tfjs README and layer strings', () => {
  it('the README block runs as written', async () => {
    const code = readmeSnippet();
    const imports = [...code.matchAll(/^import (.+) from '([^']+)';$/gm)];
    expect(imports.map((m) => m[2])).toEqual(['@tensorflow/tfjs', 'gatelab/tfjs']);
    const named = /\{([^}]*)\}/
      .exec(imports[1][1])![1]
      .split(',')
      .map((n) => n.trim());
    const body = code.replace(/^import .*$/gm, '');
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<unknown>;
    const run = new AsyncFunction('tf', ...named, `${body}\nreturn { model, withGolu, y, dx };`);
    const result = (await run(tf, ...named.map((n) => (gatelabTfjs as Record<string, unknown>)[n]))) as {
      model: tf.Sequential;
      withGolu: tf.LayersModel;
      dx: tf.Tensor;
    };
    expect(Array.from(result.dx.dataSync()).every(Number.isFinite)).toBe(true);
    expect(result.withGolu.layers.length).toBe(result.model.layers.length);
    const activations = (m: tf.LayersModel) =>
      m.layers.map((l) => (l.getConfig() as { activation?: string }).activation ?? '');
    expect(activations(result.model)).toContain('relu');
    expect(activations(result.withGolu)).not.toContain('relu');
  });

  it('every catalog name and alias works as a layer string, in snake, camel and kebab case', () => {
    for (const spec of registry) {
      const want = Math.fround(activation(spec.name).value(-0.75));
      for (const spelling of [spec.name, ...spec.aliases]) {
        const kebab = spelling.replace(/_/g, '-');
        const owned = (s: string) => gatelabTfjs.describeActivationId(s) === undefined; // tfjs's own meaning
        for (const form of new Set([spelling, kebab])) {
          if (owned(form)) continue;
          expect(probe(form, -0.75), `${spec.name} as '${form}'`).toBe(want);
        }
      }
    }
    expect(probe('se-gem', -0.75)).toBe(Math.fround(activation('segem').value(-0.75)));
  });

  it("activationId('golu(gamma=2)') makes the string as written usable in a layer", () => {
    expect(gatelabTfjs.activationId('golu(gamma=2)')).toBe('golu(alpha=1,beta=1,gamma=2)');
    const want = Math.fround(activation('golu', { gamma: 2 }).value(-0.75));
    expect(probe('golu(gamma=2)', -0.75)).toBe(want);
    expect(probe('golu(alpha=1,beta=1,gamma=2)', -0.75)).toBe(want);
    // A saved layer records the canonical identifier.
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, inputShape: [1], activation: 'golu(gamma=2)' as never }));
    expect((model.layers[0].getConfig() as { activation: string }).activation).toBe(
      'golu(alpha=1,beta=1,gamma=2)',
    );
  });
});
