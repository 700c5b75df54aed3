import { describe, expect, it } from 'vitest';
import { asRunId, type KernelEvent } from '../kernel';
import type { Breakpoint } from './api';
import { matchBreakpoint } from './matchBreakpoint';

const run = asRunId('r');
const called: KernelEvent = { seq: 5, t: 0, run, agent: 'a', type: 'tool.called', callId: 'c1', tool: 'lookup', args: {} };
const sent: KernelEvent = { seq: 6, t: 0, run, agent: 'a', type: 'msg.sent', msgId: 'm1', from: 'a', to: 'b', channel: 'ab', text: 'lookup', facts: [], tokens: 1, deliverAt: 1 };
const bp = (kind: Breakpoint['kind'], value: string, enabled = true): Breakpoint => ({ id: `${kind}:${value}`, kind, value, enabled });

describe('matchBreakpoint', () => {
  it('matches event types, agents and the tool of tool.* events', () => {
    expect(matchBreakpoint([bp('event', 'tool.called')])(called)?.id).toBe('event:tool.called');
    expect(matchBreakpoint([bp('event', 'tool.called')])(sent)).toBeUndefined();
    expect(matchBreakpoint([bp('agent', 'a')])(sent)?.id).toBe('agent:a');
    expect(matchBreakpoint([bp('agent', 'b')])(sent)).toBeUndefined(); // `to` is not the event's agent
    expect(matchBreakpoint([bp('tool', 'lookup')])(called)?.id).toBe('tool:lookup');
    expect(matchBreakpoint([bp('tool', 'lookup')])(sent)).toBeUndefined(); // "lookup" in a message is not a tool call
  });

  it('pauses on a tool once per call, at the call: not again at its decision or its return', () => {
    const match = matchBreakpoint([bp('tool', 'lookup')]);
    const later: KernelEvent[] = [
      { seq: 6, t: 0, run, agent: 'a', type: 'tool.allowed', callId: 'c1', tool: 'lookup', until: 0, decision: { hook: 'tool.call', module: 'rules', effect: 'allow', rule: 'r', scope: 'project', mode: 'auto', reason: 'r allows it', grant: null, taint: [], code: null, ask: null, answers: null } },
      { seq: 7, t: 0, run, agent: 'a', type: 'tool.returned', callId: 'c1', tool: 'lookup', ok: true, result: 'x', tokens: 1, ms: 1 },
    ];
    expect([called, ...later].map((e) => match(e)?.id ?? null)).toEqual(['tool:lookup', null, null]);
  });

  it('ignores disabled breakpoints and reports the first enabled match', () => {
    const match = matchBreakpoint([bp('tool', 'lookup', false), bp('agent', 'a'), bp('event', 'tool.called')]);
    expect(match(called)?.id).toBe('agent:a');
    expect(matchBreakpoint([bp('event', 'tool.called', false)])(called)).toBeUndefined();
  });
});
