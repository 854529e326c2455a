import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'parse5';
import { describe, expect, it } from 'vitest';
import { type DiagnosticsFile, diagnoseProbe } from '../src/lab/analysis/diagnostics.js';
import type { LandscapeFile } from '../src/lab/analysis/landscape.js';
import { recorderHooks, recorderOptionsFromFlags } from '../src/lab/hooks/recorder.js';
import { buildRunsReport } from '../src/lab/report/report.js';
import { loadRun } from '../src/lab/runs/read.js';
import { readWeights } from '../src/lab/runs/weights.js';
import type { ProbeResult } from '../src/lab/train/probe.js';
import { runExperiment } from '../src/lab/train/run.js';
import { mnistMlpConfig } from './helpers/run-config.js';
import { tempDir } from './helpers/temp-dir.js';

describe('diagnoseProbe', () => {
  it('per-layer moments, dead units (no gradient through the gate on any example), gradient norms', () => {
    // 3 examples x 2 units. ReLU: unit 0 never positive (dead), unit 1 positive twice.
    const pre = Float32Array.from([-1, 2, -0.5, -3, -2, 1]);
    const act = pre.map((v) => Math.max(v, 0));
    const result: ProbeResult = {
      loss: 0.7,
      layers: [
        { name: 'block0.preact', shape: [3, 2], value: pre, grad: new Float32Array(6) },
        { name: 'block0.act', shape: [3, 2], value: act, grad: Float32Array.from([0, 3, 0, 0, 0, 4]) },
      ],
      params: [
        { path: 'w', shape: [2, 2], value: new Float32Array(4), grad: Float32Array.from([1, 2, 2, 0]) },
        { path: 'b', shape: [2], value: new Float32Array(2), grad: Float32Array.from([0, 0]) },
      ],
    };
    const d = diagnoseProbe(result, { name: 'relu' });
    expect(d.loss).toBe(0.7);
    expect(d.layers).toHaveLength(1);
    const layer = d.layers[0];
    expect(layer.layer).toBe('block0');
    expect(layer.units).toBe(2);
    expect(layer.preMean).toBeCloseTo(-3.5 / 6, 12);
    expect(layer.actMean).toBeCloseTo(0.5, 12);
    expect(layer.actVariance).toBeCloseTo((2 * 2 + 1) / 6 - 0.25, 12);
    expect(layer.deadUnits).toBe(0.5);
    expect(layer.saturated).toBeCloseTo(4 / 6, 12);
    expect(layer.actGradNorm).toBeCloseTo(5, 6);
    expect(d.gradNorms).toEqual([
      { name: 'w', norm: 3 },
      { name: 'b', norm: 0 },
    ]);
    expect(d.totalGradNorm).toBe(3);
    // GoLU passes gradient at -1 and -0.5: no dead unit.
    expect(diagnoseProbe(result, { name: 'golu' }).layers[0].deadUnits).toBe(0);
  });

  it('reads the CLI flags', () => {
    expect(recorderOptionsFromFlags(undefined, undefined)).toBeNull();
    expect(recorderOptionsFromFlags(true, undefined)).toEqual({ diagnosticsEvery: 20, saveWeights: false });
    expect(recorderOptionsFromFlags('5', true)).toEqual({ diagnosticsEvery: 5, saveWeights: true });
    expect(() => recorderOptionsFromFlags('0', false)).toThrow(/--diagnostics/);
  });
});

describe('train with diagnostics and saved weights, then report', () => {
  const root = tempDir('diag');

  it('writes diagnostics.json and weights, and the report shows them', async () => {
    const config = mnistMlpConfig({ name: 'golu' }, { seed: 0, epochs: 1, model: { depth: 1, width: 32 } });
    const recorder = recorderOptionsFromFlags('2', true)!;
    const summary = await runExperiment(config, {
      runsDir: root,
      progress: 'none',
      attach: (run) => recorderHooks(recorder, run),
    });
    expect(summary.stepsDone).toBe(4);
    const diagnostics = JSON.parse(
      readFileSync(join(summary.dir, 'diagnostics.json'), 'utf8'),
    ) as DiagnosticsFile;
    expect(diagnostics.snapshots.map((s) => s.step)).toEqual([0, 2]);
    const layer = diagnostics.snapshots[0].layers[0];
    expect(layer.layer).toBe('block0');
    expect(layer.units).toBe(32);
    // LayerNorm before the activation: pre-activations have mean ~0 and variance ~1 over the batch.
    expect(Math.abs(layer.preMean)).toBeLessThan(1e-4);
    expect(Math.abs(layer.preVariance - 1)).toBeLessThan(1e-2);
    expect(layer.actGradNorm).toBeGreaterThan(0);
    expect(diagnostics.weights.map((w) => w.name)).toEqual(['blocks.0.linear.w', 'head.w']);
    expect(diagnostics.weights[0].spread.iqr).toBeGreaterThan(0);
    const weights = readWeights(summary.dir);
    expect(weights.params.reduce((a, p) => a + p.length, 0)).toBe(summary.paramCount);
    expect(existsSync(join(summary.dir, 'weights.bin'))).toBe(true);

    // A landscape.json as `gatelab landscape` writes it (numbers made up: this tests the report).
    const landscape: LandscapeFile = {
      version: 1,
      normalization: 'unit',
      seed: 0,
      examples: 64,
      centerLoss: 0.5,
      line: { alphas: [-1, 0, 1], losses: [0.7, 0.5, 0.65] },
      grid: { alphas: [-1, 0, 1], betas: [-1, 0, 1], losses: [0.9, 0.7, 0.8, 0.6, 0.5, 0.6, 0.8, 0.7, 0.9] },
      hessian: {
        eigenvalue: 12.5,
        iterations: 9,
        converged: true,
        lastChange: 5e-4,
        history: [],
        examples: 64,
      },
    };
    writeFileSync(join(summary.dir, 'landscape.json'), JSON.stringify(landscape));
    const html = await buildRunsReport([loadRun(summary.dir)]);
    const errors: string[] = [];
    parse(html, { onParseError: (e) => errors.push(e.code) });
    expect(errors).toEqual([]);
    expect(html).toContain('Training diagnostics');
    expect(html).toContain('blocks.0.linear.w');
    expect(html).toContain('Loss landscape and sharpness');
    expect(html).toContain('12.5');
    // curves, bars, activation variance, gradient flow, weight histograms, line slice, 2-D slice
    expect(html.match(/<svg /g)?.length).toBe(7);
  });
});
