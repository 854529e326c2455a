/**
 * The few members of each TensorFlow.js backend that the kernels use, typed structurally so that the
 * adapter never imports a backend package (they are optional peer dependencies). Checked against
 * tfjs 4.22: MathBackendCPU, BackendWasm, MathBackendWebGL, WebGPUBackend.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs';

export type KernelInputs = Readonly<Record<string, TensorInfo | undefined>>;

export interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
}

export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  /** The Emscripten module; its heap is `asm.memory` (tfjs 4.22) or `wasmMemory` in other builds. */
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
}

/** A GPGPU program for the WebGL backend (tfjs-backend-webgl's GPGPUProgram). */
export interface WebGLProgramLike {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  enableShapeUniforms?: boolean;
  customUniforms?: { name: string; type: 'float' }[];
}

export interface WebGLBackendLike {
  runWebGLProgram(
    program: WebGLProgramLike,
    inputs: TensorInfo[],
    outputDtype: DataType,
    customUniformValues?: number[][],
  ): TensorInfo;
}

/** A compute program for the WebGPU backend (tfjs-backend-webgpu's WebGPUProgram). */
export interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms?: string;
  getUserCode(): string;
}

export interface WebGPUBackendLike {
  runWebGPUProgram(
    program: WebGPUProgramLike,
    inputs: TensorInfo[],
    outputDtype: DataType,
    programDefinedUniform?: { type: 'float32'; data: number[] }[],
  ): TensorInfo;
}

/** The input under `name`, or a clear error naming the kernel. */
export function input(inputs: KernelInputs, name: string, kernel: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`gatelab/tfjs: kernel ${kernel} needs an input named '${name}'`);
  return info;
}

/** Throws unless the tensor is float32 (the ops cast before calling the kernels). */
export function requireFloat32(info: TensorInfo, kernel: string): void {
  if (info.dtype !== 'float32') {
    throw new TypeError(`gatelab/tfjs: kernel ${kernel} takes float32 tensors, got ${info.dtype}`);
  }
}
