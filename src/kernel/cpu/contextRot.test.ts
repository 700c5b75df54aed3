/**
 * Context rot: the probability follows the declared curve, the sim rots exactly the turns whose
 * seeded draw falls under it (recorded on `mem.rotted` with both numbers), the mistake is in the
 * answer, and without the declaration nothing rots.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { draw } from '../rng';
import { parseHarness, type HarnessSpec } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import { rotProbability } from './contextRot';

type Doc = Record<string, any>;

function example(edit?: (doc: Doc) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL('../../../public/examples/context-rot.json', import.meta.url), 'utf8')) as Doc;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

async function run(spec: HarnessSpec, seed: number): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: 'rot', seed });
  await k.runUntil({ maxEvents: 50_000 });
  return k;
}

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);

describe('context rot', () => {
  it('follows the declared curve: linear from base by perKTokens up to max; logistic through max/2 at the midpoint', () => {
    const linear = { curve: 'linear', perKTokens: 0.1, base: 0.02, max: 0.5 } as const;
    expect(rotProbability(linear, 0)).toBeCloseTo(0.02);
    expect(rotProbability(linear, 2000)).toBeCloseTo(0.22);
    expect(rotProbability(linear, 100_000)).toBe(0.5);
    const logistic = { curve: 'logistic', midpointTokens: 4000, steepness: 2, max: 0.8 } as const;
    expect(rotProbability(logistic, 4000)).toBeCloseTo(0.4);
    expect(rotProbability(logistic, 3000) + rotProbability(logistic, 5000)).toBeCloseTo(0.8);
    expect(rotProbability(logistic, 0)).toBeLessThan(0.001);
    expect(rotProbability(logistic, 6000)).toBeGreaterThan(rotProbability(logistic, 5000));
  });

  it('rots exactly the answers whose seeded draw falls under the curve, with the numbers on mem.rotted', async () => {
    const spec = example();
    let rotted = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const k = await run(spec, seed);
      const completed = of(k.events, 'infer.completed').filter((e) => e.action.kind === 'write' || e.action.kind === 'finish');
      for (const done of completed) {
        const window = k.stateAt(done.seq - 1).procs.analyst!;
        const tokens = window.context.reduce((n, c) => n + c.tokens, 0);
        const p = rotProbability(spec.models[0]!.contextRot!, tokens);
        const u = draw(seed, 'sim:analyst:rot', done.turn);
        const rot = of(k.events, 'mem.rotted').find((e) => e.turn === done.turn);
        expect(rot !== undefined, `seed ${seed} turn ${done.turn}: draw ${u} vs p ${p}`).toBe(u < p);
        if (!rot) continue;
        rotted++;
        expect(rot).toMatchObject({ curve: 'linear', windowTokens: tokens, draw: u, action: done.action.kind });
        expect(rot.p).toBeCloseTo(p, 12);
        // The mistake: the answer is another segment's text.
        const from = window.context.find((c) => c.id === rot.from)!;
        expect('text' in done.action && done.action.text).toBe(from.text);
      }
      const wrote = of(k.events, 'mem.rotted').some((e) => e.action === 'write');
      expect(k.state.goalsMet['right-figure'] === true, `seed ${seed}`).toBe(!wrote);
    }
    expect(rotted).toBeGreaterThan(0);
  });

  it('never rots without the declaration, and an agent\'s curve overrides its model\'s', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const off = await run(example((doc) => delete doc.models[0].contextRot), seed);
      expect(of(off.events, 'mem.rotted')).toHaveLength(0);
      expect(off.state.stopped?.reason).toBe('completed');
      const agentOff = await run(example((doc) => (doc.agents[0].contextRot = { curve: 'linear', perKTokens: 0 })), seed);
      expect(of(agentOff.events, 'mem.rotted')).toHaveLength(0);
    }
    const always = await run(example((doc) => (doc.agents[0].contextRot = { curve: 'linear', perKTokens: 0, base: 1 })), 1);
    expect(of(always.events, 'mem.rotted').map((e) => e.p)).toEqual([1, 1]);
  });

  it('a bigger window rots more often: success across seeds falls as the window grows', async () => {
    const pass = async (window: number): Promise<number> => {
      let n = 0;
      for (let seed = 1; seed <= 20; seed++) if ((await run(example((doc) => (doc.agents[0].memory.window = window)), seed)).state.goalsMet['right-figure']) n++;
      return n;
    };
    const small = await pass(1024);
    const large = await pass(8192);
    expect(small).toBeGreaterThan(large);
  });
});
