import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import { decideCutoff } from './cutoff';

const example = ((): HarnessSpec => {
  const r = parseHarness(JSON.parse(readFileSync(new URL('../../../public/examples/cutoff.json', import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
})();

async function run(spec: HarnessSpec, seed = 1): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: 'r', seed });
  await k.runUntil();
  return k;
}

const decided = (events: readonly KernelEvent[], agent: string): EventOf<'cutoff.decided'>[] =>
  events.filter((e): e is EventOf<'cutoff.decided'> => e.type === 'cutoff.decided' && e.agent === agent);

describe('the cutoff rule (pure)', () => {
  it('continues while gain × value ≥ cost, the gain being progress per turn so far, capped by what is left', () => {
    // 4 turns cost 0.4: 0.1 a turn; progress 0.5 over 4 turns: 0.125 a turn.
    expect(decideCutoff({ turns: 4, spent: 0.4, progress: 0.5, value: 0.8 })).toMatchObject({ outcome: 'continue', gain: 0.125, cost: 0.1, expected: 0.1, source: 'progress' });
    expect(decideCutoff({ turns: 4, spent: 0.4, progress: 0.5, value: 0.79 }).outcome).toBe('stop');
    // Near the goal, only what is left can be gained; a met goal gains nothing.
    expect(decideCutoff({ turns: 1, spent: 0, progress: 0.9, value: 1 }).gain).toBeCloseTo(0.1);
    expect(decideCutoff({ turns: 3, spent: 0.3, progress: 1, value: 100 })).toMatchObject({ outcome: 'stop', gain: 0 });
  });

  it('takes the gain from an experiment’s pass rates when given: rate(n+1) − rate(n), nothing past the last', () => {
    const rates = [0.3, 0.55, 0.7];
    expect(decideCutoff({ turns: 1, spent: 1, progress: 0, value: 10, passRates: rates })).toMatchObject({ source: 'passRates', outcome: 'continue' });
    expect(decideCutoff({ turns: 1, spent: 1, progress: 0, value: 10, passRates: rates }).gain).toBeCloseTo(0.25);
    expect(decideCutoff({ turns: 2, spent: 2, progress: 0, value: 10, passRates: rates }).gain).toBeCloseTo(0.15);
    expect(decideCutoff({ turns: 3, spent: 3, progress: 0, value: 10, passRates: rates })).toMatchObject({ gain: 0, outcome: 'stop' });
  });
});

describe('cutoff in a run (public/examples/cutoff.json)', () => {
  it('decides before every further turn with the numbers of the run so far, and stops exactly when the rule says', async () => {
    const k = await run(example);
    for (const agent of ['polisher', 'tester']) {
      const ds = decided(k.events, agent);
      expect(ds.length).toBeGreaterThan(1);
      for (const d of ds) {
        const before = k.stateAt(d.seq - 1).procs[agent]!;
        // The cost is the agent's own money per turn so far; the outcome is the rule applied to the numbers.
        expect(d.turn).toBe(before.turn);
        expect(d.cost).toBeCloseTo(before.cost / before.turn, 12);
        expect(d.expected).toBeCloseTo(d.gain * d.value, 12);
        expect(d.outcome).toBe(d.gain * d.value >= d.cost ? 'continue' : 'stop');
      }
      // Every decision but the last continues; the last stops, and the agent finishes right after it.
      expect(ds.slice(0, -1).every((d) => d.outcome === 'continue')).toBe(true);
      const stop = ds.at(-1)!;
      expect(stop.outcome).toBe('stop');
      expect(k.events[stop.seq + 1]).toMatchObject({ type: 'agent.finished', agent, text: expect.stringMatching(/^cut off before turn/) });
      expect(k.events.some((e) => e.seq > stop.seq && e.type === 'infer.started' && e.agent === agent)).toBe(false);
    }
    expect(decided(k.events, 'polisher').map((d) => [d.turn, d.outcome])).toEqual([[1, 'continue'], [2, 'continue'], [3, 'continue'], [4, 'stop']]);
    expect(decided(k.events, 'tester').at(-1)).toMatchObject({ turn: 5, source: 'passRates' });
  });

  it('without a cutoff the same agents run their whole scripts', async () => {
    const spec = structuredClone(example);
    for (const a of spec.agents) delete a.cutoff;
    const k = await run(spec);
    expect(k.events.some((e) => e.type === 'cutoff.decided')).toBe(false);
    expect(k.state.procs.polisher!.turn).toBe(10);
    expect(k.state.goalsMet.postmortem).toBe(true);
  });
});
