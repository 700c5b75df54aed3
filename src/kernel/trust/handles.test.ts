import { describe, expect, it } from 'vitest';
import { AgentSchema, type CapabilitySpec } from '../spec';
import { capabilityModule, checkHandle, endingWithJob, isLive, issueHandles, kindOf, nextExpiry } from './handles';
import type { Handle, OpRequest } from './types';

const agent = (id: string, capabilities: Partial<CapabilitySpec>[]) =>
  AgentSchema.parse({ id, name: id, model: 'sim', capabilities });
const ids = (prefix: string) => (i: number) => `${prefix}${i}`;
const handle = (over: Partial<Handle> = {}): Handle => ({
  id: 'h0', agent: 'writer', target: 'notes', kind: 'unique', access: 'readwrite', lease: 'job',
  issuedAt: 0, expiresAt: null, ended: null, ...over,
});
const req = (over: Partial<OpRequest> = {}): OpRequest => ({
  hook: 'memory.write', agent: 'writer', tool: 'remember', target: 'notes', access: 'write', arg: null,
  args: {}, sideEffect: 'write', taint: [], declared: false, tier: 'session', ...over,
});

describe('handle kinds', () => {
  it('come from access when the capability names none', () => {
    expect(kindOf({ access: 'read' })).toBe('borrowed');
    expect(kindOf({ access: 'write' })).toBe('unique');
    expect(kindOf({ access: 'readwrite' })).toBe('unique');
    expect(kindOf({ access: 'use' })).toBe('shared');
    expect(kindOf({ access: 'readwrite', handle: 'shared' })).toBe('shared');
  });

  it('clamp borrowed and shared handles to reading', () => {
    const { handles } = issueHandles(
      agent('a', [{ target: 'kb', access: 'readwrite', handle: 'borrowed' }, { target: 'feed', access: 'write', handle: 'shared' }, { target: 'web', access: 'use' }]),
      [], 0, ids('h'),
    );
    expect(handles.map((h) => [h.kind, h.access])).toEqual([['borrowed', 'read'], ['shared', 'read'], ['shared', 'use']]);
  });
});

describe('issueHandles', () => {
  it('issues one handle per capability, named by newId in issue order', () => {
    const { handles, refused } = issueHandles(agent('a', [{ target: 'kb', access: 'read' }, { target: 'notes', access: 'readwrite' }]), [], 5, ids('h'));
    expect(refused).toEqual([]);
    expect(handles).toEqual([
      { id: 'h0', agent: 'a', target: 'kb', kind: 'borrowed', access: 'read', lease: 'job', issuedAt: 5, expiresAt: null, ended: null },
      { id: 'h1', agent: 'a', target: 'notes', kind: 'unique', access: 'readwrite', lease: 'job', issuedAt: 5, expiresAt: null, ended: null },
    ]);
  });

  it('refuses a unique handle another agent holds live, naming the holder; ids skip nothing', () => {
    const live = [handle({ id: 'w7', agent: 'writer', target: 'notes' })];
    const { handles, refused } = issueHandles(agent('b', [{ target: 'notes', access: 'write' }, { target: 'kb', access: 'read' }]), live, 10, ids('h'));
    expect(refused).toEqual([{ target: 'notes', reason: 'writer holds the unique handle w7 on notes' }]);
    expect(handles.map((h) => [h.id, h.target])).toEqual([['h0', 'kb']]);
  });

  it('grants a unique handle once the other holder\'s lease has ended or run out, and never refuses the holder itself', () => {
    const caps = [{ target: 'notes', access: 'write' as const }];
    const ended = handle({ ended: { t: 3, reason: 'job finished' } });
    const ranOut = handle({ expiresAt: 10 });
    expect(issueHandles(agent('b', caps), [ended, ranOut], 10, ids('h')).refused).toEqual([]);
    expect(issueHandles(agent('writer', caps), [handle({ lease: 'durable' })], 10, ids('h')).refused).toEqual([]);
  });

  it('lets borrowed and shared handles coexist with a unique one', () => {
    const live = [handle()];
    const { handles, refused } = issueHandles(agent('b', [{ target: 'notes', access: 'read' }, { target: 'notes', access: 'use' }]), live, 0, ids('h'));
    expect(refused).toEqual([]);
    expect(handles.map((h) => h.kind)).toEqual(['borrowed', 'shared']);
  });

  it('gives a job lease with a term its expiry; a durable lease never expires', () => {
    const { handles } = issueHandles(
      agent('a', [{ target: 'kb', access: 'read', leaseMs: 500 }, { target: 'notes', access: 'write', lease: 'durable', leaseMs: 500 }]),
      [], 100, ids('h'),
    );
    expect(handles.map((h) => [h.lease, h.expiresAt])).toEqual([['job', 600], ['durable', null]]);
  });
});

describe('checkHandle', () => {
  it('is no-handle without one', () => {
    expect(checkHandle(undefined, 'read', 0)).toMatchObject({ ok: false, code: 'no-handle' });
  });

  it('is the typed error lease-ended after the term, from the expiry instant on', () => {
    const h = handle({ expiresAt: 600 });
    expect(checkHandle(h, 'write', 599)).toEqual({ ok: true });
    expect(checkHandle(h, 'read', 600)).toEqual({ ok: false, code: 'lease-ended', reason: 'handle h0 on notes: its lease term ended at t=600' });
    expect(isLive(h, 599)).toBe(true);
    expect(isLive(h, 600)).toBe(false);
  });

  it('is lease-ended once the kernel ended the lease, whatever the access', () => {
    const h = handle({ ended: { t: 40, reason: 'job finished' } });
    expect(checkHandle(h, 'use', 41)).toEqual({ ok: false, code: 'lease-ended', reason: 'handle h0 on notes: its lease ended at t=40 (job finished)' });
  });

  it('lets a borrowed handle read and use but never write', () => {
    const h = handle({ kind: 'borrowed', access: 'read' });
    expect(checkHandle(h, 'read', 0)).toEqual({ ok: true });
    expect(checkHandle(h, 'use', 0)).toEqual({ ok: true });
    expect(checkHandle(h, 'write', 0)).toEqual({ ok: false, code: 'read-only', reason: 'borrowed handle h0 on notes is a read-only view' });
  });

  it('lets a shared handle read but not write, and a unique write handle write', () => {
    expect(checkHandle(handle({ kind: 'shared', access: 'use' }), 'write', 0)).toMatchObject({ code: 'read-only' });
    expect(checkHandle(handle({ access: 'write' }), 'write', 0)).toEqual({ ok: true });
    expect(checkHandle(handle({ access: 'read' }), 'write', 0)).toMatchObject({ code: 'read-only', reason: 'unique handle h0 on notes is granted read only' });
  });
});

describe('lease ends', () => {
  const hs = [
    handle({ id: 'j1', lease: 'job' }),
    handle({ id: 'd1', lease: 'durable', target: 'kb' }),
    handle({ id: 'j2', lease: 'job', ended: { t: 1, reason: 'term' } }),
    handle({ id: 'o1', agent: 'other', lease: 'job' }),
  ];

  it('ends the agent\'s live job leases with its job; durable grants survive', () => {
    expect(endingWithJob(hs, 'writer').map((h) => h.id)).toEqual(['j1']);
  });

  it('finds the earliest term not yet ended, and an overdue one at once', () => {
    const terms = [handle({ id: 'a', expiresAt: 900 }), handle({ id: 'b', expiresAt: 300 }), handle({ id: 'c', expiresAt: 100, ended: { t: 100, reason: 'term' } })];
    expect(nextExpiry(terms, 0)).toEqual({ handle: terms[1], t: 300 });
    expect(nextExpiry(terms, 450)).toEqual({ handle: terms[1], t: 450 });
    expect(nextExpiry(hs, 0)).toBeNull();
  });
});

describe('capabilityModule', () => {
  const held: Record<string, Handle[]> = {
    writer: [
      handle({ id: 'old', ended: { t: 5, reason: 'job finished' } }),
      handle({ id: 'kb1', target: 'kb', kind: 'borrowed', access: 'read' }),
      handle({ id: 'web1', target: 'web.fetch', kind: 'shared', access: 'use', expiresAt: 100 }),
    ],
  };
  let t = 0;
  const m = capabilityModule((a) => held[a] ?? [], () => t);

  it('is a frozen module on tool.call, memory.read and memory.write', () => {
    expect(m.name).toBe('capability');
    expect(m.hooks).toEqual(['tool.call', 'memory.read', 'memory.write']);
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('allows an agent its own memory under the kernel rule own-memory', () => {
    expect(m.check(req({ target: 'writer' }))).toMatchObject({ effect: 'allow', rule: 'own-memory', scope: 'kernel' });
  });

  it('names the grant as rule handle:<id> when a handle allows the access', () => {
    expect(m.check(req({ hook: 'memory.read', target: 'kb', access: 'read' }))).toEqual({
      effect: 'allow', module: 'capability', rule: 'handle:kb1', scope: 'agent',
      reason: 'writer holds borrowed handle kb1 on kb (read, job lease)',
    });
  });

  it('denies without a handle, with a borrowed one for writing, and after the lease, under capability:<agent>-><target>', () => {
    expect(m.check(req({ target: 'mail' }))).toMatchObject({ effect: 'deny', rule: 'capability:writer->mail', scope: 'agent', code: 'no-handle' });
    expect(m.check(req({ target: 'kb' }))).toMatchObject({ effect: 'deny', rule: 'capability:writer->kb', code: 'read-only' });
    expect(m.check(req())).toMatchObject({ effect: 'deny', rule: 'capability:writer->notes', code: 'lease-ended' });
    t = 100;
    expect(m.check(req({ hook: 'tool.call', tool: 'web.fetch', target: 'web.fetch', access: 'use' }))).toMatchObject({ code: 'lease-ended' });
    t = 0;
    expect(m.check(req({ hook: 'tool.call', tool: 'web.fetch', target: 'web.fetch', access: 'use' }))).toMatchObject({ effect: 'allow', rule: 'handle:web1' });
  });

  it('prefers a live handle that allows the access, and explains a write by the ended handle that would have allowed it', () => {
    const hs = [handle({ id: 'view', kind: 'borrowed', access: 'read' }), handle({ id: 'edit', ended: { t: 2, reason: 'term' } })];
    const m2 = capabilityModule(() => hs, () => 10);
    expect(m2.check(req({ hook: 'memory.read', access: 'read' }))).toMatchObject({ effect: 'allow', rule: 'handle:view' });
    expect(m2.check(req())).toMatchObject({ effect: 'deny', code: 'lease-ended' });
  });
});
