import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import { RankSet } from './rankSet';
import { TimerHeap } from './timerHeap';

function example(name: string, edit?: (doc: Record<string, unknown>) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL(`../../../public/examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

/** Runs to the stop one event at a time (approving every ask), checking the indexes after each event. */
async function checkedRun(spec: HarnessSpec, seed: number, snapshotEvery?: number): Promise<{ k: Kernel; problems: string[] }> {
  const k = Kernel.create(spec, { runId: 'r', seed, ...(snapshotEvery ? { snapshotEvery } : {}) });
  const problems: string[] = [];
  for (let i = 0; i < 20_000 && !k.stopped; i++) {
    if (k.waiting) {
      const asks = k.openAsks();
      for (const ask of asks) k.submit({ kind: 'approve', callId: ask.callId, remember: false });
      // Waiting for a message from the person: the person stops the run instead.
      if (asks.length === 0) k.submit({ kind: 'stop' });
    }
    const e = await k.step();
    if (e === null && !k.stopped && !k.waiting) break;
    const p = k.indexProblems();
    if (p.length > 0) problems.push(`after event ${k.head} (${k.events[k.head]!.type}): ${p.join('; ')}`);
    if (problems.length > 3) break;
  }
  return { k, problems };
}

const EXAMPLES = ['approvals.json', 'ask-human.json', 'contention.json', 'delegation.json', 'distractors.json', 'injection.json', 'livelock.json', 'paging.json', 'research-team.json'];

describe('the run loop\'s indexes', () => {
  it('stay in step with the state after every event of every example (seeds 1-3)', async () => {
    for (const name of EXAMPLES) {
      for (const seed of [1, 2, 3]) {
        const { k, problems } = await checkedRun(example(name), seed);
        expect(problems, `${name} seed ${seed}`).toEqual([]);
        expect(k.stopped, `${name} seed ${seed} ran to its stop`).toBe(true);
      }
    }
  });

  it('stay in step with leases that end on a term and with a job', async () => {
    const spec = example('research-team.json', (doc) => {
      const agents = doc.agents as { id: string; capabilities: { leaseMs?: number }[] }[];
      for (const cap of agents.find((a) => a.id === 'researcher')!.capabilities) cap.leaseMs = 200;
    });
    const { k, problems } = await checkedRun(spec, 1);
    expect(problems).toEqual([]);
    expect(k.events.filter((e) => e.type === 'cap.expired').length).toBeGreaterThan(0);
  });

  it('are rebuilt for a restored run, which continues as the run that never stopped', async () => {
    const spec = example('research-team.json');
    const full = Kernel.create(spec, { runId: 'r', seed: 2, snapshotEvery: 7 });
    await full.runUntil();
    for (const snap of full.snapshots().slice(1, 6)) {
      const k = Kernel.restore(full.events.slice(0, snap.seq + 1), spec, { runId: 'r', seed: 2, snapshot: snap.state });
      expect(k.indexProblems()).toEqual([]);
      await k.runUntil();
      expect(k.traceHash()).toBe(full.traceHash());
    }
  });
});

/** A small deterministic generator for the structure tests. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('RankSet', () => {
  it('answers the smallest member at or after i like a sorted array does', () => {
    const rnd = lcg(7);
    const set = new RankSet();
    const ref = new Set<number>();
    for (let step = 0; step < 10_000; step++) {
      const i = Math.floor(rnd() * 3000);
      if (rnd() < 0.55) {
        set.add(i);
        ref.add(i);
      } else {
        set.delete(i);
        ref.delete(i);
      }
      const from = Math.floor(rnd() * 3100);
      let want = -1;
      for (const x of ref) if (x >= from && (want < 0 || x < want)) want = x;
      if (set.next(from) !== want) throw new Error(`step ${step}: next(${from}) = ${set.next(from)}, want ${want}`);
      if (set.size !== ref.size) throw new Error(`step ${step}: size ${set.size}, want ${ref.size}`);
    }
  });
});

describe('TimerHeap', () => {
  it('gives the smallest (time, id), and every entry up to a time, as a sorted list does', () => {
    const rnd = lcg(11);
    const heap = new TimerHeap();
    const ref = new Map<number, number>();
    for (let step = 0; step < 5000; step++) {
      const id = Math.floor(rnd() * 200);
      if (rnd() < 0.6) {
        const t = Math.floor(rnd() * 50);
        heap.set(id, t);
        ref.set(id, t);
      } else {
        heap.delete(id);
        ref.delete(id);
      }
      const sorted = [...ref].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      expect(heap.peek()).toBe(sorted[0]?.[0] ?? -1);
      const limit = Math.floor(rnd() * 50);
      const upTo = sorted.filter(([, t]) => t <= limit).map(([i]) => i);
      expect(heap.smallestIdUpTo(limit)).toBe(upTo.length === 0 ? -1 : Math.min(...upTo));
      const seen: number[] = [];
      heap.forEachUpTo(limit, (i) => seen.push(i));
      expect(seen.sort((a, b) => a - b)).toEqual(upTo.sort((a, b) => a - b));
    }
  });
});
