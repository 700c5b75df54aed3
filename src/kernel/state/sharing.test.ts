/**
 * Snapshots that share unchanged agents with the snapshot before, and the incremental state
 * meter, give exactly what a whole copy and a whole measurement give, after every event of every
 * example; later events never leak into a snapshot taken earlier.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import { applyEvent, cloneState, stateFromStart } from './reduce';
import { StateSharing } from './sharing';

function example(name: string): HarnessSpec {
  const r = parseHarness(readFileSync(new URL(`../../../public/examples/${name}`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

/** Runs to the stop (approving every ask), a snapshot after every event. */
async function run(spec: HarnessSpec, seed: number): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: 'r', seed, snapshotEvery: 1 });
  for (let i = 0; i < 20_000 && !k.stopped; i++) {
    if (k.waiting) {
      const asks = k.openAsks();
      for (const ask of asks) k.submit({ kind: 'approve', callId: ask.callId, remember: false });
      if (asks.length === 0) k.submit({ kind: 'stop' });
    }
    const e = await k.step();
    if (e === null && !k.stopped && !k.waiting) break;
  }
  return k;
}

const EXAMPLES = ['approvals.json', 'ask-human.json', 'contention.json', 'delegation.json', 'distractors.json', 'injection.json', 'livelock.json', 'paging.json', 'research-team.json'];

/** Replays `events` on a tracked state: after each, the shared snapshot and the meter against a whole copy and a whole measurement. */
function replayChecked(events: readonly KernelEvent[]): string[] {
  const problems: string[] = [];
  const live = stateFromStart(events[0] as EventOf<'run.started'>);
  const sharing = new StateSharing();
  sharing.track(live);
  const taken: { seq: number; json: string; snap: unknown }[] = [];
  for (let i = 0; i < events.length && problems.length < 3; i++) {
    if (i > 0) applyEvent(live, events[i]!);
    const whole = JSON.stringify(cloneState(live));
    const snap = sharing.snapshot(live);
    const json = JSON.stringify(snap);
    if (json !== whole) problems.push(`snapshot after event ${i} (${events[i]!.type}) differs from a whole copy`);
    // Every third event only: the meter then sees changes from several events at once.
    if (i % 3 === 0 && sharing.jsonLength(live) !== JSON.stringify(live).length) problems.push(`meter after event ${i} (${events[i]!.type}) differs from the JSON length`);
    taken.push({ seq: i, json, snap });
  }
  for (const t of taken) if (JSON.stringify(t.snap) !== t.json) problems.push(`snapshot after event ${t.seq} changed later`);
  return problems;
}

describe('snapshots sharing unchanged agents', () => {
  it('equal a whole copy after every event of every example (seeds 1-3), and later events never change one', async () => {
    for (const name of EXAMPLES) {
      for (const seed of [1, 2, 3]) {
        const k = await run(example(name), seed);
        expect(k.stopped, `${name} seed ${seed} ran to its stop`).toBe(true);
        expect(replayChecked(k.events), `${name} seed ${seed}`).toEqual([]);
      }
    }
  });

  it("are what the run loop keeps: each of the kernel's snapshots equals the state a replay from the start reaches", async () => {
    for (const name of ['research-team.json', 'contention.json', 'paging.json', 'approvals.json']) {
      const k = await run(example(name), 1);
      const replayed = stateFromStart(k.events[0] as EventOf<'run.started'>);
      let at = 0;
      for (const snap of k.snapshots()) {
        while (at < snap.seq) applyEvent(replayed, k.events[++at]!);
        expect(JSON.stringify(snap.state), `${name} snapshot at ${snap.seq}`).toBe(JSON.stringify(cloneState(replayed)));
      }
    }
  });

  it("copy only the agents an event changed: the others are the previous snapshot's records", async () => {
    const k = await run(example('research-team.json'), 1);
    const snaps = k.snapshots();
    let shared = 0;
    for (let i = 1; i < snaps.length; i++) {
      const before = snaps[i - 1]!.state.procs;
      const after = snaps[i]!.state.procs;
      const e = k.events[snaps[i]!.seq]!;
      const copied = Object.keys(after).filter((id) => before[id] !== undefined && after[id] !== before[id]);
      // One event changes one agent's record, or two (a message delivered to another agent).
      expect(copied.length, `agents copied after event ${e.seq} (${e.type}): ${copied.join(', ')}`).toBeLessThanOrEqual(2);
      shared += Object.keys(after).length - copied.length;
    }
    expect(shared).toBeGreaterThan(snaps.length);
  });

  it('keeps window segments frozen in the live state, so a change must replace one (and cannot reach a snapshot)', async () => {
    const k = await run(example('research-team.json'), 2);
    const p = Object.values(k.state.procs)[0]!;
    expect(p.context.length).toBeGreaterThan(0);
    expect(Object.isFrozen(p.context[0])).toBe(true);
    expect(() => {
      (p.context[0] as { text: string }).text = 'changed';
    }).toThrow(TypeError);
  });

  it('copies a state it does not track whole, and measures it whole', () => {
    const s = stateFromStart({ seq: 0, t: 0, run: 'r', type: 'run.started', seed: 1, harness: 'h', specHash: 'x', agents: [], models: {}, stores: {}, groups: [], sched: {} } as never);
    const sharing = new StateSharing();
    expect(JSON.stringify(sharing.snapshot(s))).toBe(JSON.stringify(s));
    expect(sharing.jsonLength(s)).toBe(JSON.stringify(s).length);
  });
});
