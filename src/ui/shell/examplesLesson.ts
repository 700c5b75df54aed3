/**
 * Which shipped example a project was opened from, so its lesson can be shown beside it. Kept in
 * this browser's settings (`lesson.example.<projectId>`) and mirrored here for the panel; a
 * project made before this was kept is matched by its name against the index.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { studio } from '../../bridge/client';
import type { ExampleEntry } from '../../kernel';

const key = (projectId: string): string => `lesson.example.${projectId}`;
const files = new Map<string, string | null>();
const listeners = new Set<() => void>();
const emit = (): void => listeners.forEach((l) => l());

/** Records that `projectId` was created from example `file` (and tells the panel). */
export function rememberExample(projectId: string, file: string): void {
  files.set(projectId, file);
  emit();
  void studio().setSetting(key(projectId), file).catch(() => undefined);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The example file the project came from: known, null (none), or undefined while it is read. */
export function useExampleFile(projectId: string | null): string | null | undefined {
  const file = useSyncExternalStore(subscribe, () => (projectId === null ? null : files.get(projectId)));
  useEffect(() => {
    if (projectId === null || files.has(projectId)) return;
    studio().getSetting(key(projectId)).then(
      (v) => {
        if (!files.has(projectId)) files.set(projectId, typeof v === 'string' ? v : null);
        emit();
      },
      () => undefined,
    );
  }, [projectId]);
  return file;
}

/** The entry of the project's example: by the file recorded, else by the project's name. */
export function lessonEntry(entries: readonly ExampleEntry[], file: string | null | undefined, projectName: string | null): ExampleEntry | null {
  if (file) return entries.find((e) => e.file === file) ?? null;
  if (file === null && projectName !== null) return entries.find((e) => e.name === projectName) ?? null;
  return null;
}
