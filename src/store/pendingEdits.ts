/**
 * The state edits a person has made at the cursor and not yet applied (ephemeral UI state, its own store). Every
 * view that edits in place (Memory, Messages, Artifacts, Edit state) adds here, and one bar
 * applies them: the kernel checks and records each one (loop/editState.ts), the page never does.
 * Edits are made against the state at one event of one run: they belong to that (run, cursor).
 */
import { create } from 'zustand';
import type { StateEdit } from '../kernel';

export interface PendingEdits {
  /** The run and event the edits were made at. */
  runId: string | null;
  at: number;
  edits: StateEdit[];
  /** Adds an edit made at (runId, at); edits made elsewhere are dropped first. A newer edit of the same target replaces the older one. */
  add(runId: string, at: number, edit: StateEdit): void;
  drop(index: number): void;
  clear(): void;
}

/** Where an edit lands: one pending edit per target (an added segment is always new). */
let added = 0;
export const targetOf = (e: StateEdit): string => (e.kind === 'segment.add' ? `add ${++added}` : JSON.stringify({ ...e, text: undefined }));

export const usePendingEdits = create<PendingEdits>()((set) => ({
  runId: null,
  at: -1,
  edits: [],
  add: (runId, at, edit) =>
    set((s) => {
      const kept = s.runId === runId && s.at === at ? s.edits : [];
      return { runId, at, edits: [...kept.filter((x) => targetOf(x) !== targetOf(edit)), edit] };
    }),
  drop: (index) => set((s) => ({ edits: s.edits.filter((_, i) => i !== index) })),
  clear: () => set({ runId: null, at: -1, edits: [] }),
}));

/** The pending edits made at the selected run's cursor (none when the cursor or the run moved since). */
export function editsAt(s: Pick<PendingEdits, 'runId' | 'at' | 'edits'>, runId: string | null, cursor: number): StateEdit[] {
  return runId !== null && s.runId === runId && s.at === cursor ? s.edits : [];
}

