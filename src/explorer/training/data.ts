/**
 * The page's training data, fetched from the site's own data/ folder (made at build time by
 * build/data-plugin.ts) and turned into the lab's TrainingData by the lab's own adapters.
 */
import { gunzipSync } from 'fflate';
import { assembleDataset, range } from '../../lab/data/assemble.js';
import { MNIST_CLASS_NAMES } from '../../lab/data/embedded.js';
import { textCorpusFromString } from '../../lab/data/text.js';
import { classificationData, languageData, type TrainingData } from '../../lab/data/training-data.js';
import type { ExplorerDataManifest } from '../data-manifest.js';
import type { PresetSpec } from './presets.js';

const IMAGE_SIZE = 28 * 28;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function loadManifest(dataUrl: string): Promise<ExplorerDataManifest> {
  const bytes = await fetchBytes(new URL('manifest.json', dataUrl).href);
  return JSON.parse(new TextDecoder().decode(bytes)) as ExplorerDataManifest;
}

/** MNIST subset bytes -> the lab's NHWC classification data (pixels byte/255, like the CLI). */
export function mnistFromBytes(bytes: Uint8Array, manifest: ExplorerDataManifest): TrainingData {
  const { train, val, test } = manifest.mnist.counts;
  const n = train + val + test;
  if (bytes.length !== n * (IMAGE_SIZE + 1)) {
    throw new Error(
      `${manifest.mnist.file}: expected ${n * (IMAGE_SIZE + 1)} bytes for ${n} images, got ${bytes.length}`,
    );
  }
  const source = {
    pixels: bytes.subarray(0, n * IMAGE_SIZE),
    labels: Int32Array.from(bytes.subarray(n * IMAGE_SIZE)),
    n,
  };
  const dataset = assembleDataset(
    {
      name: 'mnist',
      source: manifest.mnist.source,
      inputShape: [1, 28, 28],
      numClasses: 10,
      classNames: MNIST_CLASS_NAMES,
    },
    {
      train: { source, indices: range(0, train) },
      val: { source, indices: range(train, train + val) },
      test: { source, indices: range(train + val, n) },
    },
    { layout: 'NHWC' },
  );
  return classificationData(dataset);
}

export async function loadPresetData(
  preset: PresetSpec,
  dataUrl: string,
  blockSize: number,
): Promise<TrainingData> {
  const manifest = await loadManifest(dataUrl);
  if (preset.data === 'mnist') {
    return mnistFromBytes(gunzipSync(await fetchBytes(new URL(manifest.mnist.file, dataUrl).href)), manifest);
  }
  const text = new TextDecoder().decode(await fetchBytes(new URL(manifest.text.file, dataUrl).href));
  const corpus = textCorpusFromString(text, 'moby-dick-snippet', manifest.text.source);
  return languageData(corpus, {
    blockSize,
    stepsPerEpoch: preset.text!.stepsPerEpoch,
    evalBatches: preset.text!.evalBatches,
  });
}
