/**
 * explainAccess names the region decision, as the run makes it: a store search or insert the
 * region refuses is explained as the region's deny (the run emits region.denied), one it allows
 * names the region beside the gate's reason, and an artifact write is decided by its region alone.
 */
import { describe, expect, it } from 'vitest';
import { explainAccess } from './explainAccess';
import { harness, TestKernel } from './test/TestKernel';
import type { HarnessSpecInput } from './spec';

type Doc = Partial<HarnessSpecInput>;

/** `reader` may search `notes` (its capability) and use the declared search tool over it; `writer` may also insert. */
function doc(regions: Doc['regions']): Doc {
  return {
    stores: [{ id: 'notes', name: 'Notes', documents: [{ text: 'the vault code is 4417' }] }],
    tools: [{ id: 'lookup', name: 'lookup', impl: { kind: 'search', store: 'notes' } }],
    agents: [
      { id: 'reader', name: 'R', model: 'm', capabilities: [{ target: 'notes', access: 'read' }, { target: 'lookup', access: 'use' }], behaviour: [{ op: 'search', store: 'notes', query: 'vault' }, { op: 'finish', text: 'r' }] },
      { id: 'writer', name: 'W', model: 'm', capabilities: [{ target: 'notes', access: 'readwrite' }], behaviour: [{ op: 'remember', store: 'notes', text: 'x' }, { op: 'write', artifact: 'doc.a', text: 'y' }, { op: 'finish', text: 'w' }] },
    ],
    ...(regions ? { regions } : {}),
  } as Doc;
}

const REGIONS = [
  { id: 'vault', kind: 'store' as const, match: 'notes', access: { reader: 'none' as const, writer: 'r' as const } },
  { id: 'doc', kind: 'artifact' as const, match: 'doc.', access: { writer: 'r' as const, reader: 'rw' as const } },
];

describe('explainAccess: regions', () => {
  it('explains a store search and insert its region refuses as the region deny the run emits', async () => {
    const spec = harness(doc(REGIONS));
    const search = explainAccess(spec, 'reader', 'notes', 'read');
    expect([search.effect, search.module, search.rule, search.code, search.hook]).toEqual(['deny', 'region', 'region vault', 'region-denied', 'memory.read']);
    expect(search.region).toMatchObject({ region: 'vault', permission: 'none', allowed: false });
    // The declared search tool over the same store, and an insert where the writer only reads.
    expect(explainAccess(spec, 'reader', 'lookup', 'use')).toMatchObject({ effect: 'deny', module: 'region', region: { region: 'vault', permission: 'none' } });
    const insert = explainAccess(spec, 'writer', 'notes', 'write');
    expect([insert.effect, insert.module, insert.hook]).toEqual(['deny', 'region', 'memory.write']);
    expect(explainAccess(spec, 'writer', 'notes', 'read')).toMatchObject({ effect: 'allow', region: { permission: 'r', allowed: true } });
    expect(explainAccess(spec, 'writer', 'notes', 'readwrite').effect).toBe('deny');
    // The explanation's words are the ones the run gives the agent.
    const run = await new TestKernel(spec).runToStop();
    const denied = run.events('region.denied');
    expect(denied.find((e) => e.agent === 'reader')!.detail).toBe(search.reason);
    expect(denied.find((e) => e.agent === 'writer' && e.ref === 'store:notes')!.detail).toBe(insert.reason);
  });

  it('names a region that allows the access beside the gate reason, and leaves a document without regions as it was', () => {
    const allowed = explainAccess(harness(doc([{ ...REGIONS[0]!, access: { reader: 'r' } }])), 'reader', 'notes', 'read');
    const plain = explainAccess(harness(doc(undefined)), 'reader', 'notes', 'read');
    expect(plain.effect).toBe('allow');
    expect(plain.region).toBeUndefined();
    expect(allowed.effect).toBe('allow');
    expect(allowed.module).toBe(plain.module);
    expect(allowed.reason).toBe(`${plain.reason}; read of store:notes (archival_search) allowed: reader holds "r" on region vault (store notes (archive))`);
  });

  it('explains an artifact write by its region alone', async () => {
    const spec = harness(doc(REGIONS));
    const refused = explainAccess(spec, 'writer', 'artifact:doc.a', 'write');
    expect([refused.effect, refused.module, refused.rule, refused.code]).toEqual(['deny', 'region', 'region doc', 'region-denied']);
    const run = await new TestKernel(spec).runToStop();
    expect(run.events('region.denied').find((e) => e.ref === 'artifact:doc.a')!.detail).toBe(refused.reason);
    expect(explainAccess(spec, 'reader', 'artifact:doc.a', 'write')).toMatchObject({ effect: 'allow', region: { permission: 'rw' } });
    expect(explainAccess(spec, 'writer', 'artifact:doc.a', 'read')).toMatchObject({ effect: 'allow', rule: 'region doc' });
    expect(explainAccess(spec, 'writer', 'artifact:report', 'write')).toMatchObject({ effect: 'allow', rule: null });
    expect(() => explainAccess(spec, 'writer', 'artifact:doc.a', 'use')).toThrow('artifact:doc.a is read or written, not used');
  });
});
