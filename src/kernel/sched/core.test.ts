/** The scheduler core: the decisions the kernel's run loop and the test drivers both take from it. */
import { describe, expect, it } from 'vitest';
import { atSliceBoundary, pickForSlot, sliceLength, type SchedView } from './core';
import { fair as fairClass } from './fair';
import { rt } from './rt';
import type { AgentSched, SchedClass, SchedParams } from './schedClass';

const params: SchedParams = { sliceTokens: 16, rtPeriodMs: 1000, rtRuntimeShare: 1, dlBound: 0.95, agingStepMs: 0, slots: 1, tokensPerMs: 1 };
const fair = fairClass as SchedClass;
const classes = [rt, fair] as SchedClass[];

function world(): { rqs: Record<string, unknown>; view: (held?: (a: string) => boolean) => SchedView } {
  const rqs: Record<string, unknown> = { rt: rt.init(params), fair: fair.init(params) };
  return { rqs, view: (held) => ({ classes, rqs, now: 0, ...(held ? { held } : {}) }) };
}
const enqueue = (cls: SchedClass, rqs: Record<string, unknown>, agent: string, sched: AgentSched) =>
  cls.enqueue(rqs[cls.name], { agent, t: 0, sched, why: 'new' }, 0);

describe('the scheduler core', () => {
  it('gives a free slot to the first class in rank order with a pickable agent, passing over held agents', () => {
    const { rqs, view } = world();
    enqueue(fair, rqs, 'f', { class: 'fair' });
    expect(pickForSlot(view())).toMatchObject({ cls: { name: 'fair' }, agent: 'f' });
    enqueue(rt, rqs, 'r', { class: 'rt', priority: 10 });
    expect(pickForSlot(view())).toMatchObject({ cls: { name: 'rt' }, agent: 'r' });
    expect(pickForSlot(view((a) => a === 'r'))).toMatchObject({ cls: { name: 'fair' }, agent: 'f' });
    expect(pickForSlot(view(() => true))).toBeNull();
  });

  it('at a slice boundary: a held runner leaves for its budget, then a higher class preempts, else it continues', () => {
    const { rqs, view } = world();
    enqueue(fair, rqs, 'f', { class: 'fair' });
    fair.dequeue(rqs.fair, 'f', 0);
    expect(atSliceBoundary(view(), fair, 'f')).toEqual({ kind: 'continue' });
    expect(atSliceBoundary(view((a) => a === 'f'), fair, 'f')).toEqual({ kind: 'preempt', reason: 'budget', by: null, byClass: null });
    enqueue(rt, rqs, 'r', { class: 'rt', priority: 10 });
    expect(atSliceBoundary(view(), fair, 'f')).toEqual({ kind: 'preempt', reason: 'class', by: 'r', byClass: 'rt' });
  });

  it('caps a slice and never makes it shorter than one token', () => {
    const { rqs } = world();
    enqueue(fair, rqs, 'f', { class: 'fair' });
    expect(sliceLength(fair, rqs.fair, 'f')).toBe(fair.sliceFor(rqs.fair, 'f'));
    expect(sliceLength(fair, rqs.fair, 'f', 3)).toBe(3);
    expect(sliceLength(fair, rqs.fair, 'f', 0)).toBe(1);
  });
});
