import { describe, expect, it } from 'vitest';
import { SCHED_CLASSES, SchedRegistry, type SchedClass } from '../../kernel';
import { classOptions, paramHint, paramsShown, paramTestId, schedFieldNames, shownNumbers } from './classViews';

const cls = (name: string): SchedClass => SCHED_CLASSES.get(name)!;

/** A class the studio has never heard of, registered the way a new class file would be: its object and the registry. */
const lottery: SchedClass = Object.freeze({
  ...SCHED_CLASSES.get('fifo')!,
  name: 'lottery',
  rank: 35,
  label: 'lottery (tickets)',
  params: [{ name: 'tickets', label: 'Tickets', kind: 'integer', min: 1, max: 1000, default: 10, description: 'Lottery tickets: the share of picks.' }],
  shows: [{ stat: 'position', label: 'place' }],
} satisfies SchedClass);

describe('scheduling classes as the studio shows them', () => {
  it('offers the kernel’s classes with their labels, in rank order', () => {
    expect(classOptions()).toEqual(SCHED_CLASSES.ordered.map((c) => ({ value: c.name, label: c.label })));
    expect(classOptions().map((o) => o.value)).toEqual(['deadline', 'rt', 'fifo', 'fair', 'objective', 'priority', 'idle']);
  });

  it('shows a newly registered class, its parameters and its numbers without any change to the UI', () => {
    const registry = new SchedRegistry([...SCHED_CLASSES.ordered, lottery]);
    expect(classOptions(registry).map((o) => o.value)).toEqual(['deadline', 'rt', 'fifo', 'fair', 'lottery', 'objective', 'priority', 'idle']);
    expect(classOptions(registry)).toContainEqual({ value: 'lottery', label: 'lottery (tickets)' });
    expect(schedFieldNames(registry)).toContain('tickets');
    const [tickets] = paramsShown(registry.get('lottery'), { class: 'lottery' });
    expect(tickets).toMatchObject({ name: 'tickets', label: 'Tickets', min: 1, max: 1000, default: 10 });
    expect(paramTestId(tickets!)).toBe('field-sched-tickets');
    expect(paramHint(tickets!, { class: 'lottery' })).toBe('1…1000');
    expect(shownNumbers(registry.get('lottery'), { position: 2, other: 7 })).toEqual([['place', 2]]);
  });

  it('shows only the fields that apply given the others (rrSlice under rr, nice without a weight)', () => {
    const names = (c: string, sched: Record<string, string | number>) => paramsShown(cls(c), { class: c, ...sched }).map((p) => p.name);
    expect(names('rt', {})).toEqual(['rtPolicy', 'priority', 'rrSlice']);
    expect(names('rt', { rtPolicy: 'fifo' })).toEqual(['rtPolicy', 'priority']);
    expect(names('fair', {})).toEqual(['nice', 'weight']);
    expect(names('fair', { weight: 400 })).toEqual(['weight']);
    expect(names('deadline', {})).toEqual(['runtime', 'deadline', 'period']);
    expect(paramTestId(cls('rt').params[0]!)).toBe('field-sched-rt-policy');
  });

  it('hints each field from the class: the load a nice value gives, else range and unit', () => {
    const nice = cls('fair').params.find((p) => p.name === 'nice')!;
    expect(paramHint(nice, { class: 'fair', nice: -5 })).toBe('−20…19 · load 3121');
    expect(paramHint(cls('deadline').params[0]!, { class: 'deadline' })).toBe('≥ 1 tokens');
  });

  it('show a class’s own numbers, and all of them for a class the registry does not know', () => {
    expect(shownNumbers(cls('fair'), { vdeadline: 3, vruntime: 1, lag: 2, extra: 9 })).toEqual([['vruntime', 1], ['lag', 2], ['vdeadline', 3]]);
    expect(shownNumbers(SCHED_CLASSES.get('lottery'), { tickets: 5 })).toEqual([['tickets', 5]]);
    expect(shownNumbers(cls('fair'), null)).toEqual([]);
  });
});
