import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { parseHarness, type HarnessSpec } from '../spec';
import { harness } from '../test/TestKernel';
import { specDigests } from '../trust/digest';
import { cliAnswers, runToStop } from '../runToStop';
import { Projection } from '../trace/projection';
import { traceHash } from '../trace/hash';
import type { KernelEvent } from '../trace/events';
import type { KernelState } from '../state/state';
import { describeChange, provenanceOf, ProvenanceLog, reviewAt, SIM_VERSION, type ChangeRecord } from '.';

function spec(name: string, edit: (doc: Record<string, any>) => void = () => {}): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL(`../../../public/examples/${name}.json`, import.meta.url), 'utf8')) as Record<string, any>;
  edit(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(`${name}: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.spec;
}

async function run(s: HarnessSpec, seed = 1): Promise<Kernel> {
  const k = Kernel.create(s, { runId: asRunId('t'), seed });
  await runToStop(k, cliAnswers('all'));
  return k;
}

/** Provenance as the studio's projection keeps it, event by event. */
function projected(events: readonly KernelEvent[]): Projection {
  const p = new Projection();
  p.append(events);
  return p;
}

const recordAt = (records: readonly ChangeRecord[], seq: number) => {
  const r = records.find((x) => x.seq === seq);
  if (!r) throw new Error(`no change at #${seq}: ${records.map((x) => x.seq).join(', ')}`);
  return r;
};

describe('provenance of each kind of change', () => {
  it('Approvals: the approved write names the person as authority; the next one the rule they remembered', async () => {
    const s = spec('approvals');
    const k = Kernel.create(s, { runId: asRunId('t'), seed: 1 });
    await k.runUntil({ maxEvents: 10_000 });
    const ask = k.openAsks()[0]!;
    expect(k.submit({ kind: 'approve', callId: ask.callId, remember: true })).toEqual({ ok: true });
    await runToStop(k, cliAnswers('all'));
    const events = k.events;
    const approved = events.find((e) => e.type === 'tool.approved')!;
    const writes = events.filter((e) => e.type === 'tool.returned' && e.tool === 'fs_write');
    expect(writes).toHaveLength(2);
    const records = projected(events).provenance.records();
    const first = recordAt(records, writes[0]!.seq);
    const callOf = (seq: number) => events.find((e) => e.type === 'tool.called' && e.seq === recordAt(records, seq).callSeq)!;
    const turn = callOf(first.seq).cause!;
    expect(first).toMatchObject({
      kind: 'tool', agent: 'writer', tool: 'fs_write', subject: 'fs_write',
      model: { id: 'sim', provider: 'sim', reported: SIM_VERSION, turn },
      authority: { rule: 'session-1', scope: 'session', module: 'human', mode: 'ask', handle: 'h2', approvedBy: { seq: approved.seq, remembered: 'session-1' } },
      review: { status: 'unreviewed', seq: null },
    });
    expect(events[turn]!.type).toBe('infer.completed');
    // What the writer read when it decided: its system prompt and its own earlier turn.
    expect(first.inputs.sources!.map((x) => x.source)).toEqual(['system', 'agent:writer']);
    const second = recordAt(records, writes[1]!.seq);
    expect(second.authority).toEqual({ rule: 'session-1', scope: 'session', module: 'rules', mode: 'ask', handle: 'h2', approvedBy: { seq: approved.seq, remembered: 'session-1' } });
    // The read-only searches are recorded too; the document says they change nothing.
    const search = records.find((r) => r.tool === 'kb_search')!;
    expect(search.authority).toMatchObject({ rule: 'mode:ask', approvedBy: null });
    expect(describeChange(search, s).sideEffect).toBe('read');
    const d = describeChange(first, s);
    expect(d).toMatchObject({ sideEffect: 'write', resource: 'fs_write(/workspace/report.md)', who: { agent: 'writer', digestFrom: 'document', signed: false }, model: { name: 'Sim' } });
    expect(d.who.promptDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('Injection: the artifact carries the untrusted page among its inputs; the secret read and the mail their rules', async () => {
    const k = await run(spec('injection'));
    const records = projected(k.events).provenance.records();
    const artifact = records.find((r) => r.kind === 'artifact')!;
    expect(artifact).toMatchObject({ agent: 'assistant', subject: 'artifact summary.md', authority: { rule: 'kernel', module: 'kernel', approvedBy: null } });
    expect(artifact.inputs.sources).toContainEqual(expect.objectContaining({ source: 'tool:web_fetch', trust: 'untrusted', taint: ['tool:web_fetch#c5'] }));
    expect(records.find((r) => r.tool === 'send_mail')!.authority).toMatchObject({ rule: 'mail-colleagues', scope: 'project', module: 'rules', handle: 'h3' });
    expect(records.find((r) => r.tool === 'web_fetch')!.inputs.taint).toEqual(['tool:web_fetch#c5']);
  });

  it('Research team: messages by channel, an archival insert with its handle and the labels of what it derives from', async () => {
    const k = await run(spec('research-team'));
    const records = projected(k.events).provenance.records();
    const msg = records.find((r) => r.kind === 'message')!;
    expect(msg).toMatchObject({ agent: 'planner', authority: { rule: 'channel:plan-to-research', module: 'channel' }, model: { id: 'sim-small' } });
    const insert = records.find((r) => r.kind === 'memory')!;
    expect(insert).toMatchObject({ agent: 'researcher', tool: 'archival_insert', authority: { handle: 'h2' } });
    expect(insert.subject).toMatch(/^chunk .+ in notes$/);
    expect(insert.content).toBe((insert.args as { text: string }).text);
  });

  it('a core-memory edit is a change of the block, and a signed run names the checked prompt digest', async () => {
    const s = harness({
      policy: { requireSigned: true },
      agents: [{ id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'core', label: 'customer', text: 'id 4417' }, { op: 'write', artifact: 'answer', text: 'done' }, { op: 'finish' }] }],
    });
    const k = Kernel.create(s, { runId: asRunId('t'), seed: 1, signatures: specDigests(s) });
    await runToStop(k, cliAnswers('all'));
    const records = projected(k.events).provenance.records();
    const core = records.find((r) => r.kind === 'core')!;
    const allowed = k.events.find((e) => e.type === 'tool.allowed' && e.seq > core.callSeq!) as { decision: { rule: string; module: string } };
    expect(core).toMatchObject({ agent: 'a', subject: 'core "customer" of a', content: 'id 4417', authority: { rule: allowed.decision.rule, module: allowed.decision.module } });
    const digest = specDigests(s).agents.a!;
    for (const r of records) expect(r.prompt).toEqual({ digest, signed: true });
    expect(describeChange(core, s).who).toEqual({ agent: 'a', promptDigest: digest, digestFrom: 'signature', signed: true });
  });

  it('a real model: the provider and the model version it reported come from the recorded answer', () => {
    const log = new ProvenanceLog();
    const base = { run: 'r' as never, t: 0 };
    const record = { provider: 'openai-compatible', reported: null, estimate: { tokensIn: 1, tokensOut: 1 }, response: { model: 'gpt-4o-mini-2024-07-18' } };
    log.apply({ ...base, seq: 0, type: 'infer.completed', agent: 'a' as never, model: 'gpt', slot: 0, turn: 0, pc: 0, tokensIn: 1, tokensOut: 1, cost: 0, text: 'x', action: { kind: 'write', artifact: 'out', text: 'x' } as never, slice: { tokensIn: 1, tokensOut: 1, cost: 0 }, record } as KernelEvent);
    log.apply({ ...base, seq: 1, type: 'artifact.written', agent: 'a' as never, name: 'out', text: 'x' } as KernelEvent);
    expect(log.record(1)!.model).toEqual({ id: 'gpt', provider: 'openai-compatible', reported: 'gpt-4o-mini-2024-07-18', turn: 0 });
  });
});

describe('review by a person', () => {
  it('approving and rolling back change the status; earlier cursors keep theirs; the trace replays to the same provenance', async () => {
    const s = spec('injection');
    const drive = async () => {
      const k = Kernel.create(s, { runId: asRunId('t'), seed: 2 });
      await k.runUntil({ until: (e) => e.type === 'artifact.written' });
      const write = k.events.find((e) => e.type === 'artifact.written')!;
      expect(k.submit({ kind: 'review', seq: write.seq, verdict: 'approved' })).toEqual({ ok: true });
      await k.runUntil({ maxEvents: 1 });
      const reviewed = k.events.at(-1)!;
      expect(reviewed).toMatchObject({ type: 'change.reviewed', target: write.seq, verdict: 'approved' });
      expect(k.submit({ kind: 'review', seq: write.seq, verdict: 'approved' })).toEqual({ ok: false, error: `#${write.seq} was already approved at #${reviewed.seq}` });
      expect(k.submit({ kind: 'rollback', seq: write.seq })).toEqual({ ok: true });
      await k.runUntil({ maxEvents: 1 });
      expect(k.submit({ kind: 'review', seq: write.seq, verdict: 'approved' })).toMatchObject({ ok: false, error: expect.stringMatching(/was rolled back at/) });
      expect(k.submit({ kind: 'review', seq: 0, verdict: 'approved' })).toEqual({ ok: false, error: 'no change was made at #0' });
      await runToStop(k, cliAnswers('all'));
      return { k, write: write.seq, reviewed: reviewed.seq };
    };
    const a = await drive();
    const b = await drive();
    expect(traceHash(b.k.events)).toBe(traceHash(a.k.events));
    const rolled = a.k.events.find((e) => e.type === 'audit.rolledback')!;
    const rec = projected(a.k.events).provenance.record(a.write)!;
    expect(rec.review).toEqual({ status: 'rolled-back', seq: rolled.seq });
    expect([a.write, a.reviewed, rolled.seq - 1, rolled.seq].map((c) => reviewAt(rec, c))).toEqual(['unreviewed', 'approved', 'approved', 'rolled-back']);
    // A seek into the trace (states from the kernel's snapshots) gives the same provenance.
    expect(provenanceOf(a.k.events, (e) => a.k.stateAt(e.seq))).toEqual(projected(a.k.events).provenance.records());
  });
});

describe('incremental = recomputed from scratch', () => {
  const examples = (JSON.parse(readFileSync(new URL('../../../public/examples/index.json', import.meta.url), 'utf8')) as { file: string }[])
    .map((x) => x.file.replace('.json', ''))
    .filter((f) => f !== 'real-agent');
  for (const name of examples) {
    it(`${name}, seeds 1–2: after every event, the projection's records equal a fresh log's over the prefix`, async () => {
      for (const seed of [1, 2]) {
        const k = await run(spec(name), seed);
        const events = k.events;
        const p = new Projection();
        // States from the kernel's seek (snapshot + replay), not from the projection, for the fresh logs.
        const states = new Map<number, KernelState>();
        const stateOf = (e: KernelEvent) => (e.type === 'infer.started' ? (states.get(e.seq) ?? states.set(e.seq, k.stateAt(e.seq)).get(e.seq)) : undefined);
        let seen = 0;
        for (const e of events) {
          p.append([e]);
          const incremental = JSON.stringify(p.provenance.records());
          const fresh = JSON.stringify(provenanceOf(events.slice(0, e.seq + 1), stateOf));
          if (incremental !== fresh) throw new Error(`${name} seed ${seed}: differs after #${e.seq}`);
          seen = p.provenance.records().length;
        }
        // Contention's agents only think: it makes no change.
        expect(seen > 0).toBe(name !== 'contention');
      }
    }, 60_000);
  }
});
