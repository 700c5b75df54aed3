import type { CoreBlockView, StateEdit } from '../../kernel';
import { EditStateText } from './EditStateText';

/**
 * The edits of an agent's window at the cursor shared by the views that show it (Memory,
 * Context, Edit state): each makes a pending edit the kernel resolves against the state at the
 * cursor (kernel/loop/editState.ts), applied by the pending-edits bar (EditStateApply).
 */

/**
 * An agent's core-memory blocks at the cursor, as the kernel lists them (`blocks`: coreBlocksOf,
 * the blocks it wrote and those the document declares inside its system prompt), each with Edit:
 * a `core.edit` by label. `testId` prefixes the rows' test ids (`<testId>-core-block`, `<testId>-core-text`).
 */
export function CoreBlockEdits({ blocks, agent, cursor, add, testId }: { blocks: readonly CoreBlockView[]; agent: string; cursor: number; add(e: StateEdit): void; testId: string }) {
  return (
    <>
      {blocks.map((b) => (
        <div key={`${agent}:${b.label}@${cursor}`} className="es-item" data-testid={`${testId}-core-block`} data-label={b.label}>
          <div className="es-meta">core block {b.label} · {b.declared ? `declared, in ${b.segment}` : b.segment}</div>
          <EditStateText text={b.text} label={`${agent}'s core block ${b.label}`} testId={`${testId}-core-text`} onSave={(t) => add({ kind: 'core.edit', agent, label: b.label, text: t })} />
        </div>
      ))}
    </>
  );
}

/** A window segment's text with Edit and Remove: a pending `segment.edit` or `segment.remove` of it. */
export function SegmentEdit({ agent, segment, add, testId }: { agent: string; segment: { id: string; text: string }; add(e: StateEdit): void; testId: string }) {
  return (
    <EditStateText
      text={segment.text}
      label={`segment ${segment.id}`}
      testId={testId}
      onSave={(t) => add({ kind: 'segment.edit', agent, segment: segment.id, text: t })}
      onRemove={() => add({ kind: 'segment.remove', agent, segment: segment.id })}
    />
  );
}
