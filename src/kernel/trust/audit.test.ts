import { describe, expect, it } from 'vitest';
import type { KernelEvent, KernelEventBody, Undo } from '../trace/events';
import type { DecisionRecord } from './types';
import { AuditLog, auditRows, undoFor } from './audit';

type Body = { [K in KernelEventBody['type']]: Extract<KernelEventBody, { type: K }> }[KernelEventBody['type']];

/** A hand-written trace: each body gets the next seq. Fields the audit does not read are cast in. */
function trace(...bodies: Array<Partial<Body> & { type: Body['type']; cause?: number }>): KernelEvent[] {
  return bodies.map((b, seq) => ({ seq, t: seq * 10, run: 'r1', ...b }) as unknown as KernelEvent);
}

function rollback(events: readonly KernelEvent[], target: number): KernelEvent[] {
  const r = undoFor(events, target);
  if (!r.ok) throw new Error(r.error);
  return [...events, { seq: events.length, t: events.length * 10, run: 'r1', type: 'audit.rolledback', target, undo: r.undo, detail: r.detail } as unknown as KernelEvent];
}

/** A decision record as the kernel writes it: every field present. */
const dec = (d: Partial<DecisionRecord> & Pick<DecisionRecord, 'effect'>): DecisionRecord =>
  ({ hook: 'tool.call', module: 'rules', rule: null, scope: null, mode: 'auto', reason: '', grant: null, taint: [], code: null, ask: null, answers: null, ...d });

const events = trace(
  /* 0 */ { type: 'run.started' },
  /* 1 */ { type: 'job.published', agent: 'alice' as never },
  /* 2 */ { type: 'tool.called', agent: 'alice' as never, callId: 'c1', tool: 'send_mail', args: { to: 'bob@example.com' }, taint: ['web'] },
  /* 3 */ { type: 'tool.asked', agent: 'alice' as never, callId: 'c1', tool: 'send_mail', decision: dec({ effect: 'ask', rule: 'ask-mail', scope: 'org', reason: 'mail asks', ask: 'approve', taint: ['web'] }) },
  /* 4 */ { type: 'tool.approved', agent: 'alice' as never, callId: 'c1', tool: 'send_mail', remember: true, match: 'send_mail(bob@example.com)', until: 50, decision: dec({ effect: 'allow', module: 'human', rule: 'session-1', scope: 'session', ask: 'approve', answers: 3 }) },
  /* 5 */ { type: 'tool.allowed', agent: 'alice' as never, callId: 'c1', tool: 'send_mail', until: 60, decision: dec({ effect: 'allow', rule: 'session-1', scope: 'session', grant: 'h1' }) },
  /* 6 */ { type: 'tool.returned', agent: 'alice' as never, callId: 'c1', tool: 'send_mail', ok: true, result: 'sent', tokens: 1, ms: 10 },
  /* 7 */ { type: 'tool.called', agent: 'alice' as never, callId: 'c2', tool: 'archival_insert', args: { store: 'notes', text: 'the fact' } },
  /* 8 */ { type: 'tool.allowed', agent: 'alice' as never, callId: 'c2', tool: 'archival_insert', until: 90, decision: dec({ effect: 'allow', rule: 'capability:alice->notes', scope: 'kernel', module: 'capability', grant: 'h2' }) },
  /* 9 */ { type: 'mem.cow', agent: 'alice' as never, store: 'notes', base: 3 },
  /* 10 */ { type: 'tool.returned', agent: 'alice' as never, callId: 'c2', tool: 'archival_insert', ok: true, result: 'stored as notes#3', tokens: 3, ms: 20, stored: { store: 'notes', id: 'notes#3', text: 'the fact', tier: 'session' } },
  /* 11 */ { type: 'tool.called', agent: 'alice' as never, callId: 'c3', tool: 'core_memory_replace', args: { label: 'persona', text: 'v1' } },
  /* 12 */ { type: 'tool.allowed', agent: 'alice' as never, callId: 'c3', tool: 'core_memory_replace', until: 130, decision: dec({ effect: 'allow', rule: 'own-memory', scope: 'kernel', module: 'capability' }) },
  /* 13 */ { type: 'tool.returned', agent: 'alice' as never, callId: 'c3', tool: 'core_memory_replace', ok: true, result: 'replaced', tokens: 1, ms: 10, core: { label: 'persona', text: 'v1', mode: 'replace', tokens: 1 } },
  /* 14 */ { type: 'tool.called', agent: 'alice' as never, callId: 'c4', tool: 'core_memory_append', args: { label: 'persona', text: 'v2' } },
  /* 15 */ { type: 'tool.allowed', agent: 'alice' as never, callId: 'c4', tool: 'core_memory_append', until: 160, decision: dec({ effect: 'allow', rule: 'own-memory', scope: 'kernel', module: 'capability' }) },
  /* 16 */ { type: 'tool.returned', agent: 'alice' as never, callId: 'c4', tool: 'core_memory_append', ok: true, result: 'appended', tokens: 1, ms: 10, core: { label: 'persona', text: 'v2', mode: 'append', tokens: 1 } },
  /* 17 */ { type: 'artifact.written', agent: 'alice' as never, name: 'report.md', text: 'draft' },
  /* 18 */ { type: 'artifact.written', agent: 'bob' as never, name: 'report.md', text: 'final' },
  /* 19 */ { type: 'msg.sent', agent: 'alice' as never, msgId: 'm4', from: 'alice' as never, to: 'bob' as never, channel: 'ab', text: 'done', facts: [], tokens: 1, deliverAt: 200, taint: ['web'] },
  /* 20 */ { type: 'tool.called', agent: 'bob' as never, callId: 'c5', tool: 'fs_delete', args: { path: '/' } },
  /* 21 */ { type: 'tool.denied', agent: 'bob' as never, callId: 'c5', tool: 'fs_delete', decision: dec({ effect: 'deny', rule: 'no-delete', scope: 'org', reason: 'org denies fs_delete' }) },
  /* 22 */ { type: 'msg.denied', agent: 'bob' as never, from: 'bob' as never, to: 'carol' as never, decision: dec({ effect: 'deny', hook: 'msg.send', module: 'channel', rule: 'channel:bob->carol', scope: 'agent', reason: 'no channel from bob to carol', code: 'no-channel' }) },
  /* 23 */ { type: 'tool.called', agent: 'bob' as never, callId: 'c6', tool: 'browse', args: { url: 'https://example.com' } },
);

describe('auditRows', () => {
  it('makes one row per decided operation, with its authority, change and undo', () => {
    const rows = auditRows(events);
    expect(rows.map((r) => [r.seq, r.callSeq, r.op, r.outcome])).toEqual([
      [6, 2, 'tool', 'approved'],
      [10, 7, 'memory', 'allowed'],
      [13, 11, 'core', 'allowed'],
      [16, 14, 'core', 'allowed'],
      [17, null, 'artifact', 'allowed'],
      [18, null, 'artifact', 'allowed'],
      [19, null, 'message', 'allowed'],
      [21, 20, 'tool', 'denied'],
      [22, null, 'message', 'denied'],
    ]);
    const [mail, insert, firstCore, secondCore, draft, final, sent, denied, noChannel] = rows;
    expect(mail).toEqual({
      seq: 6, callSeq: 2, agent: 'alice', op: 'tool', request: 'send_mail {"to":"bob@example.com"}', tool: 'send_mail', callId: 'c1',
      outcome: 'approved', authority: { rule: 'session-1', scope: 'session', module: 'rules', mode: 'auto', by: 'human', grant: 'h1' },
      changed: null, undo: null, rolledBack: null, taint: ['web'],
    });
    expect(insert).toMatchObject({
      authority: { rule: 'capability:alice->notes', scope: 'kernel', module: 'capability', grant: 'h2', mode: 'auto' },
      changed: "chunk notes#3 added to alice's private copy of notes (its first write there: copied on write, the shared store is unchanged)",
      undo: { kind: 'delete-chunk', store: 'notes', id: 'notes#3' },
    });
    expect(firstCore).toMatchObject({ changed: 'core "persona" of alice replaced (first edit; the value before it is the document\'s, not in the trace)', undo: null });
    expect(secondCore).toMatchObject({ changed: 'core "persona" of alice appended "v2" to (was: "v1")', undo: { kind: 'restore-core', agent: 'alice', label: 'persona', text: 'v1' } });
    expect(draft).toMatchObject({ request: 'write report.md "draft"', changed: 'artifact report.md created', authority: { rule: 'kernel', scope: 'kernel' }, undo: { kind: 'restore-artifact', name: 'report.md', text: null, agent: null, seq: null } });
    expect(final).toMatchObject({ agent: 'bob', changed: 'artifact report.md written (was: "draft")', undo: { kind: 'restore-artifact', name: 'report.md', text: 'draft', agent: 'alice', seq: 17 } });
    expect(sent).toMatchObject({ request: 'send to bob "done"', changed: 'message m4 to bob (sent: a message cannot be unsent)', undo: null, authority: { rule: 'channel:ab', scope: 'kernel' }, taint: ['web'] });
    expect(denied).toMatchObject({ authority: { rule: 'no-delete', scope: 'org', module: 'rules', mode: 'auto' }, changed: null, undo: null });
    expect(noChannel).toMatchObject({ request: 'send to carol', authority: { rule: 'channel:bob->carol', scope: 'agent', module: 'channel' } });
  });

  it('shows an asked call as asked until a human answers', () => {
    const rows = auditRows(events.slice(0, 4));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ seq: 3, outcome: 'asked', authority: { rule: 'ask-mail', scope: 'org', module: 'rules', mode: 'auto' } });
    expect(undoFor(events.slice(0, 4), 2)).toEqual({ ok: false, error: 'nothing to undo at #3: it waits for a human and has not run' });
  });

  it('records a human denial', () => {
    const denied = trace(...events.slice(0, 4).map((e) => e as never), {
      type: 'tool.denied', agent: 'alice' as never, callId: 'c1', tool: 'send_mail', decision: dec({ effect: 'deny', module: 'human', reason: 'a human denied it', ask: 'approve', answers: 3, taint: ['web'] }),
    });
    expect(auditRows(denied)[0]).toMatchObject({ seq: 4, outcome: 'denied', authority: { rule: 'human', module: 'human', by: 'human' } });
  });
});

describe('undoFor', () => {
  it('restores an artifact to its previous text, once the later write is rolled back first', () => {
    expect(undoFor(events, 18)).toEqual({
      ok: true,
      undo: { kind: 'restore-artifact', name: 'report.md', text: 'draft', agent: 'alice', seq: 17 },
      detail: 'restore artifact report.md to the text alice wrote at #17',
    });
    expect(undoFor(events, 17)).toEqual({ ok: false, error: 'artifact report.md was changed again at #18; roll that back first' });
    const after = rollback(events, 18);
    expect(undoFor(after, 17)).toEqual({
      ok: true, undo: { kind: 'restore-artifact', name: 'report.md', text: null, agent: null, seq: null }, detail: 'delete artifact report.md (it did not exist before #17)',
    });
  });

  it('marks the rolled-back row and refuses a second rollback', () => {
    const after = rollback(events, 18);
    expect(auditRows(after).find((r) => r.seq === 18)?.rolledBack).toBe(24);
    expect(undoFor(after, 18)).toEqual({ ok: false, error: '#18 was already rolled back at #24' });
    expect(() => rollback(after, 18)).toThrow(/already rolled back/);
  });

  it('tracks state through rollbacks: a write after one overwrites the restored text', () => {
    const after = trace(...rollback(events, 18).map((e) => e as never), { type: 'artifact.written', agent: 'carol' as never, name: 'report.md', text: 'v3' });
    expect(auditRows(after).at(-1)).toMatchObject({ seq: 25, changed: 'artifact report.md written (was: "draft")', undo: { text: 'draft', agent: 'alice', seq: 17 } });
  });

  it('undoes chunks and core edits, found by any event of the call', () => {
    expect(undoFor(events, 7)).toEqual({ ok: true, undo: { kind: 'delete-chunk', store: 'notes', id: 'notes#3' }, detail: 'delete chunk notes#3 from notes' });
    const core: Undo = { kind: 'restore-core', agent: 'alice' as never, label: 'persona', text: 'v1' };
    expect(undoFor(events, 16)).toEqual({ ok: true, undo: core, detail: 'restore core "persona" of alice to its value before #16' });
    expect(undoFor(events, 14)).toEqual(undoFor(events, 16));
    const after = rollback(events, 16);
    expect(undoFor(after, 13)).toEqual({ ok: false, error: 'nothing to undo at #13: the block\'s value before this first edit (#13) is not recorded in the trace, only inside the system prompt' });
  });

  it('refuses a core undo after the agent started again', () => {
    const restarted = trace(...events.map((e) => e as never), { type: 'job.published', agent: 'alice' as never });
    expect(undoFor(restarted, 16)).toEqual({ ok: false, error: '#16 can no longer be undone: alice was started again at #24, with its core memory from the document' });
  });

  it('says why there is nothing to undo', () => {
    expect(undoFor(events, 0)).toEqual({ ok: false, error: 'no audited operation at #0' });
    expect(undoFor(events, 99)).toEqual({ ok: false, error: 'no audited operation at #99' });
    expect(undoFor(events, 19)).toEqual({ ok: false, error: 'nothing to undo at #19: a message cannot be unsent' });
    expect(undoFor(events, 21)).toEqual({ ok: false, error: 'nothing to undo at #21: it was denied (org denies fs_delete), so it changed nothing' });
    expect(undoFor(events, 6)).toEqual({ ok: false, error: 'nothing to undo at #6: send_mail changed no state the kernel keeps' });
    expect(undoFor(events, 23)).toEqual({ ok: false, error: 'nothing to undo at #23: it has not been decided yet' });
  });
});

describe('AuditLog', () => {
  it('is fed once and keeps unchanged rows and tables by identity', () => {
    const log = new AuditLog();
    for (const e of events.slice(0, 11)) log.apply(e);
    const before = log.rows();
    expect(log.rows()).toBe(before);
    log.apply(events[11]!);
    expect(log.rows()).toBe(before); // an undecided call changes nothing visible
    log.apply(events[12]!);
    const after = log.rows();
    expect(after).not.toBe(before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(log.row(12)).toBe(after[2]);
    expect(log.row(11)).toBe(after[2]);
    log.apply(events[14]!);
    expect(log.row(14)).toBeUndefined();
  });

  it('notes a copy-on-write reported after the write that caused it', () => {
    const late = trace(
      { type: 'run.started' },
      { type: 'tool.called', agent: 'alice' as never, callId: 'c1', tool: 'archival_insert', args: { store: 'notes', text: 'x' } },
      { type: 'tool.allowed', agent: 'alice' as never, callId: 'c1', tool: 'archival_insert', until: 1, decision: dec({ effect: 'allow', rule: 'r', scope: 'kernel' }) },
      { type: 'tool.returned', agent: 'alice' as never, callId: 'c1', tool: 'archival_insert', ok: true, result: 'ok', tokens: 1, ms: 1, stored: { store: 'notes', id: 'n1', text: 'x' } },
      { type: 'mem.cow', agent: 'alice' as never, store: 'notes', base: 0, cause: 3 },
    );
    expect(auditRows(late)[0]?.changed).toBe('chunk n1 added to notes (its first write there: copied on write, the shared store is unchanged)');
  });
});
