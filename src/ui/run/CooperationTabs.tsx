/**
 * The Messages and Termination tabs of the run panel: the store's run (events, cursor, state at
 * the cursor) handed to the views, and the person's messages sent through the run controller.
 */
import { useCallback, useMemo } from 'react';
import { useStudio } from '../../store';
import { MessagesView } from '../messages/MessagesView';
import { TerminationPanel } from '../term/TerminationPanel';
import { input } from './runController';

export function MessagesTab() {
  const events = useStudio((s) => s.events);
  const cursor = useStudio((s) => s.cursor);
  const spec = useStudio((s) => s.spec);
  const setCursor = useStudio((s) => s.setCursor);
  const status = useStudio((s) => s.status);
  const runId = useStudio((s) => s.runId);
  // One array per document, so the view does not rebuild its model on every render.
  const agents = useMemo(() => spec?.agents.map((a) => a.id) ?? [], [spec]);
  const onSend = useCallback((msg: { to: string; text: string }) => input({ kind: 'message', to: msg.to, text: msg.text }), []);
  // An interrupted run takes a message too: sending resumes it in place (runController.input).
  const canSend = runId !== null && status !== 'stopped';
  return <MessagesView events={events} cursor={cursor} agents={agents} onSelectEvent={setCursor} onSend={onSend} canSend={canSend} />;
}

export function TerminationTab() {
  const events = useStudio((s) => s.events);
  const cursor = useStudio((s) => s.cursor);
  const state = useStudio((s) => s.cursorState);
  const spec = useStudio((s) => s.spec);
  const setCursor = useStudio((s) => s.setCursor);
  return <TerminationPanel events={events} cursor={cursor} state={state} spec={spec} onSelectEvent={setCursor} />;
}
