/**
 * Import this module before anything that imports jax-js (first import of a script or test) to make
 * jax-js's multi-threaded WebAssembly available in Node; see ./wasm-threads.ts. The `gatelab`
 * executable (src/cli/bin.ts) does the same by calling installWasmThreadSupport() itself.
 */
import { installWasmThreadSupport } from './wasm-threads.js';

installWasmThreadSupport();
