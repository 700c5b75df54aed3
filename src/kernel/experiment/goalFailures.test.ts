import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { parseHarness, type HarnessSpec } from '../spec';
import { cliAnswers, runToStop } from '../runToStop';
import type { KernelEvent } from '../trace/events';
import { firstGoalFailure, goalFailures } from './goalFailures';

const distractors = (): HarnessSpec => {
  const r = parseHarness(readFileSync(new URL('../../../public/examples/distractors.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('distractors invalid');
  return r.spec;
};

async function run(spec: HarnessSpec, seed: number): Promise<readonly KernelEvent[]> {
  const k = Kernel.create(spec, { runId: asRunId('t'), seed });
  await runToStop(k, { ...cliAnswers('none'), maxEvents: 100_000 });
  return k.events;
}

/** The first seeds of the distractors example whose run writes the wrong date, and one that writes the right one. */
async function seeds(): Promise<{ failing: number; passing: number; spec: HarnessSpec }> {
  const spec = distractors();
  let failing = -1;
  let passing = -1;
  for (let seed = 1; seed <= 40 && (failing < 0 || passing < 0); seed++) {
    const events = await run(spec, seed);
    const met = events.some((e) => e.type === 'goal.met');
    if (met && passing < 0) passing = seed;
    if (!met && failing < 0) failing = seed;
  }
  return { failing, passing, spec };
}

describe('where a goal failed', () => {
  it('is the event that wrote the wrong date: from there to the stop the check says the same', async () => {
    const { failing, spec } = await seeds();
    expect(failing).toBeGreaterThan(0);
    const events = await run(spec, failing);
    const f = firstGoalFailure(spec, events)!;
    expect(f.goal).toBe('right-date');
    const at = events[f.seq]!;
    expect(at.type).toBe('artifact.written');
    expect(at.type === 'artifact.written' && at.name === 'date' && !at.text.includes('March 3')).toBe(true);
    expect(f.why).toBe('artifact "date" does not contain "March 3"');
    // It is neither the start nor the stop: an earlier event than the one the run stopped at.
    expect(f.seq).toBeLessThan(events[events.length - 1]!.seq);
  });

  it('is nothing when every goal was met', async () => {
    const { passing, spec } = await seeds();
    expect(goalFailures(spec, await run(spec, passing))).toEqual([]);
  });

  it('is the stop when no event ever changed the check (the artifact was never written)', async () => {
    const base = distractors();
    const spec: HarnessSpec = { ...base, goals: [...base.goals, { id: 'never', name: 'an artifact nobody writes', scope: 'run', when: { kind: 'artifact', name: 'nobody-writes-this' } }] };
    const events = await run(spec, 1);
    const stop = events[events.length - 1]!;
    expect(stop.type).toBe('run.stopped');
    const failures = goalFailures(spec, events);
    const never = failures.find((f) => f.goal === 'never')!;
    expect(never).toEqual({ goal: 'never', seq: stop.seq, why: 'artifact "nobody-writes-this" does not exist' });
    // Earliest first: the first failure is never later than any other.
    expect(failures.map((f) => f.seq)).toEqual([...failures.map((f) => f.seq)].sort((a, b) => a - b));
  });

  it('is the last change when a right answer was overwritten with a wrong one (read from the trace, not the last write of anything)', async () => {
    const { passing, spec } = await seeds();
    const events = await run(spec, passing);
    // The same run judged against a date it did not write: the date artifact's write is where that goal failed.
    const other: HarnessSpec = { ...spec, goals: [{ id: 'other-date', name: 'April 1 is written', scope: 'run', when: { kind: 'artifact', name: 'date', contains: 'April 1' } }] };
    const f = firstGoalFailure(other, events)!;
    const writes = events.filter((e) => e.type === 'artifact.written' && e.name === 'date');
    expect(writes.length).toBeGreaterThan(0);
    expect(f.seq).toBe(writes[writes.length - 1]!.seq);
  });
});
