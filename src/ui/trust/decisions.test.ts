import { describe, expect, it } from 'vitest';
import { authorityText, countUntil, decisionLogFor, DecisionLog, NO_FILTER } from './decisions';
import { TrustTrace } from './fixtures.test-data';

/** researcher fetches a page (allowed), then tries to post what it read (asked, approved); writer is denied a shell. */
function trace(): TrustTrace {
  return new TrustTrace()
    .called('researcher', 'c1', 'web.fetch', { url: 'https://example.org' })
    .allowed('researcher', 'c1', 'web.fetch', 'r-web', 'project', { grant: 'h1', module: 'rules' })
    .returned('researcher', 'c1', 'web.fetch')
    .called('researcher', 'c2', 'http.post', { body: 'x' }, ['tool:web.fetch#c1'])
    .asked('researcher', 'c2', 'http.post', 'taint', 'a tainted value reaches http.post', 'declassify', ['tool:web.fetch#c1'])
    .called('writer', 'c3', 'shell', { cmd: 'rm -rf /' })
    .denied('writer', 'c3', 'shell', 'r-shell', 'shell is denied', { module: 'rules', code: 'denied' })
    .approved('researcher', 'c2', 'http.post', { rule: 'session-1', match: 'http.post(*)' })
    .push({ type: 'msg.denied', agent: 'writer', from: 'writer', to: 'boss', reason: 'no channel', rule: 'channels', scope: 'kernel', module: 'ipc' })
    .push({ type: 'trust.signature', agent: 'writer', ok: false, at: 'turn', expected: 'aa', found: 'bb', reason: 'system prompt changed' })
    .push({ type: 'cap.expired', agent: 'researcher', handle: 'h1', target: 'web.fetch', reason: 'job ended' });
}

describe('the decision log', () => {
  it('has one row per decision, naming the rule, scope, module and mode that made it', () => {
    const log = new DecisionLog().advance(trace().events, Infinity);
    expect(log.rows.map((r) => [r.seq, r.type, r.outcome])).toEqual([
      [1, 'tool.allowed', 'allow'],
      [4, 'tool.asked', 'ask'],
      [6, 'tool.denied', 'deny'],
      [7, 'tool.approved', 'approved'],
      [8, 'msg.denied', 'deny'],
      [9, 'trust.signature', 'deny'],
      [10, 'cap.expired', 'expired'],
    ]);
    expect(log.rows[0]).toMatchObject({ agent: 'researcher', tool: 'web.fetch', rule: 'r-web', scope: 'project', module: 'rules', mode: 'auto', reason: 'with handle h1', hook: 'tool.call', callId: 'c1' });
    expect(log.rows[2]).toMatchObject({ rule: 'r-shell', reason: 'shell is denied [denied]' });
    expect(log.rows[4]).toMatchObject({ tool: 'send', hook: 'msg.send', rule: 'channels', reason: 'to boss: no channel' });
    expect(log.rows[6]).toMatchObject({ tool: 'web.fetch', rule: 'capability:researcher->web.fetch', module: 'capability' });
    expect(authorityText(log.rows[0]!)).toBe('by r-web (project, rules)');
  });

  it('surfaces the taint an ask carried, on the ask and on its approval', () => {
    const log = new DecisionLog().advance(trace().events, Infinity);
    const ask = log.rows.find((r) => r.outcome === 'ask')!;
    const approval = log.rows.find((r) => r.outcome === 'approved')!;
    expect(ask.taint).toEqual(['tool:web.fetch#c1']);
    expect(ask.reason).toMatch(/^declassify\?/);
    expect(approval).toMatchObject({ rule: 'session-1', scope: 'session', module: 'human', mode: 'ask', taint: ['tool:web.fetch#c1'], canvasRule: 'taint' });
    expect(approval.reason).toBe('a human declassified and remembered http.post(*)');
  });

  it('filters by agent, tool and outcome, and keeps each filtered list current as events arrive', () => {
    const events = trace().events;
    const log = new DecisionLog().advance(events, 5);
    const researcherAsks = { agent: 'researcher', tool: null, outcome: 'ask' } as const;
    expect(log.matching(researcherAsks).map((r) => r.seq)).toEqual([4]);
    expect(log.matching({ ...NO_FILTER, outcome: 'deny' })).toEqual([]);
    log.advance(events, events.length - 1);
    expect(log.matching({ ...NO_FILTER, outcome: 'deny' }).map((r) => r.seq)).toEqual([6, 8, 9]);
    expect(log.matching({ ...NO_FILTER, outcome: 'expired' }).map((r) => r.seq)).toEqual([10]);
    expect(log.matching({ ...NO_FILTER, agent: 'writer', tool: 'shell' }).map((r) => r.seq)).toEqual([6]);
    expect(log.matching(NO_FILTER)).toBe(log.rows);
    expect(log.agents).toEqual(['researcher', 'writer']);
    expect(log.tools).toEqual(['web.fetch', 'http.post', 'shell', 'send', 'job']);
  });

  it('reads each event once and shows the rows up to the scrubber', () => {
    const events = trace().events;
    const log = decisionLogFor(events, 3);
    expect(log.rows.length).toBe(1);
    expect(decisionLogFor(events, events.length - 1)).toBe(log);
    expect(log.rows.length).toBe(7);
    // Asking again for an earlier head reads nothing new and loses nothing.
    expect(decisionLogFor(events, 2).rows.length).toBe(7);
    expect(countUntil(log.rows, 0)).toBe(0);
    expect(countUntil(log.rows, 6)).toBe(3);
    expect(countUntil(log.rows, 99)).toBe(7);
  });

  it('reads a signature check that passed as an allow and one without the fields it lacks', () => {
    const log = new DecisionLog().advance(
      new TrustTrace()
        .push({ type: 'trust.signature', agent: 'a', ok: true, at: 'job.create', expected: 'x', found: 'x', reason: 'signature matches' })
        .push({ type: 'msg.denied', agent: 'a', from: 'a', to: 'b', reason: 'b is not running' }).events,
      Infinity,
    );
    expect(log.rows[0]).toMatchObject({ outcome: 'allow', hook: 'job.create', rule: 'signature' });
    expect(log.rows[1]).toMatchObject({ outcome: 'deny', rule: '', scope: '' });
    expect(authorityText(log.rows[1]!)).toBe('by ?');
    expect(authorityText({ rule: 'mode:ask', scope: 'mode', module: 'mode' })).toBe('by mode:ask (mode)');
  });
});

describe('a one-off approval', () => {
  it('names the human as its authority and points the canvas at the rule that asked', () => {
    const t = new TrustTrace().called('a', 'c1', 'shell').asked('a', 'c1', 'shell', 'r-shell', 'shell asks').approved('a', 'c1', 'shell');
    const row = new DecisionLog().advance(t.events, Infinity).rows[1]!;
    expect(row).toMatchObject({ outcome: 'approved', rule: 'human', canvasRule: 'r-shell', reason: 'a human approved this call' });
    expect(authorityText(row)).toBe('by human');
  });
});
