import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness } from '../spec';
import type { KernelState, Proc } from '../state/state';
import { EVENT_SOURCES } from './sources';

const contention = (() => {
  const r = parseHarness(JSON.parse(readFileSync(new URL('../../../public/examples/contention.json', import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
})();

describe('the run loop', () => {
  it('asks its event sources in this priority order (a person first, the clock last)', () => {
    expect(EVENT_SOURCES.map((s) => s.name)).toEqual([
      'human-input',
      'deadline-miss',
      'livelock',
      'goal-stop',
      'model-fault',
      'delegation',
      'a2a-task',
      'fact-retention',
      'act',
      'syscall-decide',
      'lease-end',
      'memory',
      'validity',
      'deliver',
      'wake',
      'budget-throttle',
      'budget-stop',
      'slice-boundary',
      'cutoff',
      'turn-taking',
      'enqueue',
      'pick',
      'start-inference',
      'judge',
      'goal-met',
      'limits',
      'all-finished',
      'advance-clock',
    ]);
  });

  it('records a person\'s input before anything else the run could do', async () => {
    const k = Kernel.create(contention, { runId: 'r', seed: 1 });
    await k.runUntil({ maxEvents: 40 });
    expect(k.submit({ kind: 'stop', detail: 'enough' })).toEqual({ ok: true });
    const e = await k.step();
    expect(e).toMatchObject({ type: 'run.stopped', reason: 'stopped', detail: 'enough' });
  });
});

/** A state as an older studio stored it: the slot phase encoded in `until` (-1 picked, -2 boundary, -3 throttle noted). */
function legacy(state: KernelState): KernelState {
  const old = JSON.parse(JSON.stringify(state)) as KernelState;
  const code = { picked: -1, boundary: -2, 'throttle-noted': -3 } as const;
  for (const p of Object.values(old.procs) as (Omit<Proc, 'slotPhase'> & { slotPhase?: Proc['slotPhase'] })[]) {
    if (p.slotPhase !== undefined && p.slotPhase in code) p.until = code[p.slotPhase as keyof typeof code];
    delete p.slotPhase;
  }
  return old;
}

describe('a snapshot stored before the slot phase had a name', () => {
  it('resumes to the same trace as the run that never stopped, from picked, boundary and throttle-noted states', async () => {
    const full = Kernel.create(contention, { runId: 'r', seed: 2, snapshotEvery: 3 });
    await full.runUntil();
    const phases = new Set<string>();
    const chosen = full.snapshots().filter((snap) => {
      const fresh = Object.values(snap.state.procs).map((p) => p.slotPhase).filter((ph) => ph !== 'off' && ph !== 'slicing' && !phases.has(ph));
      for (const ph of fresh) phases.add(ph);
      return fresh.length > 0;
    });
    expect(phases).toEqual(new Set(['picked', 'boundary', 'throttle-noted']));
    for (const snap of chosen) {
      const events = full.events.slice(0, snap.seq + 1);
      const k = Kernel.restore(events, contention, { runId: 'r', seed: 2, snapshot: legacy(snap.state) });
      expect(k.state.procs).toEqual(snap.state.procs);
      await k.runUntil();
      expect(k.traceHash()).toBe(full.traceHash());
    }
  });
});
