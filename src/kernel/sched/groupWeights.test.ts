import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentSpec, HarnessSpec } from '../spec';
import { numberParam } from './schedClass';
import { effectiveSched } from './groupWeights';

/** The definition: each call walks every agent and group of the document (what effectiveSched computed per call before its tree was kept per document). */
function reference(spec: HarnessSpec, agent: AgentSpec): AgentSpec['sched'] {
  const sc = agent.sched;
  if (sc.class !== 'fair' || sc.group === undefined) return sc;
  const byId = new Map(spec.groups.map((g) => [g.id, g]));
  const chainOf = (id: string | undefined): string[] => {
    const out: string[] = [];
    for (let g = id === undefined ? undefined : byId.get(id); g && out.length < 64; g = g.parent === undefined ? undefined : byId.get(g.parent)) out.push(g.id);
    return out;
  };
  const fairAgents = spec.agents.filter((a) => a.sched.class === 'fair');
  const holdsFair = (gid: string): boolean => fairAgents.some((a) => chainOf(a.sched.group).includes(gid));
  const children = (gid: string): number => fairAgents.filter((a) => a.sched.group === gid).length + spec.groups.filter((g) => g.parent === gid && holdsFair(g.id)).length;
  let w = numberParam(sc, 'weight') ?? Math.round(100 * 1.25 ** -(numberParam(sc, 'nice') ?? 0));
  for (const gid of chainOf(sc.group)) w = (w * byId.get(gid)!.weight) / 100 / Math.max(1, children(gid));
  return { ...sc, weight: Math.min(10_000, Math.max(1, Math.round(w))) };
}

describe('effectiveSched (cgroup v2 group weights)', () => {
  it('a team of two in a group of weight 100 each gets half of one ungrouped agent', () => {
    const spec = {
      groups: [{ id: 'team', weight: 100 }],
      agents: [
        { id: 'a', sched: { class: 'fair', group: 'team' } },
        { id: 'b', sched: { class: 'fair', group: 'team' } },
        { id: 'solo', sched: { class: 'fair' } },
      ],
    } as unknown as HarnessSpec;
    expect(effectiveSched(spec, spec.agents[0]!)).toMatchObject({ weight: 50 });
    expect(effectiveSched(spec, spec.agents[2]!)).toEqual({ class: 'fair' });
  });

  it('equals the per-call walk over random group trees, for the document\'s agents and for a spawned agent placed in any group', () => {
    const doc = fc.integer({ min: 1, max: 12 }).chain((ng) =>
      fc.record({
        groups: fc.tuple(...Array.from({ length: ng }, (_, i) => fc.record({ weight: fc.integer({ min: 1, max: 1000 }), parent: fc.option(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { nil: undefined }) }))),
        agents: fc.array(fc.record({ cls: fc.constantFrom('fair', 'fair', 'rt', 'idle'), group: fc.option(fc.integer({ min: 0, max: ng - 1 }), { nil: undefined }), nice: fc.option(fc.integer({ min: -20, max: 19 }), { nil: undefined }), weight: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }) }), { minLength: 1, maxLength: 20 }),
        spawnedInto: fc.option(fc.integer({ min: 0, max: ng }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(doc, ({ groups, agents, spawnedInto }) => {
        const spec = {
          groups: groups.map((g, i) => ({ id: `g${i}`, weight: g.weight, ...(g.parent !== undefined && g.parent < i ? { parent: `g${g.parent}` } : {}) })),
          agents: agents.map((a, i) => ({ id: `a${i}`, sched: { class: a.cls, ...(a.group !== undefined ? { group: `g${a.group}` } : {}), ...(a.nice !== undefined ? { nice: a.nice } : {}), ...(a.weight !== undefined ? { weight: a.weight } : {}) } })),
        } as unknown as HarnessSpec;
        for (const agent of spec.agents) expect(effectiveSched(spec, agent)).toEqual(reference(spec, agent));
        // A spawned child is asked about with a group of its own (a carve the document does not list: g<ng>) or the template's.
        const child = { id: 'child', sched: { class: 'fair', group: `g${spawnedInto ?? 0}` } } as unknown as AgentSpec;
        expect(effectiveSched(spec, child)).toEqual(reference(spec, child));
      }),
      { numRuns: 300 },
    );
  });
});
