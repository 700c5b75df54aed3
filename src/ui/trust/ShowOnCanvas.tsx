import { useStudio } from '../../store';
import { jumpTargetFor } from '../policy/jump';
import type { DecisionRow } from './decisions';

/** Selects on the Policy view what decided a row: its rule, the agent's capability, or the mode header. */
export function ShowOnCanvas({ row }: { row: DecisionRow }) {
  const showPolicyTarget = useStudio((s) => s.showPolicyTarget);
  return (
    <button
      type="button"
      data-testid={`decision-jump-${row.seq}`}
      title={`Show ${row.canvasRule || 'the policy mode'} on the canvas`}
      onClick={(e) => {
        e.stopPropagation(); // the row's own click moves the cursor; this one only jumps
        showPolicyTarget(jumpTargetFor(row.canvasRule, row.agent, row.tool));
      }}
    >
      Show on canvas
    </button>
  );
}
