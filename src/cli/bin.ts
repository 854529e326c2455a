#!/usr/bin/env node
/**
 * The `gatelab` executable. jax-js sizes its WebAssembly thread pool when it is first imported, so the
 * Worker stand-in (src/lab/devices/wasm-threads.ts) is installed here, before the CLI (and with it
 * jax-js) is loaded by a dynamic import.
 */
import { installWasmThreadSupport } from '../lab/devices/wasm-threads.js';

installWasmThreadSupport();
await import('./main.js');
