import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../kernel';
import { pausesAt } from './playbackBreakpoints';

const sent = { seq: 4, t: 10, type: 'msg.sent', agent: 'a', msgId: 'm1', from: 'a', to: 'b', channel: 'c', text: 'hi', facts: [], tokens: 1, deliverAt: 10 } as unknown as KernelEvent;
const picked = { seq: 5, t: 10, type: 'sched.picked', agent: 'b' } as unknown as KernelEvent;

describe('pausesAt (playback stops where a live run would pause)', () => {
  it('pauses on an event an enabled breakpoint matches, and only there', () => {
    const pauses = pausesAt([{ id: '1', kind: 'event', value: 'msg.sent', enabled: true }]);
    expect(pauses(sent)).toBe(true);
    expect(pauses(picked)).toBe(false);
  });

  it('never pauses on a disabled breakpoint, or with none', () => {
    expect(pausesAt([{ id: '1', kind: 'event', value: 'msg.sent', enabled: false }])(sent)).toBe(false);
    expect(pausesAt([])(sent)).toBe(false);
  });
});
