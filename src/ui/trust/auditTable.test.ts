import { describe, expect, it } from 'vitest';
import { auditAtHead, auditAuthorityText, auditRowsAt, undoState } from './auditTable';
import { TrustTrace } from './fixtures.test-data';

/** writer writes a report twice; a human rolls the second write back; a tainted call is denied. */
function trace(): TrustTrace {
  return new TrustTrace()
    .push({ type: 'artifact.written', agent: 'writer', name: 'report', text: 'v1' })
    .push({ type: 'artifact.written', agent: 'writer', name: 'report', text: 'v2' })
    .called('writer', 'c1', 'http.post', { body: 'v2' }, ['tool:web.fetch#c0'])
    .denied('writer', 'c1', 'http.post', 'taint', 'tainted value reaches http.post', { module: 'taint', scope: 'kernel', mode: 'ask', taint: ['tool:web.fetch#c0'] })
    .push({ type: 'audit.rolledback', target: 1, undo: { kind: 'restore-artifact', name: 'report', text: 'v1', agent: 'writer', seq: 0 }, detail: 'restore report' });
}

describe('the audit table at the scrubber', () => {
  it('shows the operations as they stood at the cursor, forwards and back', () => {
    const events = trace().events;
    expect(auditRowsAt(events, 0).map((r) => r.seq)).toEqual([0]);
    expect(auditRowsAt(events, 4).map((r) => [r.seq, r.rolledBack])).toEqual([[0, null], [1, 4], [3, null]]);
    // Back before the rollback: the write is not rolled back there.
    expect(auditRowsAt(events, 3).find((r) => r.seq === 1)?.rolledBack).toBeNull();
  });

  it('offers a rollback only for rows the head has not rolled back, and says when one was', () => {
    const events = trace().events;
    const head = auditAtHead(events, events.length - 1);
    const [first, second, call] = auditRowsAt(events, 3);
    expect(undoState(first!, 3, head.row(first!.seq))).toEqual({ kind: 'can-roll-back', seq: 0 });
    expect(undoState(second!, 3, head.row(second!.seq))).toEqual({ kind: 'rolled-back-later', at: 4 });
    expect(undoState(call!, 3, head.row(call!.seq))).toEqual({ kind: 'none' });
    const atEnd = auditRowsAt(events, 4)[1]!;
    expect(undoState(atEnd, 4, head.row(atEnd.seq))).toEqual({ kind: 'rolled-back', at: 4 });
  });

  it('marks the taint that crossed an operation and names its authority', () => {
    const events = trace().events;
    const call = auditRowsAt(events, 4).find((r) => r.callId === 'c1')!;
    expect(call.taint).toEqual(['tool:web.fetch#c0']);
    expect(auditAuthorityText(call.authority)).toBe('by taint (kernel, taint) · mode ask');
    expect(auditAuthorityText({ rule: 'session-1', scope: 'session', by: 'human' })).toBe('by a human, session-1 (session)');
    expect(auditAuthorityText({ rule: 'mode:auto', scope: 'mode', module: 'mode', grant: 'h1', mode: 'auto' })).toBe('by mode:auto (mode) · grant h1');
  });

  it('never reads the head log backwards', () => {
    const events = trace().events;
    const log = auditAtHead(events, 4);
    expect(auditAtHead(events, 1)).toBe(log);
    expect(log.rows().length).toBe(3);
  });
});
