/**
 * Reading dropped or chosen results: zip archives (unpacked with fflate), single files and whole folders
 * (drag and drop of a directory, or a folder picker). Everything becomes a list of (path, bytes); then
 * `classify` finds the run folders (a folder with config.json), compare.json files and other JSON
 * results (a sweep's merged result) among them.
 */
import { unzipSync } from 'fflate';
import { ATTACHMENTS, type LoadedRun, parseRunFolder } from '../../lab/runs/read.js';
import { RUN_FILES } from '../../lab/runs/run-folder.js';

export interface DroppedFile {
  path: string;
  bytes: Uint8Array;
}

export interface OpenedResults {
  runs: LoadedRun[];
  comparisons: { path: string; value: Record<string, unknown> }[];
  /** JSON files that are neither run files nor compare.json (e.g. a sweep's merged result). */
  other: { path: string; value: unknown }[];
  problems: string[];
}

const decoder = new TextDecoder();

/** The lab writes NaN and infinities as strings (jsonSafe); read them back as numbers. */
const revive = (_key: string, v: unknown) =>
  v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;

/** Unpacks zip archives among the files (by name or by the PK signature); keeps the rest. */
export function expandArchives(files: readonly DroppedFile[]): DroppedFile[] {
  const out: DroppedFile[] = [];
  for (const file of files) {
    const zip =
      file.path.toLowerCase().endsWith('.zip') || (file.bytes[0] === 0x50 && file.bytes[1] === 0x4b);
    if (!zip) {
      out.push(file);
      continue;
    }
    const entries = unzipSync(file.bytes);
    for (const [path, bytes] of Object.entries(entries)) {
      if (!path.endsWith('/')) out.push({ path: `${file.path}/${path}`, bytes });
    }
  }
  return out;
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const RUN_FOLDER_FILES = new Set<string>([
  RUN_FILES.config,
  RUN_FILES.summary,
  RUN_FILES.metrics,
  ...ATTACHMENTS.map((a) => RUN_FILES[a]),
]);

export function classify(input: readonly DroppedFile[]): OpenedResults {
  const files = expandArchives(input);
  const result: OpenedResults = { runs: [], comparisons: [], other: [], problems: [] };
  const byPath = new Map(files.map((f) => [f.path, f]));
  // Files chosen without their folders (several runs' config.json...) cannot be told apart.
  const counts = new Map<string, number>();
  for (const f of files) counts.set(f.path, (counts.get(f.path) ?? 0) + 1);
  for (const [path, count] of counts) {
    if (count > 1)
      result.problems.push(
        `${count} files are named '${path}' (files without their folders); only the last one is read: choose the folder ("A folder of run folders"), drop the folder itself, or a zip of it`,
      );
  }
  const text = (path: string) => {
    const f = byPath.get(path);
    return f === undefined ? undefined : decoder.decode(f.bytes);
  };
  const runDirs = new Set(
    files.filter((f) => basename(f.path) === RUN_FILES.config).map((f) => dirname(f.path)),
  );
  for (const dir of [...runDirs].sort()) {
    const at = (name: string) => text(dir === '' ? name : `${dir}/${name}`);
    try {
      result.runs.push(
        parseRunFolder(dir || 'run', {
          config: at(RUN_FILES.config)!,
          summary: at(RUN_FILES.summary),
          metrics: at(RUN_FILES.metrics),
          attachments: Object.fromEntries(ATTACHMENTS.map((a) => [a, at(RUN_FILES[a])])),
        }),
      );
    } catch (error) {
      result.problems.push((error as Error).message);
    }
  }
  for (const f of files) {
    const name = basename(f.path);
    if (runDirs.has(dirname(f.path)) && RUN_FOLDER_FILES.has(name)) continue;
    if (!name.endsWith('.json')) continue;
    try {
      const value = JSON.parse(decoder.decode(f.bytes), revive) as unknown;
      const record = value as Record<string, unknown>;
      if (record !== null && typeof record === 'object' && Array.isArray(record.groups)) {
        result.comparisons.push({ path: f.path, value: record });
      } else result.other.push({ path: f.path, value });
    } catch (error) {
      result.problems.push(`${f.path}: not valid JSON (${(error as Error).message})`);
    }
  }
  if (
    result.runs.length + result.comparisons.length + result.other.length === 0 &&
    result.problems.length === 0
  ) {
    result.problems.push(
      `none of ${files.length} file${files.length === 1 ? '' : 's'} is a compare.json, a run folder (config.json, summary.json, metrics.jsonl) or a JSON result`,
    );
  }
  return result;
}

/** Files of a drop: plain files, and folders walked recursively (Chromium's webkitGetAsEntry). */
export async function filesFromDrop(transfer: DataTransfer): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  const readFile = async (file: File, path: string) =>
    out.push({ path, bytes: new Uint8Array(await file.arrayBuffer()) });
  type Entry = {
    isFile: boolean;
    isDirectory: boolean;
    name: string;
    fullPath: string;
    file?(ok: (f: File) => void, fail: (e: Error) => void): void;
    createReader?(): { readEntries(ok: (e: Entry[]) => void, fail: (e: Error) => void): void };
  };
  const walk = async (entry: Entry): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
      await readFile(file, entry.fullPath.replace(/^\//, ''));
    } else if (entry.isDirectory) {
      const reader = entry.createReader!();
      for (;;) {
        const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  const items = Array.from(transfer.items).filter((item) => item.kind === 'file');
  const entries = items.map(
    (item) => (item as DataTransferItem & { webkitGetAsEntry?(): Entry | null }).webkitGetAsEntry?.() ?? null,
  );
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    for (const entry of entries) await walk(entry as Entry);
  } else {
    for (const file of Array.from(transfer.files)) await readFile(file, file.name);
  }
  return out;
}

/** Files from an <input type=file> (with webkitRelativePath when a folder was picked). */
export async function filesFromInput(list: FileList): Promise<DroppedFile[]> {
  return Promise.all(
    Array.from(list).map(async (file) => ({
      path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    })),
  );
}
