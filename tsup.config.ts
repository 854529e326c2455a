import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/main': 'src/cli/main.ts',
    'adapters/tfjs/index': 'src/adapters/tfjs/index.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', 'adapters/tfjs/index': 'src/adapters/tfjs/index.ts' } },
  // Optional peer dependencies: never bundled; gatelab/tfjs only imports their types.
  external: [/^@tensorflow\//],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
});
