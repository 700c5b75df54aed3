/**
 * A new scheduling class touches two files: its own and the registry (sched/index.ts). This
 * test registers one the same way, by replacing the registry module, and checks that the
 * document schema, the parser, the published JSON Schema and the kernel all take it up.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SchedClass } from './schedClass';

vi.mock('./index', async (importOriginal) => {
  const real = await importOriginal<typeof import('./index')>();
  // A FIFO with tickets: enough behaviour to run, with one field and one rule of its own.
  const lottery: SchedClass = Object.freeze({
    ...real.fifo,
    name: 'lottery',
    rank: 35,
    label: 'lottery (tickets)',
    params: [{ name: 'tickets', label: 'Tickets', kind: 'integer', min: 1, max: 1000, default: 10, description: 'Lottery tickets.' }],
    shows: [{ stat: 'position', label: 'place' }],
    checkParams: (s, model) =>
      model !== null && typeof s.tickets === 'number' && s.tickets > model.tokensPerSecond
        ? [{ param: 'tickets', message: `expected at most ${model.tokensPerSecond} (the model's tokens/s), found ${s.tickets}`, expected: `≤ ${model.tokensPerSecond}`, found: String(s.tickets) }]
        : [],
  } satisfies SchedClass);
  const { deadline, rt, fifo, fair, priority, idle } = real;
  return { ...real, SCHED_CLASSES: new real.SchedRegistry([deadline, rt, fifo, fair, priority, idle, lottery] as SchedClass[]) };
});

const doc = (sched: Record<string, unknown>) => ({
  version: 1,
  name: 'lottery',
  models: [{ id: 'm', name: 'M', tokensPerSecond: 100 }],
  agents: [
    { id: 'a', name: 'A', model: 'm', sched, behaviour: [{ op: 'think', text: 'a' }, { op: 'finish', text: 'done' }] },
    { id: 'b', name: 'B', model: 'm', sched, behaviour: [{ op: 'finish', text: 'done' }] },
  ],
});

describe('a newly registered scheduling class', { timeout: 30_000 }, () => {
  it('is a class the document may name, with its field’s default, range and own rule checked at the field', async () => {
    const { parseHarness } = await import('../spec');
    const ok = parseHarness(doc({ class: 'lottery' }));
    expect(ok.ok && ok.spec.agents[0]!.sched).toMatchObject({ class: 'lottery', tickets: 10 });
    const bad = parseHarness(doc({ class: 'lottery', tickets: 0 }));
    expect(!bad.ok && bad.issues.map((i) => i.path)).toEqual(['agents[0].sched.tickets', 'agents[1].sched.tickets']);
    const rule = parseHarness(doc({ class: 'lottery', tickets: 500 }));
    expect(!rule.ok && rule.issues[0]!.message).toBe("agents[0].sched.tickets: expected at most 100 (the model's tokens/s), found 500");
  });

  it('is in the published JSON Schema', async () => {
    const { harnessJsonSchema } = await import('../spec');
    const text = JSON.stringify(harnessJsonSchema());
    expect(text).toContain('"lottery"');
    expect(text).toContain('"tickets":{"default":10,"type":"integer","minimum":1,"maximum":1000,"description":"Lottery tickets."}');
  });

  it('runs: the kernel enqueues and picks its agents under it', async () => {
    const { parseHarness } = await import('../spec');
    const { Kernel } = await import('../kernel');
    const parsed = parseHarness(doc({ class: 'lottery' }));
    if (!parsed.ok) throw new Error('invalid');
    const k = Kernel.create(parsed.spec, { runId: 'l', seed: 1 });
    await k.runUntil();
    const picked = k.events.filter((e) => e.type === 'sched.picked');
    expect(picked.map((e) => e.type === 'sched.picked' && e.class)).toEqual(expect.arrayContaining(['lottery']));
    expect(picked.every((e) => e.type === 'sched.picked' && e.class === 'lottery')).toBe(true);
    expect(k.events.at(-1)).toMatchObject({ type: 'run.stopped', reason: 'completed' });
  });
});
