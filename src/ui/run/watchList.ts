/**
 * The watch expressions of the open project: persisted per project in settings
 * (`watches:<projectId>`), loaded when the project opens, saved on every change. A tiny external
 * store of its own (read with useSyncExternalStore), like the breakpoints' home in the run slice.
 */
import { useSyncExternalStore } from 'react';
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';

const key = (projectId: string) => `watches:${projectId}`;

let list: readonly string[] = [];
/** The project whose list is loaded (a list is never saved over another project's). */
let loadedFor: string | null = null;
const listeners = new Set<() => void>();

function set(next: readonly string[], save = true): void {
  list = next;
  for (const l of listeners) l();
  if (save && loadedFor !== null) void studio().setSetting(key(loadedFor), list).catch((err: unknown) => useStudio.getState().setRunError(err instanceof Error ? err.message : String(err)));
}

/** Loads a project's watch expressions (anything malformed is dropped). */
export async function loadWatches(projectId: string | null): Promise<void> {
  loadedFor = null;
  set([], false);
  if (projectId === null) return;
  const saved = await studio().getSetting(key(projectId));
  if (useStudio.getState().projectId !== projectId) return;
  loadedFor = projectId;
  set(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [], false);
}

export function addWatch(expr: string): void {
  const e = expr.trim();
  if (e !== '' && !list.includes(e)) set([...list, e]);
}

export function removeWatch(expr: string): void {
  set(list.filter((x) => x !== expr));
}

export function useWatches(): readonly string[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => list,
  );
}
