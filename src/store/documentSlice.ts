import type { StateCreator } from 'zustand';
import type { StudioState } from './index';

/** Owned by the editor: the project, its document, undo/redo, selection. (Being written.) */
export interface DocumentSlice {
  projectId: string | null;
}

export const createDocumentSlice: StateCreator<StudioState, [], [], DocumentSlice> = () => ({
  projectId: null,
});
