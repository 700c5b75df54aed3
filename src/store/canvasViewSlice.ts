import type { StateCreator } from 'zustand';
import type { StudioState } from './index';

/**
 * The canvas's view state: which view the canvas shows (graph or policy) and what in the
 * Policy view is focused (written by src/ui/policy and by jumps from other views). All
 * ephemeral UI state: nothing here is saved, and no policy lives here (that is the document's).
 *
 * Other views (the Permissions view's decision rows) jump here with `showRule`,
 * `showCapability` or `showMode`, or with `showPolicyTarget(jumpTargetFor(rule, agent, tool))`.
 */

export type CanvasView = 'graph' | 'policy';

/** What a decision points at on the Policy view: a document rule, an agent's capability, or the policy's mode/taint/signing header. */
export type PolicyTarget = { kind: 'rule'; id: string } | { kind: 'capability'; agent: string; target: string } | { kind: 'mode' };

/** A focused target, and the project it was made for (a focus never carries over to another project). */
export interface PolicyFocus {
  target: PolicyTarget;
  projectId: string | null;
  /** True when the view should centre on it (a jump from elsewhere), false for a click in the view. */
  centre: boolean;
}

export interface CanvasViewSlice {
  canvasView: CanvasView;
  setCanvasView(view: CanvasView): void;

  policyFocus: PolicyFocus | null;
  /** Bumped by every jump, so jumping twice to the same target centres it again. */
  policyFocusSeq: number;
  /** Switches the canvas to the Policy view and centres and highlights a rule node. */
  showRule(ruleId: string): void;
  /** Switches to the Policy view and highlights the capability edge agent → target (and the agent). */
  showCapability(agent: string, target: string): void;
  /** Switches to the Policy view and highlights its header (mode, taint, signing). */
  showMode(): void;
  /** Any of the three, e.g. for `jumpTargetFor(decision.rule, agent, tool)`. */
  showPolicyTarget(target: PolicyTarget): void;
  /** Focuses a target from inside the view, without moving the viewport; null clears it. */
  focusPolicy(target: PolicyTarget | null): void;
}

export const createCanvasViewSlice: StateCreator<StudioState, [], [], CanvasViewSlice> = (set, get) => {
  const jump = (target: PolicyTarget): void =>
    set({ canvasView: 'policy', policyFocus: { target, projectId: get().projectId, centre: true }, policyFocusSeq: get().policyFocusSeq + 1 });
  return {
    canvasView: 'graph',
    setCanvasView: (view) => {
      if (get().canvasView !== view) set({ canvasView: view });
    },

    policyFocus: null,
    policyFocusSeq: 0,
    showRule: (ruleId) => jump({ kind: 'rule', id: ruleId }),
    showCapability: (agent, target) => jump({ kind: 'capability', agent, target }),
    showMode: () => jump({ kind: 'mode' }),
    showPolicyTarget: jump,
    focusPolicy: (target) => set({ policyFocus: target ? { target, projectId: get().projectId, centre: false } : null }),
  };
};
