import { useStudio } from '../../store';
import { useAddEdit } from './EditStateApply';
import { EditStateText } from './EditStateText';

/**
 * The messages not yet received at the cursor (in flight, or waiting in an inbox), each with an
 * Edit: the new text becomes a pending `message.edit` (applied by the pending-edits bar).
 */
export function EditStateMessages() {
  const state = useStudio((s) => s.cursorState);
  const addEdit = useAddEdit();
  if (!state || !addEdit) return null;
  const messages = [
    ...state.inflight.map((m) => ({ m, where: 'in flight' })),
    ...state.order.flatMap((a) => (state.procs[a]?.inbox ?? []).map((m) => ({ m, where: `in ${a}'s inbox` }))),
  ];
  return (
    <details className="mg-edit" data-testid="mg-inflight" open={messages.length > 0}>
      <summary className="rp-head">Not yet received · {messages.length}</summary>
      {messages.length === 0 && <div className="rp-empty">No message is in flight or waiting in an inbox at this event.</div>}
      {messages.map(({ m, where }) => (
        <div key={`${m.msgId}@${state.seq}`} className="es-item" data-testid="mg-inflight-message" data-msg={m.msgId}>
          <div className="es-meta">{m.msgId} · {m.from} → {m.to} · {where}</div>
          <EditStateText text={m.text} label={`message ${m.msgId}`} testId="mg-message-text" onSave={(t) => addEdit({ kind: 'message.edit', msgId: m.msgId, text: t })} />
        </div>
      ))}
    </details>
  );
}
