/**
 * Source of the pool's worker, as a string: it runs unchanged as a Node `worker_threads` worker
 * (`eval: true`) and as a browser Worker (from a Blob URL), so no separate file has to be
 * resolved by a bundler. It receives the compiled kernel module once, instantiates it on its own
 * small memory, and streams its share of each task through staging buffers with the calling
 * thread's own loop (src/kernels/staging.ts, embedded as source text), so results are bit-identical.
 *
 * Messages in:  { type: 'init', module }
 *               { type: 'run', id, exportName, mode, a, b, c, x, dy, y, d }  (SharedArrayBuffer views)
 * Messages out: { type: 'ready' } | { type: 'done', id } | { type: 'error', id, message }
 */
import { STAGING_BYTES, streamThroughStaging } from './staging.js';

export const POOL_WORKER_SOURCE = `
'use strict';
const STAGING = ${STAGING_BYTES};
const nodePort = typeof self === 'undefined' ? require('node:worker_threads').parentPort : null;
const post = (m) => (nodePort ? nodePort.postMessage(m) : self.postMessage(m));
let memory = null;
let exportsOf = null;

const streamThroughStaging = ${streamThroughStaging.toString()};

function run(m) {
  const fn = exportsOf[m.exportName];
  if (typeof fn !== 'function') throw new Error('kernel export ' + m.exportName + ' missing');
  const call =
    m.mode === 'forward'
      ? (len) => fn(0, 2 * STAGING, len, m.a, m.b, m.c)
      : m.mode === 'backward'
        ? (len) => fn(0, STAGING, 2 * STAGING, len, m.a, m.b, m.c)
        : (len) => fn(0, 2 * STAGING, 3 * STAGING, len, m.a, m.b, m.c);
  streamThroughStaging(memory.buffer, STAGING, m.mode, m.x, m.dy, m.y, m.d, call);
}

function onMessage(m) {
  if (m.type === 'init') {
    memory = new WebAssembly.Memory({ initial: 2 });
    exportsOf = new WebAssembly.Instance(m.module, { env: { memory } }).exports;
    post({ type: 'ready' });
    return;
  }
  if (m.type === 'run') {
    try {
      run(m);
      post({ type: 'done', id: m.id });
    } catch (error) {
      post({ type: 'error', id: m.id, message: String(error && error.message ? error.message : error) });
    }
  }
}

if (nodePort) nodePort.on('message', onMessage);
else self.onmessage = (event) => onMessage(event.data);
`;
