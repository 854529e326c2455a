/**
 * Build of the explorer page: `vite build -c src/explorer/vite.config.ts` (part of `npm run build`)
 * writes the static site to dist/explorer/ (relative URLs, so any static host or `gatelab explore`
 * serves it). Workers are ES modules; node:* imports of shared lab modules become throwing stubs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { explorerData } from './build/data-plugin.js';
import { nodeStubs } from './build/node-stubs.js';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  plugins: [nodeStubs(), explorerData()],
  worker: { format: 'es', plugins: () => [nodeStubs()] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/explorer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // jax-js and vega are large by nature; they are split into their own chunks below.
    chunkSizeWarningLimit: 3000,
    reportCompressedSize: false,
  },
});
