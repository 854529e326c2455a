/**
 * A training session in the browser: every activation x seed as one run, stepped round-robin so all
 * curves grow together, with pause, resume and stop between steps. Each run is the lab's own pieces —
 * the task's model (`buildTaskModel`), its resolved configuration (`resolveRunConfig`), optimizer,
 * schedule, seeded init (`initModel`) and the jit-compiled step (`compileSteps`) — driven by an async
 * loop instead of the CLI trainer's synchronous one, because a browser must not block on `.item()`
 * (WebGPU reads back asynchronously) and the worker must see pause/stop messages between steps.
 * Each run ends with the files of a run folder (config.json, metrics.jsonl, summary.json) in the
 * format of src/lab/train/run.ts, so `gatelab report` reads them.
 */
import { deriveSeed } from '../../lab/data/random.js';
import type { HostBatch, TrainingData } from '../../lab/data/training-data.js';
import { type ActivationChoice, activationLabel } from '../../lab/models/activation-spec.js';
import type { Model } from '../../lab/models/types.js';
import { makeSchedule, type Schedule } from '../../lab/optim/schedule.js';
import { countEntries } from '../../lab/optim/tree.js';
import type { Optimizer } from '../../lab/optim/types.js';
import { jsonSafe } from '../../lab/runs/files.js';
import { safeName } from '../../lab/runs/run-folder.js';
import { np, random, tree } from '../../lab/runtime.js';
import { buildTaskModel, getTask } from '../../lab/tasks.js';
import { buildOptimizer, type RunConfig, type RunSummary, resolveRunConfig } from '../../lab/train/run.js';
import { type CompiledSteps, compileSteps, type TrainState } from '../../lab/train/step.js';
import { batchArrays, type EvalResult, initModel } from '../../lab/train/trainer.js';
import type { PresetSpec } from './presets.js';
import type { RunFiles, RunInfo, TrainSetup } from './protocol.js';

/** The CLI trainer's seed stream for dropout keys (src/lab/train/trainer.ts), so a seed means the same. */
const DROPOUT_STREAM = 12;

/** Validation (= test) examples of the bundled image data. */
function evalSize(data: TrainingData): number {
  let n = 0;
  for (const batch of data.evalBatches('val', 10_000)) n += batch.rows;
  return n;
}

const json = (value: unknown) => `${JSON.stringify(jsonSafe(value), null, 2)}\n`;

export class BrowserRun {
  readonly info: RunInfo;
  readonly config: RunConfig;
  readonly model: Model;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  step = 0;
  epoch = 0;
  finished = false;
  stoppedEarly = false;
  diverged: { step: number; epoch: number; loss: number } | null = null;
  private readonly optimizer: Optimizer;
  private readonly schedule: Schedule;
  private readonly steps: CompiledSteps;
  private state: TrainState;
  private readonly paramCount: number;
  private batches: Iterator<HostBatch>;
  private readonly metrics: string[] = [];
  private readonly history: { epoch: number; step: number; val: EvalResult }[] = [];
  private val: EvalResult | null = null;
  private test: EvalResult | null = null;
  private firstStepMs = 0;
  private timedMs = 0;
  private evalMs = 0;
  private readonly startedAt = new Date();
  private readonly t0 = performance.now();
  private readonly labTask: string;

  constructor(
    index: number,
    choice: ActivationChoice,
    seed: number,
    setup: TrainSetup,
    preset: PresetSpec,
    private readonly data: TrainingData,
    private readonly device: string,
  ) {
    this.labTask = preset.labTask;
    const label = activationLabel(choice);
    this.info = {
      index,
      runId: `${safeName(label)}-s${seed}`,
      label,
      name: choice.name,
      params: choice.params ?? {},
      seed,
    };
    this.stepsPerEpoch = data.stepsPerEpoch(setup.batchSize);
    if (this.stepsPerEpoch < 1) {
      throw new Error(`batch size ${setup.batchSize} is larger than the ${data.trainSize} training examples`);
    }
    const epochs = Math.ceil(setup.steps / this.stepsPerEpoch);
    this.config = {
      ...resolveRunConfig(preset.labTask, choice, {
        seed,
        lr: setup.lr,
        optimizer: setup.optimizer,
        batchSize: setup.batchSize,
        epochs,
        maxSteps: setup.steps,
        model: preset.model,
        // The bundled data as the lab's own options: the first images of each fixed split, or the
        // snippet's evaluation windows (so `gatelab train` with these settings sees the same images).
        data:
          preset.data === 'mnist'
            ? { limitTrain: data.trainSize, limitEval: evalSize(data) }
            : { ...preset.text },
      }),
      task: preset.name,
    };
    this.totalSteps = Math.min(setup.steps, epochs * this.stepsPerEpoch);
    this.model = buildTaskModel(getTask(preset.labTask), data, choice, preset.model);
    this.optimizer = buildOptimizer(this.config);
    this.schedule = makeSchedule(this.config.schedule, this.config.lr, this.totalSteps);
    const { params, state: modelState } = initModel(this.model, seed);
    this.paramCount = countEntries(params);
    this.state = { params, optState: this.optimizer.init(params), modelState };
    this.steps = compileSteps(this.model, this.optimizer, this.config.clipNorm);
    this.batches = data.trainBatches(0, this.config.batchSize, seed)[Symbol.iterator]();
  }

  private record(value: Record<string, unknown>): void {
    this.metrics.push(JSON.stringify(jsonSafe(value)));
  }

  private nextBatch(): HostBatch {
    let next = this.batches.next();
    if (next.done) {
      this.epoch++;
      this.batches = this.data
        .trainBatches(this.epoch, this.config.batchSize, this.config.seed)
        [Symbol.iterator]();
      next = this.batches.next();
    }
    return next.value as HostBatch;
  }

  get msPerStep(): number {
    return this.step > 1 ? this.timedMs / (this.step - 1) : this.firstStepMs;
  }

  /** One training step; returns the loss (NaN/Inf marks the run diverged and finished). */
  async trainStep(): Promise<number> {
    const t0 = performance.now();
    const batch = this.nextBatch();
    const lr = this.schedule(this.step);
    const [x, y] = batchArrays(this.data, batch);
    const key = random.key(deriveSeed(this.config.seed, DROPOUT_STREAM, this.step));
    const scalarValues = this.optimizer.scalars(this.step + 1, lr);
    const scalars = Object.fromEntries(Object.entries(scalarValues).map(([k, v]) => [k, np.array(v)]));
    const out = this.steps.train(this.state, x, y, key, scalars);
    this.state = out.state;
    const loss = (await out.loss.data())[0];
    const gradNorm = out.gradNorm === null ? undefined : (await out.gradNorm.data())[0];
    const elapsed = performance.now() - t0;
    this.step++;
    if (this.step === 1) this.firstStepMs = elapsed;
    else this.timedMs += elapsed;
    const epoch = this.epoch + 1;
    if (!Number.isFinite(loss)) {
      this.diverged = { step: this.step, epoch, loss };
      this.record({ kind: 'diverged', ...this.diverged });
      this.finished = true;
      return loss;
    }
    this.record({
      kind: 'step',
      step: this.step,
      epoch,
      totalSteps: this.totalSteps,
      loss,
      lr,
      gradNorm,
      msPerStep: this.msPerStep,
    });
    return loss;
  }

  /**
   * True after the last step of an epoch or of the run, and at least 8 times per run so short runs
   * get an accuracy curve too: time for a validation pass.
   */
  get atEvaluation(): boolean {
    const every = Math.min(this.stepsPerEpoch, Math.max(1, Math.ceil(this.totalSteps / 8)));
    return this.step === this.totalSteps || this.step % every === 0;
  }

  async evaluate(split: 'val' | 'test'): Promise<EvalResult> {
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    for (const batch of this.data.evalBatches(split, this.config.evalBatchSize)) {
      const [x, y] = batchArrays(this.data, batch);
      const [l, c] = this.steps.evaluate(this.state.params, this.state.modelState, x, y);
      lossSum += (await l.data())[0];
      correct += (await c.data())[0];
      count += batch.y.length;
    }
    this.evalMs += performance.now() - t0;
    const loss = lossSum / count;
    const result: EvalResult = { loss, accuracy: correct / count, count };
    if (this.data.kind === 'language') result.perplexity = Math.exp(loss);
    const epoch = this.epoch + 1;
    this.record({ kind: 'eval', step: this.step, epoch, split, ...result });
    if (split === 'val') {
      this.val = result;
      this.history.push({ epoch, step: this.step, val: result });
      if (!Number.isFinite(loss)) {
        this.diverged = { step: this.step, epoch, loss };
        this.record({ kind: 'diverged', ...this.diverged });
        this.finished = true;
      }
    } else this.test = result;
    return result;
  }

  /** Final test evaluation (unless diverged), then the run's files; frees the run's arrays. */
  async finish(stopped: boolean): Promise<{ files: RunFiles; summary: RunSummary }> {
    this.stoppedEarly = stopped && this.step < this.totalSteps;
    if (this.diverged === null) {
      if (this.history.at(-1)?.step !== this.step) await this.evaluate('val');
      if (this.diverged === null) await this.evaluate('test');
    }
    this.finished = true;
    tree.dispose(this.state as never);
    this.steps.dispose();
    const { label, runId } = this.info;
    const msPerStep = this.msPerStep;
    const summary: RunSummary & { stoppedEarly?: { step: number; of: number }; device: string } = {
      id: runId,
      dir: runId,
      task: this.config.task,
      metricKind: this.data.kind,
      activation: { name: this.info.name, params: this.info.params, label },
      seed: this.config.seed,
      status: this.diverged === null ? 'completed' : 'diverged',
      diverged: this.diverged,
      // The page has no signals or checkpoints: a stopped run is a finished one (stoppedEarly says so).
      interrupted: null,
      resumedAt: [],
      model: this.model.description,
      data: this.data.description,
      paramCount: this.paramCount,
      stepsDone: this.step,
      totalSteps: this.totalSteps,
      epochsDone: this.epoch + 1,
      val: this.diverged === null ? this.val : null,
      test: this.test,
      history: this.history,
      timing: {
        msPerStep,
        stepsPerSecond: msPerStep > 0 ? 1000 / msPerStep : 0,
        firstStepMs: this.firstStepMs,
        trainSeconds: (performance.now() - this.t0 - this.evalMs) / 1000,
        evalSeconds: this.evalMs / 1000,
        totalSeconds: (performance.now() - this.t0) / 1000,
      },
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      device: this.device,
      // The lab's record of where a run trained (src/lab/runtime.ts); the page picks its device itself.
      runtime: {
        device: this.device === 'webgpu' || this.device === 'cpu' ? this.device : 'wasm',
        requested: this.device === 'webgpu' || this.device === 'cpu' ? this.device : 'wasm',
        adapter: null,
        threads: 1,
        note: null,
      },
      ...(this.stoppedEarly ? { stoppedEarly: { step: this.step, of: this.totalSteps } } : {}),
    };
    const config = {
      ...this.config,
      activationLabel: label,
      modelDescription: this.model.description,
      modelConfig: this.model.config,
      dataDescription: this.data.description,
      optimizerSettings: { name: this.optimizer.name, ...this.optimizer.settings },
      startedAt: this.startedAt.toISOString(),
      labTask: this.labTask,
      environment: `gatelab explore (browser, jax-js ${this.device} device)`,
    };
    return {
      files: {
        config: json(config),
        metrics: this.metrics.map((line) => `${line}\n`).join(''),
        summary: json(summary),
      },
      summary,
    };
  }
}
