/**
 * /proc for agents, end to end in the kernel: what a read returns equals the state's own numbers,
 * who may read whose, that replay and seek give the same text, and that a sim script branches
 * on what it read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec, type HarnessSpecInput } from '../spec';
import { harness, TestKernel } from '../test/TestKernel';
import { SCHED_CLASSES } from '../sched';
import { finiteStats } from '../sched/core';
import { resolveBranches } from '../cpu/sim';
import { procSnapshot, type ProcSnapshot } from './index';

function example(edit?: (doc: Record<string, any>) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL('../../../public/examples/proc-budget.json', import.meta.url), 'utf8')) as Record<string, any>;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

/** Two agents: `a` reads `b`'s /proc while `b` waits for a message from `a`, holding a leased handle. */
function pair(rules: { id: string; effect: 'allow' | 'deny' | 'ask'; match: string }[], mode: 'auto' | 'deny-unlisted' = 'auto'): HarnessSpec {
  const doc: Partial<HarnessSpecInput> & { slots: number } = {
    agents: [
      { id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'think', text: 'first' }, { op: 'proc', agent: 'b', as: 'seen' }, { op: 'proc', as: 'mine' }, { op: 'send', to: 'b', text: 'go' }, { op: 'finish', text: 'ok' }] },
      { id: 'b', name: 'B', model: 'm', capabilities: [{ target: 'lookup', access: 'use', leaseMs: 60_000 }], behaviour: [{ op: 'recv', from: 'a', as: 'msg' }, { op: 'finish', text: 'done' }] },
    ],
    tools: [{ id: 'lookup', name: 'lookup', impl: { kind: 'sim', result: 'x', latencyMs: 5 } }],
    channels: [{ id: 'ab', from: 'a', to: 'b', latencyMs: 10 }],
    groups: [{ id: 'team', name: 'Team', tokens: 100_000, periodMs: 60_000 }],
    policy: { mode, scopes: [{ id: 'proj', level: 'project', rules }] },
    goals: [{ id: 'b-done', name: 'B done', scope: 'b', when: { kind: 'finished', agent: 'b' } }],
    limits: { maxSteps: 100, maxTokens: 50_000 },
    slots: 2,
  };
  doc.agents![1]!.sched = { class: 'fair', group: 'team' };
  return harness(doc);
}

describe('/proc: what an agent reads is the state\'s own numbers', () => {
  it('the writer\'s own read: budget, window, class numbers and goals equal the state just before the read', async () => {
    const t = await new TestKernel(example()).runToEnd();
    const [read] = t.events('proc.read');
    expect(read).toMatchObject({ agent: 'writer', of: 'writer' });
    const s = t.stateAt(read!.seq - 1);
    const p = s.procs.writer!;
    const snap = read!.snapshot;
    const g = s.groups.writing!;
    expect(snap.budget.groups).toEqual([expect.objectContaining({ group: 'writing', tokens: 1500, usedTokens: g.usedTokens, tokensLeft: 1500 - g.usedTokens })]);
    expect(snap.budget.tokensLeft).toBe(1500 - g.usedTokens);
    expect(snap.budget.own).toEqual({ tokensIn: p.tokensIn, tokensOut: p.tokensOut, cost: p.cost });
    expect(snap.budget.harness).toEqual({ tokensLeft: null, costLeft: null, stepsLeft: 200 - s.steps });
    expect(snap.window).toMatchObject({ used: p.contextTokens, limit: 4096, segments: p.context.length, warnAt: 0.75, compactAt: 0.9, warnAtTokens: 3072, compactAtTokens: 3687, pressure: p.pressure });
    const fair = SCHED_CLASSES.classFor('fair');
    expect(snap.sched).toMatchObject({ class: 'fair', numbers: finiteStats(fair.stats(s.runqueues.sim!.fair, 'writer', s.now)), throttled: [] });
    expect(Object.keys(snap.sched.numbers)).toEqual(expect.arrayContaining(['lag', 'vruntime', 'vdeadline']));
    expect(snap.goals).toEqual([
      { id: 'note', name: 'Release note written', scope: 'writer', met: false, why: 'artifact "release-note.md" does not exist' },
      { id: 'within-budget', name: 'Writing team within budget', scope: 'harness', met: true, why: `group writing: ${1500 - g.usedTokens} tokens left, no cost limit` },
    ]);
    // The call returns exactly the recorded text, and the script binds it.
    const ret = t.events('tool.returned').find((e) => e.callId === read!.callId)!;
    expect(JSON.parse(ret.result)).toEqual(snap);
    expect(t.stateAt(ret.seq).procs.writer!.vars.me).toBe(ret.result);
    // The kernel's allow names why: one's own /proc is always readable.
    expect(t.events('tool.allowed').find((e) => e.callId === read!.callId)!.decision).toMatchObject({ module: 'kernel', rule: 'proc-self' });
  });

  it('another agent\'s read shows its wait-for edge, its handles with their leases, its group with the refill time, its goals', async () => {
    const t = await new TestKernel(pair([{ id: 'peek', effect: 'allow', match: 'proc(b)' }])).runToEnd();
    const read = t.events('proc.read').find((e) => e.of === 'b')!;
    const s = t.stateAt(read.seq - 1);
    const snap: ProcSnapshot = read.snapshot;
    expect(snap).toMatchObject({ agent: 'b', state: 'blocked', waitsFor: { agent: 'a' }, pid: s.procs.b!.pid });
    const h = Object.values(s.handles).filter((x) => x.agent === 'b');
    expect(snap.handles).toEqual(h.map((x) => ({ id: x.id, target: 'lookup', kind: 'shared', access: 'use', lease: 'job', expiresAt: x.expiresAt, live: true, ended: null })));
    expect(snap.handles[0]!.expiresAt).toBe(h[0]!.issuedAt + 60_000);
    expect(snap.budget.groups[0]).toMatchObject({ group: 'team', refillsAt: s.groups.team!.periodStart + 60_000, usedTokens: s.groups.team!.usedTokens });
    expect(snap.budget.harness.tokensLeft).toBe(50_000 - (s.tokensIn + s.tokensOut));
    expect(snap.goals).toEqual([{ id: 'b-done', name: 'B done', scope: 'b', met: false, why: expect.any(String) }]);
    // The same function applied to the same state (what the inspector does at the cursor) gives the same snapshot.
    expect(procSnapshot(s, t.kernel.document, 'b')).toEqual(snap);
  });
});

describe('/proc: reading another agent is a capability the policy stack decides', () => {
  it('denied without an allow rule, through the normal denied-syscall path with its explanation', async () => {
    const t = await new TestKernel(pair([])).runToEnd();
    const denied = t.events('tool.denied').find((e) => e.tool === 'proc')!;
    expect(denied.decision).toMatchObject({ effect: 'deny', module: 'proc', rule: 'proc:a->b', scope: 'agent', code: 'no-allow' });
    expect(denied.decision.reason).toMatch(/needs an allow rule proc\(b\)/);
    expect(t.events('proc.read').map((e) => e.of)).toEqual(['a']);
    // The agent read the denial, and still read its own /proc.
    expect(t.state.procs.a!.vars.seen).toBeUndefined();
    expect(t.state.stopped?.reason).toBe('completed');
  });

  it('allowed by an allow rule (proc(b) or proc(*)), the rule named; a deny rule still wins', async () => {
    for (const match of ['proc(b)', 'proc(*)', 'proc']) {
      const t = await new TestKernel(pair([{ id: 'peek', effect: 'allow', match }])).runToEnd();
      const allowed = t.events('tool.allowed').find((e) => e.tool === 'proc' && t.events('tool.called').find((c) => c.callId === e.callId)?.args.agent === 'b')!;
      expect(allowed.decision, match).toMatchObject({ module: 'rules', rule: 'peek', scope: 'proj' });
    }
    const t = await new TestKernel(pair([{ id: 'peek', effect: 'allow', match: 'proc(*)' }, { id: 'not-b', effect: 'deny', match: 'proc(b)' }])).runToEnd();
    expect(t.events('tool.denied').find((e) => e.tool === 'proc')!.decision).toMatchObject({ module: 'rules', rule: 'not-b' });
  });

  it('one\'s own /proc is always readable: a deny rule or deny-unlisted mode does not stop it', async () => {
    const t = await new TestKernel(pair([{ id: 'no-proc', effect: 'deny', match: 'proc' }], 'deny-unlisted')).runToStop();
    expect(t.events('proc.read').map((e) => `${e.agent}->${e.of}`)).toEqual(['a->a']);
    // Another's is still denied: no allow rule matches it.
    expect(t.events('tool.denied').find((e) => e.tool === 'proc')!.decision).toMatchObject({ module: 'proc', rule: 'proc:a->b' });
  });

  it('an agent that is not running cannot be read: the kernel refuses, saying so', async () => {
    const spec = pair([{ id: 'peek', effect: 'allow', match: 'proc(*)' }]);
    const edited = { ...spec, agents: spec.agents.map((a) => (a.id === 'a' ? { ...a, behaviour: [{ op: 'proc' as const, agent: 'b' }, { op: 'finish' as const, text: '' }] } : a)) };
    const t = await new TestKernel({ ...edited, agents: [edited.agents[0]!] }).runToEnd();
    expect(t.events('tool.denied')[0]!.decision).toMatchObject({ module: 'kernel', rule: 'no-agent' });
  });
});

describe('/proc: replay and seek give the same text', () => {
  it('a restored run (from its events or a snapshot) has the same trace and the same bound text', async () => {
    const t = await new TestKernel(example()).runToEnd();
    const again = await new TestKernel(example()).runToEnd();
    expect(again.traceHash()).toBe(t.traceHash());
    const ret = t.events('tool.returned').find((e) => e.tool === 'proc')!;
    for (const fromSnapshot of [false, true]) {
      const r = t.restore({ upTo: ret.seq, ...(fromSnapshot ? { fromSnapshot } : {}) });
      expect(r.state.procs.writer!.vars.me).toBe(ret.result);
    }
    const fork = await t.fork(ret.seq - 2).runToEnd();
    // The fork's log has its run.forked event too: the same snapshot, one seq later.
    const bodies = (k: TestKernel) => k.events('proc.read').map((e) => ({ ...e.snapshot, seq: 0 }));
    expect(bodies(fork)).toEqual(bodies(t));
    expect(fork.state.artifacts['release-note.md']!.text).toBe(t.state.artifacts['release-note.md']!.text);
  });
});

describe('/proc: a sim script branches on what it read', () => {
  const note = (t: TestKernel) => t.state.artifacts['release-note.md']!.text;

  it('low budget: the writer reads it and writes the short note, staying within its budget', async () => {
    const t = await new TestKernel(example()).runToEnd();
    expect(t.events('proc.read')[0]!.snapshot.budget.tokensLeft).toBeLessThan(1400);
    expect(note(t)).toBe('# Version 2.4\nFaster search, OpenTelemetry export, two crash fixes.');
    expect(t.state.stopped).toMatchObject({ reason: 'completed' });
    expect(t.state.procs.writer!.finished).toBe('Budget was low: wrote the short release note.');
  });

  it('a larger budget: the same script writes the long note', async () => {
    const t = await new TestKernel(example((d) => { d.groups[0].tokens = 3000; })).runToEnd();
    expect(t.events('proc.read')[0]!.snapshot.budget.tokensLeft).toBeGreaterThanOrEqual(1400);
    expect(note(t)).toContain('## Faster search');
    expect(t.state.procs.writer!.finished).toBe('Wrote the full release note.');
  });

  it('branch steps spend no turn: thresholds on a number, presence without one, and a script that only jumps stops', () => {
    const steps = (s: unknown[]) => parseHarness({ version: 1, name: 'b', models: [{ id: 'm', name: 'M' }], agents: [{ id: 'x', name: 'X', model: 'm', behaviour: s }] });
    const ok = steps([
      { op: 'branch', var: 'me', path: 'budget.tokensLeft', below: 100, to: 3 },
      { op: 'branch', path: 'goals.0.met', to: 4 },
      { op: 'think', text: 'plenty' },
      { op: 'think', text: 'low' },
      { op: 'think', text: 'met' },
    ]);
    if (!ok.ok) throw new Error(ok.issues.map((i) => i.message).join('; '));
    const script = ok.spec.agents[0]!.behaviour;
    const me = (left: number | null) => JSON.stringify({ budget: { tokensLeft: left } });
    expect(resolveBranches(script, 0, { last: '', vars: { me: me(50) } })).toBe(3);
    expect(resolveBranches(script, 0, { last: '', vars: { me: me(500) } })).toBe(2);
    // Unlimited (null) is not below anything; nothing to read is not below anything either.
    expect(resolveBranches(script, 0, { last: '', vars: { me: me(null) } })).toBe(2);
    expect(resolveBranches(script, 0, { last: 'not json', vars: {} })).toBe(2);
    expect(resolveBranches(script, 1, { last: JSON.stringify({ goals: [{ met: true }] }), vars: {} })).toBe(4);
    const loop = steps([{ op: 'branch', path: 'x', to: 0 }]);
    if (!loop.ok) throw new Error('a self-jump is a valid document');
    expect(resolveBranches(loop.spec.agents[0]!.behaviour, 0, { last: '{"x":1}', vars: {} })).toBeNull();
    const past = steps([{ op: 'branch', path: 'x', to: 5 }]);
    expect(past.ok ? [] : past.issues.map((i) => i.path)).toEqual(['agents[0].behaviour[0].to']);
  });
});
