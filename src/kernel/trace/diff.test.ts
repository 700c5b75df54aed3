import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../spec';
import { TestKernel } from '../test/TestKernel';
import type { EventOf } from './events';
import { diffRuns } from './diff';

function example(name: string): HarnessSpec {
  const r = parseHarness(readFileSync(new URL(`../../../public/examples/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`${name} invalid`);
  return r.spec;
}
const research = example('research-team');
const diffOf = (a: TestKernel, b: TestKernel) => diffRuns(a.events(), b.events(), a.state, b.state);

describe('comparing two runs', () => {
  it('identical runs (another run id) diverge nowhere and list no differences', async () => {
    const a = await new TestKernel(research, { seed: 4, runId: 'a' }).runToEnd();
    const b = await new TestKernel(research, { seed: 4, runId: 'b' }).runToEnd();
    const d = diffOf(a, b);
    expect(d.divergence).toBeNull();
    expect(d.rejoined).toBeNull();
    expect(d.agents.map((x) => x.agent)).toEqual(['planner', 'researcher', 'writer']);
    expect(d.agents.every((x) => x.differences.length === 0)).toBe(true);
  });

  it('a fork with an edited tool result at k diverges at k+1, and its agents differ in their decisions', async () => {
    const a = await new TestKernel(research).runToEnd();
    const r = a.events().find((e): e is EventOf<'tool.returned'> => e.type === 'tool.returned' && e.agent === 'researcher')!;
    const k = r.seq;
    const b = await a.fork(k, { edits: [{ kind: 'tool-result.edit', callId: r.callId, text: 'EDITED FINDING' }] }).runToEnd();
    const d = diffOf(a, b);
    expect(d.divergence).toMatchObject({ seq: k + 1, b: { type: 'run.forked' } });
    expect(d.rejoined?.markers).toBe(2);
    const researcher = d.agents.find((x) => x.agent === 'researcher')!;
    expect(researcher.firstDecision).not.toBeNull();
    expect(researcher.firstDecision?.index).toBe(2);
    expect(researcher.differences[0]).toMatch(/^decision 3 differs: A call archival_insert .*MemGPT.* · B call archival_insert .*EDITED FINDING/);
    expect(researcher.differences.some((x) => x.startsWith('window: '))).toBe(true);
    expect(researcher.differences.some((x) => x.startsWith('cost: '))).toBe(true);
    expect(d.agents.find((x) => x.agent === 'planner')!.differences).toEqual([]);
    // The fork's first own decision differs after the markers, not before.
    expect(d.rejoined!.b).toBeGreaterThan(k + 2);
    expect(d.rejoined!.a).toBe(d.rejoined!.b - 2);
  });

  it('a fork without edits diverges only at its marker and then goes on as its parent', async () => {
    const a = await new TestKernel(research, { seed: 11 }).runToEnd();
    const b = await a.fork(30).runToEnd();
    const d = diffOf(a, b);
    expect(d.divergence?.seq).toBe(31);
    expect(d.rejoined).toBeNull();
    expect(d.agents.every((x) => x.differences.length === 0)).toBe(true);
  });

  it('two seeds part at the first event the seed changes, not at run.started', async () => {
    const spec = example('distractors');
    let found = false;
    for (const seed of [2, 3, 4, 5, 6]) {
      const a = await new TestKernel(spec, { seed: 1 }).runToEnd();
      const b = await new TestKernel(spec, { seed }).runToEnd();
      const d = diffOf(a, b);
      if (a.traceHash() === b.traceHash()) continue;
      expect(d.divergence!.seq).toBeGreaterThan(0);
      expect(d.divergence!.a).not.toEqual(d.divergence!.b);
      expect(d.rejoined).toBeNull();
      // Everything before the divergence is the same event for event (the seed aside).
      for (let i = 1; i < d.divergence!.seq; i++) expect({ ...a.events()[i], run: '' }).toEqual({ ...b.events()[i], run: '' });
      found = true;
      break;
    }
    expect(found).toBe(true);
  });
});
