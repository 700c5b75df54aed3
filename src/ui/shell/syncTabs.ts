/**
 * Two tabs on the same project stay in sync: a tab that stores a revision says so on a
 * BroadcastChannel, and every other tab with that project open and no unsaved edits loads it
 * (within a second: the save itself is debounced 400 ms). A tab with unsaved edits keeps them;
 * its next save then meets the newer revision as a conflict — the banner is for true
 * concurrent edits only. A tab coming back to the foreground checks too, in case it missed one.
 */
import { useEffect } from 'react';
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';

const CHANNEL = 'harness-studio/projects';

/** What a tab says after storing a revision. */
export interface SavedMessage {
  kind: 'saved';
  projectId: string;
  rev: number;
  /** The document and name as saved (unsigned: the worker signs what it stores), so no tab has to read it back. */
  doc: unknown;
  name: string;
}

let channel: BroadcastChannel | null = null;
const open = (): BroadcastChannel | null => {
  if (!channel && typeof BroadcastChannel === 'function') channel = new BroadcastChannel(CHANNEL);
  return channel;
};

/** Tells the other tabs that `projectId` is stored at `rev` now, as `doc` named `name`. */
export function announceSaved(projectId: string, rev: number, doc: unknown, name: string): void {
  const message: SavedMessage = { kind: 'saved', projectId, rev, doc, name };
  try {
    open()?.postMessage(message);
  } catch {
    open()?.postMessage({ ...message, doc: undefined }); // not cloneable: the others read it from storage
  }
}

/** Whether a tab in state `s` should load revision `rev` of `projectId` (pure: unit-tested). */
export function shouldFollow(s: { projectId: string | null; rev: number; saveStatus: string }, projectId: string, rev: number): boolean {
  return s.projectId === projectId && rev > s.rev && s.saveStatus === 'saved';
}

async function follow(projectId: string, rev: number, sent?: { doc: unknown; name: string }): Promise<void> {
  if (!shouldFollow(useStudio.getState(), projectId, rev)) return;
  if (sent && sent.doc !== undefined) {
    useStudio.getState().applyRemote({ id: projectId, name: sent.name, rev, doc: sent.doc });
    return;
  }
  const record = await studio().getProject(projectId);
  // The user may have typed while it loaded: applyRemote checks again and leaves their edits alone.
  if (record) useStudio.getState().applyRemote({ id: record.id, name: record.name, rev: record.rev, doc: record.doc });
}

/** Mount once, in the app shell. */
export function useSyncTabs(): void {
  useEffect(() => {
    const ch = open();
    const onMessage = (e: MessageEvent<SavedMessage>): void => {
      if (e.data?.kind === 'saved') void follow(e.data.projectId, e.data.rev, e.data).catch(() => undefined);
    };
    const onVisible = (): void => {
      const { projectId } = useStudio.getState();
      if (document.visibilityState !== 'visible' || !projectId) return;
      void studio()
        .getProject(projectId)
        .then((record) => record && follow(record.id, record.rev))
        .catch(() => undefined);
    };
    ch?.addEventListener('message', onMessage);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      ch?.removeEventListener('message', onMessage);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
}
