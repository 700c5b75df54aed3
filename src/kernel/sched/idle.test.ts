import { describe, expect, it } from 'vitest';
import { fair } from './fair';
import { idle } from './idle';
import { rt } from './rt';
import type { SchedParams } from './schedClass';
import type { SchedSpec } from './testing/conformanceDriver';
import { simulate, type SimAgent } from './testing/slotSimulator';

const params = (over: Partial<SchedParams> = {}): SchedParams => ({
  sliceTokens: 10, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 0, slots: 1, tokensPerMs: 1, ...over,
});
const spec = (cls: string): SchedSpec => ({ class: cls, rtPolicy: 'rr', nice: 0, priority: 1 }) as SchedSpec;

describe('idle', () => {
  it('is FIFO among idle agents and reports positions', () => {
    const rq = idle.init(params());
    for (const a of ['a', 'b', 'c']) idle.enqueue(rq, { agent: a, t: 0, sched: spec('idle'), why: 'new' }, 0);
    expect(idle.queued(rq, 0)).toEqual(['a', 'b', 'c']);
    expect(idle.stats(rq, 'c', 0)).toEqual({ position: 2 });
    idle.dequeue(rq, 'a', 0);
    expect(idle.pickNext(rq, 0)).toBe('b');
    expect(idle.stats(rq, 'a', 0)).toEqual({ position: -1 });
    expect(idle.checkPreempt(rq, 'a', 0)).toBe(false);
  });

  const background: SimAgent[] = [
    { id: 'i0', cls: 'idle', sched: spec('idle'), work: Number.POSITIVE_INFINITY },
    { id: 'i1', cls: 'idle', sched: spec('idle'), work: Number.POSITIVE_INFINITY },
  ];

  it('runs only when every other class is empty, and gives the slot back within one idle slice', () => {
    const agents: SimAgent[] = [
      ...background,
      { id: 'f', cls: 'fair', sched: spec('fair'), work: 100, gapMs: 200 },
      { id: 'r', cls: 'rt', sched: spec('rt'), work: 25, gapMs: 333, start: 50 },
    ];
    let idlePicks = 0;
    const r = simulate([rt, fair, idle], params(), agents, 20_000, {
      onPick: (agent, cls, now, rqs) => {
        if (cls !== 'idle') return;
        idlePicks++;
        expect(rt.pickNext(rqs.rt as never, now), `rt had work when ${agent} was picked`).toBeNull();
        expect(fair.pickNext(rqs.fair as never, now), `fair had work when ${agent} was picked`).toBeNull();
      },
    });
    expect(idlePicks).toBeGreaterThan(10);
    for (const j of r.jobs.filter((x) => x.agent === 'f' || x.agent === 'r')) expect(j.firstRun - j.release).toBeLessThanOrEqual(10);
    // Idle work fills the gaps: the slot is never left empty.
    const total = Object.values(r.service).reduce((s, x) => s + x, 0);
    expect(total).toBeGreaterThanOrEqual(20_000 - 10);
    expect(Math.abs((r.service.i0 ?? 0) - (r.service.i1 ?? 0))).toBeLessThanOrEqual(1000);
  });

  it('gets nothing while fair work never runs out', () => {
    const r = simulate([fair, idle], params(), [...background, { id: 'f', cls: 'fair', sched: spec('fair'), work: Number.POSITIVE_INFINITY }], 10_000);
    expect(r.service.i0 ?? 0).toBe(0);
    expect(r.service.i1 ?? 0).toBe(0);
  });
});
