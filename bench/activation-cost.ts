/**
 * `npx tsx bench/activation-cost.ts [golu,gelu,...]`: the cost of one activation's forward + backward
 * pass on its own, exact form vs first-order form (gatelab/jax), on the wasm device: the jitted
 * gradient of sum(f(x) * x) over 131,072 float32 elements (the mlp's two hidden layers at batch 128),
 * timed interleaved, median process CPU time. Prints ns per element. Nothing here asserts a time.
 */
import { loadavg } from 'node:os';
import { grad, jit, numpy as np } from '@jax-js/jax';
import * as jx from '../src/adapters/jax/index.js';

await jx.initJax({ devices: ['wasm'], defaultDevice: 'wasm' });
const n = 128 * 512 * 2;
const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
const names = (process.argv[2] ?? 'relu,golu,gelu,swish,mish').split(',');
const cases = names.flatMap((name) => [
  [name, 'exact'],
  [name, 'first-order'],
]) as [string, jx.DerivativeForm][];
const steps = cases.map(([name, form]) => {
  const f = jx.get(name, {}, { form });
  return jit(grad((x: np.Array) => f(x.ref).mul(x).sum()));
});
const times: number[][] = cases.map(() => []);
for (let round = 0; round < 40; round++) {
  steps.forEach((step, i) => {
    const x = np.array(data);
    const c0 = process.cpuUsage();
    step(x).dataSync();
    const c = process.cpuUsage(c0);
    if (round >= 3) times[i].push((c.user + c.system) / 1000);
  });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
cases.forEach(([name, form], i) => {
  const ms = median(times[i]);
  console.log(
    `${name.padEnd(13)} ${form.padEnd(12)} ${ms.toFixed(2)} ms CPU  ${((ms * 1e6) / n).toFixed(1)} ns/element`,
  );
});
