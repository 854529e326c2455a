/**
 * WebGPU for jax-js: in browsers `navigator.gpu`; in Node the optional package `webgpu` (Google's Dawn,
 * prebuilt inside the package), loaded only when asked for or probed. jax-js's webgpu backend reads
 * `navigator.gpu` and `navigator.userAgent`, and needs the WebGPU globals (GPUBufferUsage, ...).
 */

/** The adapter a run used, as results record it. */
export interface AdapterInfo {
  /** Human-readable name: the driver's description, else the device. */
  name: string;
  vendor: string;
  architecture: string;
  /** A software rasteriser (SwiftShader, WARP, lavapipe): correct but slower than the wasm device. */
  software: boolean;
}

export type WebGpuProbe = { available: true; adapter: AdapterInfo } | { available: false; reason: string };

/** Where Chromium's Debian package puts SwiftShader's Vulkan driver (a software adapter for CI). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface MinimalAdapter {
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}
interface MinimalGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<MinimalAdapter | null>;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

function navigatorObject(): Record<string, unknown> {
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
  }
  return (globalThis as unknown as { navigator: Record<string, unknown> }).navigator;
}

let nodeGpu: Promise<MinimalGpu | string> | null = null;

/** Loads Dawn from the `webgpu` package once and installs navigator.gpu; a string says why not. */
function loadNodeGpu(): Promise<MinimalGpu | string> {
  if (nodeGpu === null) {
    nodeGpu = (async () => {
      let module: { create(flags: string[]): MinimalGpu; globals: object };
      try {
        module = (await import('webgpu')) as unknown as typeof module;
      } catch (error) {
        const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
        return `the optional package 'webgpu' (Dawn for Node) is not installed or does not load (npm install webgpu@0.6.2): ${detail}`;
      }
      for (const [key, value] of Object.entries(module.globals)) {
        if (!(key in globalThis))
          Object.defineProperty(globalThis, key, { value, writable: true, configurable: true });
      }
      const gpu = module.create([]);
      const nav = navigatorObject();
      Object.defineProperty(nav, 'gpu', { value: gpu, writable: true, configurable: true });
      if (nav.userAgent === undefined)
        Object.defineProperty(nav, 'userAgent', { value: 'node', configurable: true });
      return gpu;
    })();
  }
  return nodeGpu;
}

/** What to tell a user whose machine gave Dawn no adapter. */
function noAdapterReason(): string {
  const icd = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.VK_ICD_FILENAMES;
  return (
    'no WebGPU adapter: Dawn found no usable GPU driver (Linux: a Vulkan driver and libvulkan1; ' +
    (icd === undefined
      ? `without a GPU, SwiftShader works: VK_ICD_FILENAMES=${SWIFTSHADER_ICD} with XDG_RUNTIME_DIR set)`
      : `VK_ICD_FILENAMES=${icd} gave none; is libvulkan1 installed and XDG_RUNTIME_DIR set?)`)
  );
}

let probed: Promise<WebGpuProbe> | null = null;

/**
 * Finds a WebGPU adapter the way jax-js will request it (high-performance), loading Dawn in Node.
 * Never throws: an unavailable WebGPU comes back with the reason.
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  if (probed === null) {
    probed = (async (): Promise<WebGpuProbe> => {
      let gpu = (globalThis as { navigator?: { gpu?: MinimalGpu } }).navigator?.gpu;
      if (gpu === undefined) {
        if (!isNode()) return { available: false, reason: 'this browser has no WebGPU (navigator.gpu)' };
        const loaded = await loadNodeGpu();
        if (typeof loaded === 'string') return { available: false, reason: loaded };
        gpu = loaded;
      }
      let adapter: MinimalAdapter | null;
      try {
        adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      } catch (error) {
        return { available: false, reason: `requesting a WebGPU adapter failed: ${String(error)}` };
      }
      if (adapter === null) return { available: false, reason: noAdapterReason() };
      const info = adapter.info ?? {};
      const name = info.description || info.device || 'unnamed adapter';
      const software =
        info.isFallbackAdapter === true ||
        adapter.isFallbackAdapter === true ||
        /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${name} ${info.architecture ?? ''}`);
      return {
        available: true,
        adapter: {
          name,
          vendor: info.vendor || 'unknown',
          architecture: info.architecture || 'unknown',
          software,
        },
      };
    })();
  }
  return probed;
}

/** Where the Vulkan loader looks for drivers on Linux (besides VK_ICD_FILENAMES / VK_DRIVER_FILES). */
const VULKAN_ICD_DIRECTORIES = [
  '/usr/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
];

/**
 * For `auto`: on Linux, a reason not to start Dawn at all when no Vulkan driver is installed (Dawn
 * would only print native warnings and find no adapter); null when a driver may be there.
 */
export async function missingVulkanDriver(): Promise<string | null> {
  const p = (globalThis as { process?: { platform?: string; env?: Record<string, string | undefined> } })
    .process;
  if (p?.platform !== 'linux') return null;
  if (p.env?.VK_ICD_FILENAMES !== undefined || p.env?.VK_DRIVER_FILES !== undefined) return null;
  const { readdirSync } = await import('node:fs');
  for (const dir of VULKAN_ICD_DIRECTORIES) {
    try {
      if (readdirSync(dir).some((f) => f.endsWith('.json'))) return null;
    } catch {
      // not there
    }
  }
  return `no Vulkan driver is installed (no driver file in ${VULKAN_ICD_DIRECTORIES.join(', ')}; VK_ICD_FILENAMES unset), so there is no WebGPU adapter`;
}

/** "SwiftShader driver 5.0.0 (google, swiftshader, software)". */
export function describeAdapter(adapter: AdapterInfo): string {
  return `${adapter.name} (vendor ${adapter.vendor}, ${adapter.architecture}${adapter.software ? ', software' : ''})`;
}
