/**
 * Source of the pool's worker, as a string: it runs unchanged as a Node `worker_threads` worker
 * (`eval: true`) and as a browser Worker (from a Blob URL), so no separate file has to be
 * resolved by a bundler. It receives the compiled kernel module once, instantiates it on its own
 * small memory, and streams its share of each task through staging buffers exactly as the
 * calling thread does (src/kernels/fast.ts), so results are bit-identical.
 *
 * Messages in:  { type: 'init', module }
 *               { type: 'run', id, exportName, mode, a, b, c, x, dy, y, d }  (SharedArrayBuffer views)
 * Messages out: { type: 'ready' } | { type: 'done', id } | { type: 'error', id, message }
 */
export const POOL_WORKER_SOURCE = `
'use strict';
const STAGING = 32 * 1024;
const nodePort = typeof self === 'undefined' ? require('node:worker_threads').parentPort : null;
const post = (m) => (nodePort ? nodePort.postMessage(m) : self.postMessage(m));
let memory = null;
let exportsOf = null;

function run(m) {
  const fn = exportsOf[m.exportName];
  if (typeof fn !== 'function') throw new Error('kernel export ' + m.exportName + ' missing');
  const Ctor = m.x.constructor;
  const block = STAGING / Ctor.BYTES_PER_ELEMENT;
  const xs = new Ctor(memory.buffer, 0, block);
  const dys = new Ctor(memory.buffer, STAGING, block);
  const ys = new Ctor(memory.buffer, 2 * STAGING, block);
  const ds = new Ctor(memory.buffer, 3 * STAGING, block);
  const n = m.x.length;
  for (let start = 0; start < n; start += block) {
    const len = Math.min(block, n - start);
    xs.set(m.x.subarray(start, start + len), 0);
    if (m.mode === 'forward') {
      fn(0, 2 * STAGING, len, m.a, m.b, m.c);
      m.y.set(ys.subarray(0, len), start);
    } else if (m.mode === 'backward') {
      dys.set(m.dy.subarray(start, start + len), 0);
      fn(0, STAGING, 2 * STAGING, len, m.a, m.b, m.c);
      m.y.set(ys.subarray(0, len), start);
    } else {
      fn(0, 2 * STAGING, 3 * STAGING, len, m.a, m.b, m.c);
      m.y.set(ys.subarray(0, len), start);
      m.d.set(ds.subarray(0, len), start);
    }
  }
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
