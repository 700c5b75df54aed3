import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { FOREVER } from '../sched/core';
import { groupSpent, spentForGood } from '../sched/spawnBudget';
import { parseHarness, type HarnessSpec } from '../spec';
import type { KernelState, Proc } from '../state/state';
import type { RunIndex } from './runIndex';

/**
 * The references: the scans the budget and delegation sources made before the run index kept
 * their answers (schedule.ts throttleSpentGroup and stopOnSpentRoot, spawnSources.ts
 * nextDelegationEvent), written out plainly over `Object.values` in table order.
 */
const ended = (p: Proc | undefined): boolean => p === undefined || p.state === 'done' || p.state === 'failed';

function referenceThrottle(s: KernelState): string | null {
  for (const g of Object.values(s.groups)) if (g.throttledUntil === null && groupSpent(s.groups, g)) return g.id;
  return null;
}

function referenceSpentRoot(s: KernelState): string | null {
  return Object.values(s.groups).find((g) => g.parent === null && spentForGood(g))?.id ?? null;
}

/** advance.ts's offer of the groups: the throttled group a period refills first, by (max(now, until), place). */
function referenceRefill(s: KernelState): string | null {
  let best: { t: number; id: string } | null = null;
  for (const g of Object.values(s.groups)) {
    if (g.throttledUntil === null || g.throttledUntil === FOREVER) continue;
    const t = Math.max(s.now, g.throttledUntil);
    if (best === null || t < best.t) best = { t, id: g.id };
  }
  return best === null ? null : `${best.id}@${best.t}`;
}

function referenceDelegation(s: KernelState): string | null {
  const spawns = s.spawns;
  if (spawns === undefined && s.promoted === undefined) return null;
  if (spawns !== undefined) {
    for (const r of Object.values(spawns)) {
      if (r.exited || r.detach) continue;
      const child = s.procs[r.child];
      if (!child || ended(child) || !ended(s.procs[r.parent])) continue;
      return `kill ${r.child}`;
    }
    for (const r of Object.values(spawns)) {
      if (r.exited) continue;
      const child = s.procs[r.child];
      if (!child) continue;
      if (!ended(child)) {
        const g = r.group === null ? undefined : s.groups[r.group];
        if (!g || !spentForGood(g) || child.slot >= 0 || child.call !== null) continue;
      }
      return `exit ${r.child}`;
    }
  }
  for (const h of Object.values(s.handles)) {
    if (h.ended !== null) continue;
    if (h.from !== undefined) {
      const src = s.handles[h.from];
      if (src && src.ended !== null) return `expire ${h.id}`;
    }
    if (h.refs !== undefined && h.refs.some((a) => ended(s.procs[a]))) return `release ${h.id}`;
  }
  return null;
}

/** What the indexes answer to the same three questions. */
function indexed(index: RunIndex, s: KernelState): { throttle: string | null; root: string | null; refill: string | null; delegation: string | null } {
  const d = index.delegation;
  let delegation: string | null = null;
  if (s.spawns !== undefined || s.promoted !== undefined) {
    const next = d.nextSpawn(s);
    const h = d.handleToEnd(s);
    if (next !== undefined) delegation = `${next.kill ? 'kill' : 'exit'} ${next.r.child}`;
    else if (h !== undefined) {
      const src = h.from === undefined ? undefined : s.handles[h.from];
      delegation = `${src && src.ended !== null ? 'expire' : 'release'} ${h.id}`;
    }
  }
  const refill = d.nextRefill(s);
  return { throttle: d.groupToThrottle(s)?.id ?? null, root: d.spentRoot(s)?.id ?? null, refill: refill === null ? null : `${refill.g.id}@${refill.t}`, delegation };
}

const runOf = (k: Kernel): { index: RunIndex; s: KernelState } => (k as unknown as { run: { index: RunIndex; s: KernelState } }).run;

/**
 * Runs `spec` to its stop one event at a time (approving every ask; `kills` are a person's kills
 * submitted at those steps), comparing the indexes' answers with the scans after every event.
 */
async function compared(spec: HarnessSpec, seed: number, kills: { step: number; agent: string; mode: 'kill' | 'cancel' }[] = [], snapshotEvery?: number): Promise<{ k: Kernel; diffs: string[]; answered: Set<string> }> {
  const k = Kernel.create(spec, { runId: 'r', seed, ...(snapshotEvery ? { snapshotEvery } : {}) });
  const diffs: string[] = [];
  const answered = new Set<string>();
  for (let i = 0; i < 5_000 && !k.stopped; i++) {
    for (const kill of kills) if (kill.step === i) k.submit({ kind: 'kill', agent: kill.agent, mode: kill.mode });
    if (k.waiting) {
      const asks = k.openAsks();
      for (const ask of asks) k.submit({ kind: 'approve', callId: ask.callId, remember: false });
      if (asks.length === 0) k.submit({ kind: 'stop' });
    }
    const e = await k.step();
    if (e === null && !k.stopped && !k.waiting) break;
    const { index, s } = runOf(k);
    const want = { throttle: referenceThrottle(s), root: referenceSpentRoot(s), refill: referenceRefill(s), delegation: referenceDelegation(s) };
    const got = indexed(index, s);
    for (const [key, v] of Object.entries(want)) if (v !== null) answered.add(key === 'delegation' ? v.split(' ')[0]! : key);
    if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`after event ${k.head} (${k.events[k.head]!.type}): ${JSON.stringify(got)} (index) vs ${JSON.stringify(want)} (scan)`);
    const problems = k.indexProblems();
    if (problems.length > 0) diffs.push(`after event ${k.head} (${k.events[k.head]!.type}): ${problems.join('; ')}`);
    if (diffs.length > 3) break;
  }
  return { k, diffs, answered };
}

function parsed(doc: unknown): HarnessSpec {
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

function example(name: string): HarnessSpec {
  return parsed(JSON.parse(readFileSync(new URL(`../../../public/examples/${name}`, import.meta.url), 'utf8')));
}

interface Lead {
  group: { tokens?: number; cost?: number; periodMs?: number; nested: boolean };
  carve: number | null;
  detach: boolean;
  recv: boolean;
  workerTokens: number;
  grandchild: { carve: number | null; tokens: number; detach: boolean } | null;
}

const leadArb: fc.Arbitrary<Lead> = fc.record({
  group: fc.record({
    tokens: fc.option(fc.integer({ min: 100, max: 3000 }), { nil: undefined }),
    cost: fc.option(fc.constantFrom(0.0001, 0.0005, 0.01), { nil: undefined }),
    periodMs: fc.option(fc.constantFrom(500, 4000), { nil: undefined }),
    nested: fc.boolean(),
  }),
  carve: fc.option(fc.integer({ min: 50, max: 800 }), { nil: null }),
  detach: fc.boolean(),
  recv: fc.boolean(),
  workerTokens: fc.integer({ min: 10, max: 900 }),
  grandchild: fc.option(fc.record({ carve: fc.option(fc.integer({ min: 20, max: 300 }), { nil: null }), tokens: fc.integer({ min: 10, max: 500 }), detach: fc.boolean() }), { nil: null }),
});

/** A document of leads, each in its own group (some nested under the first), spawning a worker that may spawn a helper. */
function randomDocument(leads: Lead[]): HarnessSpec {
  const groups: unknown[] = [{ id: 'root', name: 'Root', tokens: 20_000 }];
  const agents: unknown[] = [];
  const channels: unknown[] = [];
  leads.forEach((l, i) => {
    groups.push({ id: `g${i}`, name: `Group ${i}`, ...(l.group.tokens !== undefined ? { tokens: l.group.tokens } : {}), ...(l.group.cost !== undefined ? { cost: l.group.cost } : {}), ...(l.group.periodMs !== undefined ? { periodMs: l.group.periodMs } : {}), ...(l.group.nested ? { parent: 'root' } : {}) });
    const spawn = { op: 'spawn', agent: `worker${i}`, task: 'Count.', ...(l.carve !== null ? { tokens: l.carve } : {}), ...(l.detach ? { detach: true } : {}) };
    agents.push({
      id: `lead${i}`, name: `Lead ${i}`, model: 'sim', systemPrompt: 'You delegate.', sched: { class: 'fair', group: `g${i}` },
      behaviour: [{ op: 'think', text: 'Planning.', tokens: 30 }, spawn, ...(l.recv ? [{ op: 'recv', from: `worker${i}`, as: 'r' }] : []), { op: 'finish', text: 'Done.' }],
    });
    const g = l.grandchild;
    agents.push({
      id: `worker${i}`, name: `Worker ${i}`, model: 'sim', systemPrompt: 'You count.', sched: { class: 'fair' },
      behaviour: [
        { op: 'think', text: 'Counting.', tokens: l.workerTokens },
        ...(g ? [{ op: 'spawn', agent: `helper${i}`, task: 'Help.', ...(g.carve !== null ? { tokens: g.carve } : {}), ...(g.detach ? { detach: true } : {}) }] : []),
        { op: 'finish', text: 'Counted.' },
      ],
    });
    channels.push({ id: `c${i}`, from: `lead${i}`, to: `worker${i}`, kind: 'delegate', spawn: {} });
    if (g) {
      agents.push({ id: `helper${i}`, name: `Helper ${i}`, model: 'sim', systemPrompt: 'You help.', sched: { class: 'fair' }, behaviour: [{ op: 'think', text: 'Helping.', tokens: g.tokens }, { op: 'finish', text: 'Helped.' }] });
      channels.push({ id: `h${i}`, from: `worker${i}`, to: `helper${i}`, kind: 'delegate', spawn: {} });
    }
  });
  return parsed({
    version: 1, name: 'random spawns', models: [{ id: 'sim', name: 'Sim', provider: 'sim', contextWindow: 4096, priceIn: 0.15, priceOut: 0.6, quality: 3, slots: 2, tokensPerSecond: 80 }],
    groups, agents, channels, goals: [], limits: { maxSteps: 200 },
  });
}

describe('the delegation index (budget groups, spawn records, handles to end)', () => {
  it('answers what the scans answered after every event of random documents with groups, carves, kills and nested spawns', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(leadArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.record({ step: fc.integer({ min: 0, max: 120 }), who: fc.nat(), mode: fc.constantFrom<'kill' | 'cancel'>('kill', 'cancel') }), { maxLength: 2 }),
        fc.option(fc.integer({ min: 3, max: 40 }), { nil: undefined }),
        async (leads, seed, killAt, snapshotEvery) => {
          const kills = killAt.map((x) => ({ step: x.step, agent: `lead${x.who % leads.length}`, mode: x.mode }));
          const { diffs, answered } = await compared(randomDocument(leads), seed, kills, snapshotEvery);
          for (const a of answered) seen.add(a);
          expect(diffs).toEqual([]);
        },
      ),
      { numRuns: 120, seed: 20261207 },
    );
    // The runs reached every kind of answer, so each was compared while it mattered.
    expect(seen).toContain('kill');
    expect(seen).toContain('exit');
    expect(seen).toContain('throttle');
    expect(seen).toContain('root');
    expect(seen).toContain('refill');
  });

  it('answers what the scans answered on the shipped delegation examples, durable handles released included', async () => {
    for (const name of ['spawn-tree.json', 'spawn-background.json', 'proc-budget.json', 'research-team.json']) {
      const { k, diffs, answered } = await compared(example(name), 1);
      expect(diffs, name).toEqual([]);
      expect(k.stopped, name).toBe(true);
      if (name === 'spawn-background.json') expect([...answered]).toContain('release');
    }
  });

  it('is rebuilt in step when a run is restored from a snapshot mid-run', async () => {
    const spec = randomDocument([
      { group: { tokens: 400, nested: true }, carve: 200, detach: false, recv: true, workerTokens: 500, grandchild: { carve: 100, tokens: 300, detach: false } },
      { group: { tokens: 2000, nested: false }, carve: 300, detach: false, recv: false, workerTokens: 40, grandchild: null },
    ]);
    const full = Kernel.create(spec, { runId: 'r', seed: 2, snapshotEvery: 5 });
    await full.runUntil();
    expect(full.events.some((e) => e.type === 'spawn.exited' && e.code === 'budget-exhausted')).toBe(true);
    for (const snap of full.snapshots().slice(1)) {
      const k = Kernel.restore(full.events.slice(0, snap.seq + 1), spec, { runId: 'r', seed: 2, snapshot: snap.state });
      expect(k.indexProblems(), `restored at ${snap.seq}`).toEqual([]);
      await k.runUntil();
      expect(k.traceHash()).toBe(full.traceHash());
    }
  });
});
