/**
 * The embedded kernel module is up to date with its sources, has no data segment and imports only
 * its memory. (A full recompile takes minutes: `npm run build:wasm -- --check` compares the bytes.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as build from '../scripts/build-wasm.js';
import { KERNEL_SOURCE_HASH } from '../src/kernels/generated/wasm-module.js';
import { KERNEL_MODES, KERNEL_OPS, kernelExportName } from '../src/kernels/ops.js';
import { kernelWasmBytes } from '../src/kernels/wasm.js';

describe('embedded kernel module', () => {
  it('was built from the current sources, op table, flags and compiler', () => {
    expect(build.kernelSourceHash(), 'kernel sources changed: run npm run build:wasm').toBe(
      KERNEL_SOURCE_HASH,
    );
    const dir = new URL('../src/kernels/assembly/generated/', import.meta.url);
    expect(readFileSync(new URL('ops.ts', dir), 'utf8')).toBe(build.generateOpsSource());
    expect(readFileSync(new URL('dispatch.ts', dir), 'utf8')).toBe(build.generateDispatchSource());
    expect(readFileSync(new URL('entries.ts', dir), 'utf8')).toBe(build.generateEntriesSource());
  });

  it('has no data segment, imports only env.memory and exports every kernel', () => {
    const bytes = kernelWasmBytes();
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`)).toEqual(['env.memory']);
    // Walk the sections: id 11 is the data section.
    const ids: number[] = [];
    let pos = 8;
    while (pos < bytes.length) {
      ids.push(bytes[pos++]);
      let size = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[pos++];
        size |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) === 0) break;
      }
      pos += size;
    }
    expect(ids).not.toContain(11);
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const op of KERNEL_OPS) {
      for (const mode of KERNEL_MODES) {
        expect(exports).toContain(kernelExportName(op.name, mode, 'f32'));
        expect(exports).toContain(kernelExportName(op.name, mode, 'f64'));
      }
    }
  });
});
