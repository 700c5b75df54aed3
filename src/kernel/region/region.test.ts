/**
 * Regions: a handle taken before a fault dropped the region's lock is refused (typed, with both
 * generations) and the agent re-acquires and reads the new version; a fresh handle is accepted;
 * a write to a read-only region is refused; without regions every one of these goes through.
 */
import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from '../test/TestKernel';
import type { HarnessSpecInput } from '../spec';

type Doc = Partial<HarnessSpecInput>;

/** A writer rewrites `doc.a` while the reader's fault on `doc.b` is retried; the reader then reads `doc.a` again. */
function shared(regions: Doc['regions'], readerSteps?: NonNullable<Doc['agents']>[number]['behaviour']): Doc {
  return {
    agents: [
      { id: 'writer', name: 'W', model: 'm', behaviour: [{ op: 'write', artifact: 'doc.a', text: 'version one' }, { op: 'think', text: 'x' }, { op: 'think', text: 'y' }, { op: 'write', artifact: 'doc.a', text: 'version two' }, { op: 'write', artifact: 'doc.b', text: 'appendix' }, { op: 'finish', text: 'w' }] },
      {
        id: 'reader', name: 'R', model: 'm',
        behaviour: readerSteps ?? [{ op: 'think', text: 'wait' }, { op: 'think', text: 'wait' }, { op: 'read', ref: 'artifact:doc.a', as: 'a' }, { op: 'read', ref: 'artifact:doc.b', as: 'b' }, { op: 'read', ref: 'artifact:doc.a', as: 'a' }, { op: 'finish', text: '{{var.a}}' }],
      },
    ],
    ...(regions ? { regions } : {}),
    slots: 2,
  } as Doc;
}

const DOC_REGION = [{ id: 'doc', kind: 'artifact' as const, match: 'doc.', access: { writer: 'rw' as const, reader: 'r' as const } }];

describe('regions', () => {
  it('refuses a stale handle after a lock-dropping fault, then the re-acquired handle reads the new version', async () => {
    const t = await new TestKernel(harness(shared(DOC_REGION))).runToStop();
    const faults = t.events('mem.faulted');
    const first = faults.find((e) => e.ref === 'artifact:doc.a' && e.outcome === 'cow')!;
    expect(first.region).toMatchObject({ id: 'doc', handle: 'doc#1' });
    const retry = faults.find((e) => e.ref === 'artifact:doc.b' && e.outcome === 'retry')!;
    expect(retry.region!.dropped).toEqual({ from: first.region!.generation, invalidated: 1 });
    expect(retry.region!.generation).toBe(first.region!.generation + 1);
    const [stale] = t.events('region.stale');
    expect(stale).toMatchObject({ agent: 'reader', region: 'doc', ref: 'artifact:doc.a', handle: 'doc#1', handleGeneration: first.region!.generation });
    expect(stale!.generation).toBeGreaterThan(stale!.handleGeneration);
    // The refusal reached the reader as a tool result; the next read re-acquired and got the new text.
    const after = faults.filter((e) => e.seq > stale!.seq && e.ref === 'artifact:doc.a');
    expect(after[0]).toMatchObject({ outcome: 'cow', text: 'version two', region: { handle: 'doc#3', generation: stale!.generation } });
    expect(t.state.procs.reader!.finished).toBe('version two');
    expect(t.state.procs.reader!.context.some((s) => s.text.startsWith('stale handle doc#1'))).toBe(true);
  });

  it('accepts a fresh handle: reading again with no fault in between uses the same handle', async () => {
    const steps = [{ op: 'think', text: 'wait' }, { op: 'think', text: 'wait' }, { op: 'read', ref: 'artifact:doc.a', as: 'a' }, { op: 'read', ref: 'artifact:doc.a', as: 'a' }, { op: 'finish', text: '{{var.a}}' }];
    const t = await new TestKernel(harness(shared(DOC_REGION, steps as never))).runToStop();
    expect(t.events('region.stale')).toHaveLength(0);
    const reads = t.events('mem.faulted').filter((e) => e.outcome === 'cow');
    expect(reads.map((e) => e.region!.handle)).toEqual(['doc#1', 'doc#1']);
  });

  it('without regions the same run has no handles and the stale read simply reads', async () => {
    const t = await new TestKernel(harness(shared(undefined))).runToStop();
    expect(t.events('region.stale')).toHaveLength(0);
    expect(t.events('mem.faulted').every((e) => e.region === undefined)).toBe(true);
    expect(t.state.regions).toBeUndefined();
  });

  it('refuses a write to a read-only region, and reads to a region the agent may not see', async () => {
    const steps = [{ op: 'write', artifact: 'doc.a', text: 'reader was here' }, { op: 'read', ref: 'artifact:doc.secret' }, { op: 'finish', text: 'r' }];
    const regions = [...DOC_REGION, { id: 'secret', kind: 'artifact' as const, match: 'doc.secret', access: { writer: 'rw' as const }, others: 'none' as const }];
    // The first matching region decides: list the narrower one first.
    const t = await new TestKernel(harness(shared([regions[1]!, regions[0]!], steps as never))).runToStop();
    const denied = t.events('region.denied');
    expect(denied.map((e) => [e.region, e.access, e.permission])).toEqual([['doc', 'write', 'r'], ['secret', 'read', 'none']]);
    expect(t.events('artifact.written').filter((e) => e.agent === 'reader')).toHaveLength(0);
    const open = await new TestKernel(harness(shared(undefined, steps as never))).runToStop();
    expect(open.events('artifact.written').filter((e) => e.agent === 'reader')).toHaveLength(1);
  });
});

describe('regions in the document', () => {
  it('names a permission for an agent that does not exist, at its path', async () => {
    const { parseHarness } = await import('../spec');
    const r = parseHarness({ version: 1, name: 'x', models: [{ id: 'm', name: 'M', provider: 'sim' }], agents: [{ id: 'a', name: 'A', model: 'm' }], regions: [{ id: 'doc', kind: 'artifact', match: 'doc', access: { ghost: 'r' } }] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.message)).toEqual(['regions[0].access.ghost: expected the id of an agent, found "ghost", which does not exist']);
  });
});
