/**
 * Local model files in the origin-private file system (OPFS): a picked or dropped GGUF is
 * copied into `models/` once, survives reloads, and is opened from there as a `File` for the
 * engine (no network, no copy in IndexedDB). Works in a page and in a worker.
 *
 * A file is checked (GGUF magic, version and a whole header) before anything is written, so a
 * wrong file is refused at the moment it is picked, with the reason.
 */
import { GgufError, inspectGguf } from './gguf';

export interface StoredModel {
  name: string;
  bytes: number;
  lastModified: number;
}

const DIR = 'models';

/** The `models/` directory under an OPFS root (`navigator.storage.getDirectory()` by default). */
export async function modelsDirectory(root?: FileSystemDirectoryHandle): Promise<FileSystemDirectoryHandle> {
  if (!root && !(typeof navigator !== 'undefined' && navigator.storage?.getDirectory)) {
    throw new Error('This browser has no origin-private file system (navigator.storage.getDirectory), so local models cannot be stored.');
  }
  const base = root ?? (await navigator.storage.getDirectory());
  return base.getDirectoryHandle(DIR, { create: true });
}

/** A name that is safe as one OPFS entry. Throws with the reason otherwise. */
export function checkModelName(name: string): string {
  const n = name.trim();
  if (!n) throw new Error('A model file needs a name.');
  if (n.length > 200) throw new Error(`The model name is ${n.length} characters long; 200 at most.`);
  if (/[/\\]/.test(n) || n === '.' || n === '..') throw new Error(`The model name ${JSON.stringify(n)} may not contain / or \\ or be . or ..`);
  return n;
}

/**
 * Copies `file` into OPFS as `name` (the file's own name by default), reporting bytes written.
 * Refuses a file that is not a usable GGUF (GgufError) before writing. The write is committed
 * only when whole: an abort or a failure leaves no partial file.
 */
export async function storeModel(
  file: Blob,
  opts: { name?: string; root?: FileSystemDirectoryHandle; onProgress?: (written: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<StoredModel> {
  const name = checkModelName(opts.name ?? (file instanceof File ? file.name : ''));
  await inspectGguf(file, name);
  const dir = await modelsDirectory(opts.root);
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  let written = 0;
  const reader = file.stream().getReader();
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('The copy was aborted.', 'AbortError');
      const { done, value } = await reader.read();
      if (done) break;
      await writable.write(value);
      written += value.byteLength;
      opts.onProgress?.(written, file.size);
    }
    await writable.close();
  } catch (err) {
    await writable.abort().catch(() => {});
    await reader.cancel().catch(() => {});
    // createWritable made an empty entry if there was none: do not leave it behind.
    if (written === 0 || opts.signal?.aborted) await dir.removeEntry(name).catch(() => {});
    throw err;
  }
  const stored = await handle.getFile();
  return { name, bytes: stored.size, lastModified: stored.lastModified };
}

/** The stored models, by name. */
export async function listModels(root?: FileSystemDirectoryHandle): Promise<StoredModel[]> {
  const dir = await modelsDirectory(root);
  const out: StoredModel[] = [];
  for await (const entry of dir.values()) {
    if (entry.kind !== 'file') continue;
    const f = await (entry as FileSystemFileHandle).getFile();
    out.push({ name: entry.name, bytes: f.size, lastModified: f.lastModified });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A stored model as a `File` (read lazily by the engine). Throws with the name if it is not there. */
export async function openModel(name: string, root?: FileSystemDirectoryHandle): Promise<File> {
  const dir = await modelsDirectory(root);
  try {
    return await (await dir.getFileHandle(checkModelName(name))).getFile();
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotFoundError') throw new Error(`No local model named ${JSON.stringify(name)} is stored in this browser; pick the file again.`);
    throw err;
  }
}

export async function deleteModel(name: string, root?: FileSystemDirectoryHandle): Promise<void> {
  const dir = await modelsDirectory(root);
  await dir.removeEntry(checkModelName(name)).catch((err: unknown) => {
    if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
  });
}

export { GgufError };
