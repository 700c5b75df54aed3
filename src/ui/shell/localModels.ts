/**
 * Local models as the page sees them: the GGUF files stored in this browser (the worker reads
 * their headers), the file being copied in, the last error, and the local CPU's load status.
 * Settings' picker and a .gguf dropped anywhere on the page both go through `addLocalModel`.
 */
import { useSyncExternalStore } from 'react';
import { callback, studio } from '../../bridge/client';
import type { LocalModelStatus, LocalModelSummary } from '../../bridge/api';

export interface LocalModelsState {
  models: LocalModelSummary[];
  /** The file being checked and copied, with bytes written so far. */
  adding: { name: string; written: number; total: number } | null;
  /** Why the last file could not be added (or the list read), as the worker said it. */
  error: string | null;
  /** The local CPU's latest news: a load phase, ready, failed or unloaded. */
  status: LocalModelStatus | null;
}

let state: LocalModelsState = { models: [], adding: null, error: null, status: null };
const listeners = new Set<() => void>();
const set = (patch: Partial<LocalModelsState>): void => {
  state = { ...state, ...patch };
  for (const l of listeners) l();
};
const subscribe = (l: () => void): (() => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useLocalModels(): LocalModelsState {
  return useSyncExternalStore(subscribe, () => state);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A file the local CPU takes (by name: a picked file has no reliable type for GGUF). */
export const isGgufFile = (file: File): boolean => /\.gguf$/i.test(file.name);

export async function refreshLocalModels(): Promise<LocalModelSummary[]> {
  const models = await studio().listLocalModels();
  set({ models });
  return models;
}

let watching = false;
/** Starts listening to the local CPU's status once per page (the model list follows loads and unloads). */
export function watchLocalModels(): void {
  if (watching) return;
  watching = true;
  void studio().onLocalModelStatus(
    callback((status: LocalModelStatus) => {
      set({ status });
      if (status.phase === 'ready' || status.phase === 'unloaded' || status.phase === 'failed') refreshLocalModels().catch(() => undefined);
    }),
  );
  refreshLocalModels().catch((err: unknown) => set({ error: message(err) }));
}

/** Checks `file` and stores it in this browser; an unusable file leaves `error` saying why and stores nothing. */
export async function addLocalModel(file: File): Promise<boolean> {
  if (state.adding) {
    set({ error: `${file.name} was not added: ${state.adding.name} is still being copied; add it when that is done.` });
    return false;
  }
  set({ adding: { name: file.name, written: 0, total: file.size }, error: null });
  try {
    await studio().storeLocalModel(file, file.name, callback((written: number, total: number) => set({ adding: { name: file.name, written, total } })));
    await refreshLocalModels();
    return true;
  } catch (err) {
    set({ error: message(err) });
    return false;
  } finally {
    set({ adding: null });
  }
}

export async function removeLocalModel(name: string): Promise<void> {
  try {
    await studio().deleteLocalModel(name);
  } catch (err) {
    set({ error: message(err) });
  }
  await refreshLocalModels().catch(() => undefined);
}

/** 199 kB, 4.1 MB, 3.8 GB. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
