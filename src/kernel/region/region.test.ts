/**
 * Regions: a handle taken before a fault dropped the region's lock is refused (typed, with both
 * generations) and the agent re-acquires and reads the new version; a fresh handle is accepted;
 * a write to a read-only region is refused; without regions every one of these goes through.
 */
import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from '../test/TestKernel';
import type { HarnessSpecInput } from '../spec';
import { auditRows } from '../trust/audit';
import { traceToOtlp } from '../otel';

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

/** A guest holding a capability to write the store `notes` (built-in archival_insert) and a declared insert tool into it. */
function notes(regions: Doc['regions']): Doc {
  const caps = [{ target: 'notes', access: 'readwrite' as const }, { target: 'file', access: 'use' as const }];
  return {
    stores: [{ id: 'notes', name: 'Notes', documents: [{ text: 'onboarding notes' }] }],
    tools: [{ id: 'file', name: 'file', impl: { kind: 'archival_insert', store: 'notes' } }],
    agents: [{ id: 'guest', name: 'G', model: 'm', capabilities: caps, behaviour: [{ op: 'remember', store: 'notes', text: 'guest note' }, { op: 'call', tool: 'file', args: { text: 'guest file' } }, { op: 'finish', text: 'g' }] }],
    ...(regions ? { regions } : {}),
  } as Doc;
}

/** The store as `agent` sees it: the base, then its own copy-on-write writes (a session-tier store). */
const seen = (t: TestKernel, agent: string): string[] => [...t.state.stores.notes!, ...(t.state.views.notes?.[agent] ?? [])].map((d) => d.text);

const notebook = (guest: 'r' | 'rw') => [{ id: 'notebook', kind: 'store' as const, match: 'notes', access: { guest } }];

describe('regions over a store: archival_insert', () => {
  it('refuses a chunk written into a store region the agent may only read, as region.denied, and stores nothing', async () => {
    const t = await new TestKernel(harness(notes(notebook('r')))).runToStop();
    const denied = t.events('region.denied');
    // The built-in call and the declared insert tool alike, with the same numbers as an artifact write's refusal.
    expect(denied.map((e) => [e.agent, e.region, e.ref, e.access, e.permission, e.tool])).toEqual([
      ['guest', 'notebook', 'store:notes', 'write', 'r', 'archival_insert'],
      ['guest', 'notebook', 'store:notes', 'write', 'r', 'file'],
    ]);
    expect(denied.map((e) => e.callId)).toEqual(t.events('tool.called').map((e) => e.callId));
    // The call ended there: it never ran, nothing was stored, and the guest went on to finish.
    expect(t.events('tool.returned')).toHaveLength(0);
    expect(seen(t, 'guest')).toEqual(['onboarding notes']);
    expect(t.state.procs.guest!.finished).toBe('g');
    expect(t.state.procs.guest!.context.some((x) => x.text.startsWith('write of store:notes (archival_insert) refused: guest holds "r" on region notebook'))).toBe(true);
    // The audit table and the OpenTelemetry export end the calls as refused, not as still running.
    const rows = auditRows(t.events()).filter((r) => r.callId !== undefined);
    expect(rows.map((r) => [r.outcome, r.authority.module, r.changed])).toEqual([['denied', 'region', null], ['denied', 'region', null]]);
    const spans = traceToOtlp(t.events(), { startUnixMs: 0 }).resourceSpans[0]!.scopeSpans[0]!.spans.filter((sp) => sp.name.startsWith('execute_tool'));
    expect(spans.map((sp) => [sp.status.code, sp.status.message])).toEqual([[2, denied[0]!.detail], [2, denied[1]!.detail]]);
  });

  it('stores the same writes in a region the agent may write, and without regions', async () => {
    for (const regions of [notebook('rw'), undefined]) {
      const t = await new TestKernel(harness(notes(regions))).runToStop();
      expect(t.events('region.denied')).toHaveLength(0);
      expect(seen(t, 'guest')).toEqual(['onboarding notes', 'guest note', 'guest file']);
    }
  });
});

/** A guest holding a capability to read the store `notes` (built-in archival_search) and a declared search tool over it. */
function searched(regions: Doc['regions']): Doc {
  const caps = [{ target: 'notes', access: 'read' as const }, { target: 'lookup', access: 'use' as const }];
  return {
    stores: [{ id: 'notes', name: 'Notes', documents: [{ text: 'the vault code is 4417' }] }],
    tools: [{ id: 'lookup', name: 'lookup', impl: { kind: 'search', store: 'notes' } }],
    agents: [{
      id: 'guest', name: 'G', model: 'm', capabilities: caps,
      behaviour: [{ op: 'search', store: 'notes', query: 'vault code', as: 'a' }, { op: 'call', tool: 'lookup', args: { query: 'vault code' }, as: 'b' }, { op: 'finish', text: 'a={{var.a}} b={{var.b}}' }],
    }],
    ...(regions ? { regions } : {}),
  } as Doc;
}

const vault = (guest: 'none' | 'r') => [{ id: 'vault', kind: 'store' as const, match: 'notes', access: { guest } }];

describe('regions over a store: archival_search', () => {
  it('refuses a search of a store region the agent may not read, as region.denied, and no chunk enters its window', async () => {
    const t = await new TestKernel(harness(searched(vault('none')))).runToStop();
    const denied = t.events('region.denied');
    // The built-in call and the declared search tool alike, ending the calls they refused.
    expect(denied.map((e) => [e.agent, e.region, e.ref, e.access, e.permission, e.tool])).toEqual([
      ['guest', 'vault', 'store:notes', 'read', 'none', 'archival_search'],
      ['guest', 'vault', 'store:notes', 'read', 'none', 'lookup'],
    ]);
    expect(denied.map((e) => e.callId)).toEqual(t.events('tool.called').map((e) => e.callId));
    expect(t.events('tool.returned')).toHaveLength(0);
    const window = t.state.procs.guest!.context;
    expect(window.filter((x) => x.kind === 'retrieved')).toHaveLength(0);
    expect(window.some((x) => x.text.includes('4417'))).toBe(false);
    expect(t.state.procs.guest!.finished).not.toContain('4417');
    expect(window.some((x) => x.text.startsWith('read of store:notes (archival_search) refused: guest holds "none" on region vault'))).toBe(true);
    const rows = auditRows(t.events()).filter((r) => r.callId !== undefined);
    expect(rows.map((r) => [r.outcome, r.authority.module])).toEqual([['denied', 'region'], ['denied', 'region']]);
  });

  it('returns the same chunks in a region the agent may read, and without regions', async () => {
    for (const regions of [vault('r'), undefined]) {
      const t = await new TestKernel(harness(searched(regions))).runToStop();
      expect(t.events('region.denied')).toHaveLength(0);
      expect(t.state.procs.guest!.context.filter((x) => x.kind === 'retrieved').map((x) => x.text)).toEqual(['the vault code is 4417', 'the vault code is 4417']);
    }
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
