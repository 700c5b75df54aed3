import type { StateCreator } from 'zustand';
import type { StudioState } from './index';

/** Owned by the run views: runs, events, cursor, breakpoints. (Being written.) */
export interface RunSlice {
  runId: string | null;
}

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = () => ({
  runId: null,
});
