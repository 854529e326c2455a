/**
 * runs/<id>/checkpoint.bin: everything a run needs to continue bit-identically — parameters, optimizer
 * state and model state (batch-norm running statistics) as raw little-endian tensors, plus a JSON header
 * with the position in the data order (epoch, batch within the epoch), the step, the evaluation history,
 * the timing accumulators and the byte length of metrics.jsonl at that moment.
 *
 * One file, so that it is replaced as a whole: written to a temporary name, flushed, renamed over the old
 * one. Layout: the 8 bytes "GLCKPT01", a uint32 LE header length, the header JSON, zero padding to a
 * multiple of 8, then the tensor bytes. The header holds the SHA-256 of the tensor bytes, so a truncated
 * or damaged file is recognised instead of being loaded.
 *
 * RNG state needs no bytes of its own: the batch order of epoch e is a function of (seed, e), dropout keys
 * of (seed, step), text windows of (seed, epoch) and the batch index, and the schedule of the step. The
 * position therefore determines every random number the rest of the run will draw.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { writeFileSafely } from './files.js';
import { RUN_FILES } from './run-folder.js';

export const CHECKPOINT_FILE = RUN_FILES.checkpoint;
const MAGIC = 'GLCKPT01';

export type TensorDType = 'float32' | 'int32' | 'uint32' | 'float64';

/** One tensor on the host. */
export interface HostTensor {
  dtype: TensorDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint32Array | Float64Array;
}

/** The trainer's resumable state (host copies; no jax-js arrays). */
export interface TrainerSnapshot {
  /** Steps done (the next step is step + 1). */
  step: number;
  /** 0-based epoch the next step belongs to. */
  epoch: number;
  /** Training batches of `epoch` already consumed. */
  batchInEpoch: number;
  /** Epochs whose validation has run. */
  epochsDone: number;
  totalSteps: number;
  /** Evaluation events so far (in order). */
  history: unknown[];
  /** Wall-clock accumulators, so the summary's timing covers the whole run. */
  timing: { firstStepMs: number; timedMs: number; timedSteps: number; evalMs: number; trainMs: number };
  trees: { params: HostTensor[]; optState: HostTensor[]; modelState: HostTensor[] };
}

/** What the run folder adds around the trainer's state. */
export interface CheckpointFile extends TrainerSnapshot {
  /** Bytes of metrics.jsonl written when the checkpoint was taken; a resume cuts the file back to it. */
  metricsBytes: number;
  /** State of trainer hooks (diagnostics snapshots), by hook name. */
  extra: Record<string, unknown>;
  /** ISO time the checkpoint was written. */
  writtenAt: string;
}

interface TensorEntry {
  tree: 'params' | 'optState' | 'modelState';
  dtype: TensorDType;
  shape: number[];
  offset: number;
  bytes: number;
}

interface Header extends Omit<CheckpointFile, 'trees'> {
  format: 'gatelab-checkpoint';
  version: 1;
  endianness: 'LE';
  sha256: string;
  tensors: TensorEntry[];
}

const ARRAY_TYPES = {
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float64: Float64Array,
} as const;

/** Writes the checkpoint atomically (temp file, fsync, rename, fsync of the folder). */
export function writeCheckpoint(dir: string, checkpoint: CheckpointFile): string {
  if (endianness() !== 'LE') throw new Error('checkpoints are written on little-endian machines only');
  const tensors: TensorEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const tree of ['params', 'optState', 'modelState'] as const) {
    for (const t of checkpoint.trees[tree]) {
      const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      tensors.push({ tree, dtype: t.dtype, shape: t.shape, offset, bytes: bytes.length });
      chunks.push(bytes);
      offset += bytes.length;
    }
  }
  const data = Buffer.concat(chunks);
  const { trees: _trees, ...rest } = checkpoint;
  const header: Header = {
    format: 'gatelab-checkpoint',
    version: 1,
    endianness: 'LE',
    ...rest,
    sha256: createHash('sha256').update(data).digest('hex'),
    tensors,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 8);
  const padding = Buffer.alloc((8 - ((12 + json.length) % 8)) % 8);
  const file = join(dir, CHECKPOINT_FILE);
  writeFileSafely(file, Buffer.concat([prefix, json, padding, data]));
  return file;
}

/**
 * Reads and verifies a checkpoint; errors name the file and what is wrong with it. `finished`: the status
 * of a run that has ended (its checkpoint was removed), for the message when there is none.
 */
export function readCheckpoint(dir: string, finished: string | null = null): CheckpointFile {
  const file = join(dir, CHECKPOINT_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? finished !== null
          ? `${file}: no checkpoint: the run has finished (${finished}), there is nothing to resume`
          : `${file}: no checkpoint in this run folder (the run stopped before its first checkpoint)`
        : `${file}: cannot read the checkpoint (${(error as Error).message})`,
    );
  }
  const damaged = (why: string) => new Error(`${file}: damaged checkpoint (${why}); it cannot be resumed`);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC)
    throw damaged('not a gatelab checkpoint');
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw damaged(`file ends inside its header at byte ${bytes.length}`);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Header;
  } catch (error) {
    throw damaged(`unreadable header: ${(error as Error).message}`);
  }
  if (header.format !== 'gatelab-checkpoint' || header.version !== 1) {
    throw damaged(`format ${header.format} version ${header.version}, expected gatelab-checkpoint version 1`);
  }
  const start = 12 + headerLength + ((8 - ((12 + headerLength) % 8)) % 8);
  const data = bytes.subarray(start);
  const expected = header.tensors.reduce((sum, t) => sum + t.bytes, 0);
  if (data.length !== expected)
    throw damaged(`${data.length} tensor bytes, the header describes ${expected}`);
  if (createHash('sha256').update(data).digest('hex') !== header.sha256) throw damaged('checksum mismatch');
  const trees: TrainerSnapshot['trees'] = { params: [], optState: [], modelState: [] };
  for (const t of header.tensors) {
    const Type = ARRAY_TYPES[t.dtype];
    if (Type === undefined) throw damaged(`unknown tensor dtype ${t.dtype}`);
    // Copy into an aligned buffer: the tensor's offset in the file need not be a multiple of 8.
    const copy = new Uint8Array(t.bytes);
    copy.set(data.subarray(t.offset, t.offset + t.bytes));
    trees[t.tree].push({ dtype: t.dtype, shape: t.shape, data: new Type(copy.buffer) });
  }
  const { format: _f, version: _v, endianness: _e, sha256: _s, tensors: _t, ...rest } = header;
  return { ...rest, trees };
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

export function removeCheckpoint(dir: string): void {
  rmSync(join(dir, CHECKPOINT_FILE), { force: true });
}
