import { describe, expect, it } from 'vitest';
import { argsText, AskTracker, pendingAsks } from './pendingAsks';
import { TrustTrace } from './fixtures.test-data';

describe('the open asks', () => {
  it('opens an ask with the arguments of its call, and an approval closes it', () => {
    const t = new TrustTrace()
      .called('researcher', 'c1', 'http.post', { url: 'https://example.org', body: '<b>hi</b>' })
      .asked('researcher', 'c1', 'http.post', 'r-post', 'http.post asks in project scope');
    const tracker = new AskTracker().advance(t.events, Infinity);
    expect(tracker.open).toEqual([
      {
        seq: 1, callId: 'c1', agent: 'researcher', tool: 'http.post', args: { url: 'https://example.org', body: '<b>hi</b>' },
        reason: 'http.post asks in project scope', rule: 'r-post', scope: 'project', module: 'rules', taint: [], kind: 'approve',
      },
    ]);
    t.approved('researcher', 'c1', 'http.post').returned('researcher', 'c1', 'http.post');
    expect(tracker.advance(t.events, Infinity).open).toEqual([]);
  });

  it('closes an ask on a denial and leaves the other agents’ asks open', () => {
    const t = new TrustTrace()
      .called('a', 'c1', 'shell', { cmd: 'ls' })
      .asked('a', 'c1', 'shell', 'r1', 'shell asks')
      .called('b', 'c2', 'http.post', { body: 'x' }, ['tool:web.fetch#c0'])
      .asked('b', 'c2', 'http.post', 'taint', 'tainted value reaches http.post', 'declassify', ['tool:web.fetch#c0'])
      .denied('a', 'c1', 'shell', 'r1', 'a human denied it', { by: 'human' });
    const open = pendingAsks(t.events, t.events.length - 1);
    expect(open.map((a) => [a.callId, a.agent, a.kind, a.taint])).toEqual([['c2', 'b', 'declassify', ['tool:web.fetch#c0']]]);
  });

  it('is read at the head, whatever the scrubber: an ask answered later is open before the answer', () => {
    const t = new TrustTrace().called('a', 'c1', 'shell').asked('a', 'c1', 'shell', 'r1', 'asks').approved('a', 'c1', 'shell');
    expect(new AskTracker().advance(t.events, 1).open.map((a) => a.callId)).toEqual(['c1']);
    expect(new AskTracker().advance(t.events, 2).open).toEqual([]);
  });

  it('keeps the same array while nothing opens or closes, and drops every ask when the run stops', () => {
    const t = new TrustTrace().called('a', 'c1', 'shell').asked('a', 'c1', 'shell', 'r1', 'asks');
    const tracker = new AskTracker().advance(t.events, Infinity);
    const before = tracker.open;
    t.called('b', 'c2', 'lookup').allowed('b', 'c2', 'lookup').returned('b', 'c2', 'lookup');
    expect(tracker.advance(t.events, Infinity).open).toBe(before);
    t.push({ type: 'run.stopped', reason: 'max-time', detail: 'out of time', goals: {} });
    expect(tracker.advance(t.events, Infinity).open).toEqual([]);
  });

  it('shows arguments as JSON text, markup and all', () => {
    expect(argsText({ body: '<img src=x onerror=alert(1)>' })).toBe('{\n  "body": "<img src=x onerror=alert(1)>"\n}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(argsText(cyclic)).toBe('?');
  });
});
