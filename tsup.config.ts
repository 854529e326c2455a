import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/main': 'src/cli/main.ts',
    // The executable: installs the wasm worker-thread stand-in, then loads cli/main (and jax-js).
    'cli/bin': 'src/cli/bin.ts',
    'adapters/tfjs/index': 'src/adapters/tfjs/index.ts',
    'adapters/jax/index': 'src/adapters/jax/index.ts',
  },
  format: ['esm'],
  dts: {
    entry: {
      index: 'src/index.ts',
      'adapters/tfjs/index': 'src/adapters/tfjs/index.ts',
      'adapters/jax/index': 'src/adapters/jax/index.ts',
    },
  },
  // Optional peer dependencies: never bundled (gatelab/tfjs only imports their types; gatelab/jax
  // imports @jax-js/jax at runtime, so only users of gatelab/jax need it installed).
  external: [/^@tensorflow\//, /^@jax-js\//],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
});
