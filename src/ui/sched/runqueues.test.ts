import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kernel, parseHarness, type EventOf, type KernelEvent } from '../../kernel';
import { deriveRunqueues, type AgentLine, type ModelQueue } from './runqueues';
import { timelineFor, type Timeline } from './timeline';

const contention = readFileSync(new URL('../../../public/examples/contention.json', import.meta.url), 'utf8');

let kernel: Kernel;
let events: readonly KernelEvent[];
let tl: Timeline;

beforeAll(async () => {
  const parsed = parseHarness(contention);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  kernel = Kernel.create(parsed.spec, { runId: 'rq', seed: 1 });
  await kernel.runUntil();
  events = kernel.events;
  tl = timelineFor(events, events.length - 1);
});

/** The Scheduler view's runqueues right after event `cursor`. */
const queuesAt = (cursor: number): ModelQueue[] => deriveRunqueues(kernel.stateAt(cursor), tl, cursor);
const waiting = (q: ModelQueue): AgentLine[] => q.classes.flatMap((c) => c.waiting);

describe('runqueues at the cursor, on the contention example', () => {
  it('list waiting agents in the kernel’s pick order: before every pick, the first line not held back is the agent the kernel picks', () => {
    const picks = events.filter((e): e is EventOf<'sched.picked'> => e.type === 'sched.picked');
    expect(picks.length).toBeGreaterThan(20);
    let reordered = 0;
    for (const pick of picks) {
      const cursor = pick.seq - 1;
      const q = queuesAt(cursor).find((m) => m.model === pick.model)!;
      const lines = waiting(q);
      expect({ seq: pick.seq, next: lines.find((l) => l.throttled === null)?.agent }).toEqual({ seq: pick.seq, next: pick.agent });
      // The order is the classes' own, not arrival: count the cursors where the two differ.
      const state = kernel.stateAt(cursor);
      const byArrival = [...lines].sort((a, b) => state.procs[a.agent]!.readyAt - state.procs[b.agent]!.readyAt).map((l) => l.agent);
      if (byArrival.join() !== lines.map((l) => l.agent).join()) reordered++;
    }
    expect(reordered).toBeGreaterThan(0);
    // Every class of the example was picked at least once, so each class's order was checked.
    expect(new Set(picks.map((p) => p.class))).toEqual(new Set(['deadline', 'rt', 'fair']));
  });

  it('show classes in rank order with their labels and their own numbers, and slot holders with theirs', () => {
    const cursor = events.findIndex((e) => e.type === 'sched.picked' && e.class === 'fair');
    const [m] = queuesAt(cursor);
    const ranks = ['deadline', 'rt', 'fifo', 'fair', 'priority', 'idle'];
    const shown = m!.classes.map((c) => c.class);
    expect(shown).toEqual([...shown].sort((a, b) => ranks.indexOf(a) - ranks.indexOf(b)));
    const fair = m!.classes.find((c) => c.class === 'fair')!;
    expect(fair.label).toBe('fair (EEVDF)');
    for (const l of fair.waiting) expect(l.numbers.map(([k]) => k)).toEqual(['vruntime', 'lag', 'vdeadline']);
    expect(m!.slots.some((s) => s.holder !== null)).toBe(true);
    expect(m!.waitingCount).toBe(waiting(m!).length);
  });

  it('mark an agent whose budget group is spent, naming the group', () => {
    const throttled = events.find((e) => e.type === 'sched.preempted' && e.reason === 'budget');
    expect(throttled).toBeDefined();
    // Once put back in its runqueue, it waits there marked until the group's replenishment.
    const back = events.find((e) => e.seq > throttled!.seq && e.type === 'sched.enqueued' && e.agent === throttled!.agent)!;
    const line = queuesAt(back.seq).flatMap(waiting).find((l) => l.agent === throttled!.agent);
    expect(line?.throttled).toMatch(/^group writers spent until/);
  });
});
