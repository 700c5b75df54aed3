/**
 * One zustand store made of typed slices. Each field is a mirror of the kernel (read-only,
 * from events), persisted session state, or ephemeral UI state — each slice says which.
 */
import { create } from 'zustand';
import { createDocumentSlice, type DocumentSlice } from './documentSlice';
import { createCanvasViewSlice, type CanvasViewSlice } from './canvasViewSlice';
import { createRunSlice, type RunSlice } from './runSlice';

export type StudioState = DocumentSlice & RunSlice & CanvasViewSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createDocumentSlice(...a),
  ...createRunSlice(...a),
  ...createCanvasViewSlice(...a),
}));

export { useSuiteScoring, type SuitePhase, type SuiteScoringState } from './suiteScoring';
export { editsAt, usePendingEdits, type PendingEdits } from './pendingEdits';
