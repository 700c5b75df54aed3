import { create } from 'zustand';
import type { SuiteCpu, SuiteReport } from '../bridge/api';

/**
 * The Permissions view's injection-suite scoring: where it is and the last report. Ephemeral
 * UI state (nothing here is saved), kept in the store so the report survives switching tabs or
 * projects; the scoring itself runs in the worker (src/ui/trust/suiteActions.ts starts it).
 * A store of its own beside useStudio: it shares nothing with the document or the run, and
 * its updates (one per percent of progress) should not wake the studio's selectors.
 */
export type SuitePhase = 'idle' | 'loading' | 'scoring' | 'done' | 'failed';

export interface SuiteScoringState {
  phase: SuitePhase;
  /** Runs done, and the total (0 until the worker's first report). */
  done: number;
  total: number;
  /** Cancel was pressed; the run in progress finishes first. */
  cancelling: boolean;
  /** The last report (kept while a new scoring runs, until it ends). */
  report: SuiteReport | null;
  /** Why the last scoring failed (loading the suite, the worker, or the chosen endpoint), as text. */
  error: string | null;
  /** Where the next Score runs the models: null for the sim CPU, else an endpoint (or local file) and model name. */
  cpu: SuiteCpu | null;
}

export interface SuiteSlice {
  suite: SuiteScoringState;
  setSuite(patch: Partial<SuiteScoringState>): void;
}

export const useSuiteScoring = create<SuiteSlice>()((set) => ({
  suite: { phase: 'idle', done: 0, total: 0, cancelling: false, report: null, error: null, cpu: null },
  setSuite: (patch) => set((s) => ({ suite: { ...s.suite, ...patch } })),
}));
