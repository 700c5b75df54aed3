import { describe, expect, it } from 'vitest';
import { SCHED_CLASSES, SchedRegistry, fifo, rt, type SchedClass } from './index';

describe('the scheduling class registry', () => {
  it('keeps the parsed section’s key order (part of every trace) and puts a new class’s fields after', () => {
    expect(SCHED_CLASSES.params.map((p) => p.name)).toEqual(['rtPolicy', 'nice', 'weight', 'priority', 'rrSlice', 'runtime', 'deadline', 'period', 'urgency', 'quality']);
    const lottery = { ...fifo, name: 'lottery', params: [{ name: 'tickets', label: 'Tickets', kind: 'integer', description: 't' }] } as SchedClass;
    expect(new SchedRegistry([...SCHED_CLASSES.ordered, lottery]).params.map((p) => p.name).at(-1)).toBe('tickets');
  });

  it('refuses a class registered twice, a shared field declared two ways, and a default class it does not hold', () => {
    expect(() => new SchedRegistry([fifo, fifo])).toThrow('sched class "fifo" registered twice');
    const other = { ...fifo, name: 'other', params: [{ ...rt.params.find((p) => p.name === 'priority')!, max: 139 }] } as SchedClass;
    expect(() => new SchedRegistry([fifo, rt, other])).toThrow('sched param "priority" of class "other" differs');
    expect(() => new SchedRegistry([rt])).toThrow('the default sched class "fifo" is not registered');
  });

  it('checks a class’s required fields, then its own rules, each at its field', () => {
    const model = { tokensPerSecond: 100 };
    expect(SCHED_CLASSES.checkParams({ class: 'deadline', runtime: 50 }, model).map((i) => [i.param, i.message])).toEqual([
      ['deadline', 'the deadline class needs deadline (ms), found nothing'],
      ['period', 'the deadline class needs period (ms), found nothing'],
    ]);
    expect(SCHED_CLASSES.checkParams({ class: 'deadline', runtime: 50, deadline: 400, period: 300 }, model).map((i) => i.param)).toEqual(['runtime', 'deadline']);
    expect(SCHED_CLASSES.checkParams({ class: 'deadline', runtime: 50, deadline: 400, period: 300 }, null).map((i) => i.param)).toEqual(['deadline']);
    expect(SCHED_CLASSES.checkParams({ class: 'fair', nice: 3 }, model)).toEqual([]);
  });
});
