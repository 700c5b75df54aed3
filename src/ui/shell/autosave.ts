/**
 * Autosave: every document or name change is stored within a second (debounced 400 ms), one
 * save in flight at a time. A save names the revision it was based on; when another tab has
 * stored a newer one, saving stops with a conflict for the user to resolve — it never
 * overwrites silently.
 */
import { useEffect } from 'react';
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';
import { announceSaved } from './syncTabs';

const DEBOUNCE_MS = 400;

let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<void> | null = null;

async function saveOnce(): Promise<void> {
  const s = useStudio.getState();
  if (!s.projectId || (s.saveStatus !== 'unsaved' && s.saveStatus !== 'error')) return;
  const { projectId, doc, rev, projectName, changeSeq } = s;
  s.saveStarted();
  try {
    const result = await studio().saveProject(projectId, doc, rev, projectName);
    const now = useStudio.getState();
    if (now.projectId !== projectId) return; // another project was opened meanwhile
    if (result.ok) {
      now.saveSucceeded(result.rev, changeSeq);
      announceSaved(projectId, result.rev, doc, projectName);
    }
    else if (result.kind === 'conflict') now.saveConflicted(result.currentRev, result.message);
    else now.saveFailed(result.message);
  } catch (err) {
    if (useStudio.getState().projectId === projectId) useStudio.getState().saveFailed(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Saves now (after any save in flight), and again while edits keep arriving during a save
 * (a few rounds at most; the debounce takes over after that). A failed save is retried once.
 */
export async function flushSave(): Promise<void> {
  clearTimeout(timer);
  for (let round = 0; round < 3; round++) {
    while (inFlight) await inFlight;
    const status = useStudio.getState().saveStatus;
    if (status !== 'unsaved' && !(status === 'error' && round === 0)) return;
    inFlight = saveOnce().finally(() => {
      inFlight = null;
    });
    await inFlight;
  }
  if (useStudio.getState().saveStatus === 'unsaved') scheduleSave();
}

export function scheduleSave(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void flushSave(), DEBOUNCE_MS);
}

/** Wires the autosave to the store and to page hide/unload. Mount once, in the app shell. */
export function useAutosave(): void {
  useEffect(() => {
    const unsubscribe = useStudio.subscribe((state, prev) => {
      if (state.changeSeq !== prev.changeSeq && state.projectId === prev.projectId) scheduleSave();
    });
    const flushOnHide = (): void => {
      if (document.visibilityState === 'hidden' && useStudio.getState().saveStatus === 'unsaved') void flushSave();
    };
    const warnOnUnload = (e: BeforeUnloadEvent): void => {
      const status = useStudio.getState().saveStatus;
      if (status === 'unsaved' || status === 'saving' || status === 'error') e.preventDefault();
    };
    document.addEventListener('visibilitychange', flushOnHide);
    window.addEventListener('beforeunload', warnOnUnload);
    return () => {
      clearTimeout(timer);
      unsubscribe();
      document.removeEventListener('visibilitychange', flushOnHide);
      window.removeEventListener('beforeunload', warnOnUnload);
    };
  }, []);
}
