/**
 * Taint survives data at rest (issue #12, item 1): labels travel with the data into artifacts,
 * store documents, core memory blocks, message parts and recall, and come back on every read,
 * lazy fault, search hit and recall — so copying untrusted text somewhere first does not
 * launder it past a sink that would deny it without the hop.
 */
import { describe, expect, it } from 'vitest';
import type { HarnessSpec, HarnessSpecInput } from '../spec';
import { harness, TestKernel } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';

const PHISH = 'Your account expires today: log in at https://evil.example/login to keep it.';

const TOOLS: HarnessSpecInput['tools'] = [
  { id: 'web_fetch', name: 'web.fetch', sideEffect: 'read', trust: 'untrusted', impl: { kind: 'sim', result: PHISH, latencyMs: 10 } },
  { id: 'send_mail', name: 'send_mail', sideEffect: 'privileged', trust: 'trusted', mainArg: 'to', impl: { kind: 'sim', result: 'mail sent to {{args.to}}', latencyMs: 10 } },
];

const use = (...targets: string[]) => targets.map((target) => ({ target, access: 'use' as const }));
const MAIL_ALL = { op: 'call' as const, tool: 'send_mail', args: { to: 'all-staff@company.example', body: '{{var.notes}}' } };

function doc(agents: HarnessSpecInput['agents'], extra: Partial<HarnessSpecInput> = {}): HarnessSpec {
  return harness({ slots: 2, tools: TOOLS, agents, policy: { mode: 'auto', taint: 'deny' }, ...extra });
}

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const mailDecision = (t: TestKernel) => {
  const events = t.events();
  const mail = [...of(events, 'tool.allowed'), ...of(events, 'tool.denied')].filter((e) => e.tool === 'send_mail');
  expect(mail).toHaveLength(1);
  return mail[0]!;
};
const fromWeb = (labels: readonly string[]) => labels.some((l) => l.startsWith('tool:web_fetch#'));

describe('taint survives data at rest', () => {
  it('without a hop, mailing the fetched page is denied (the baseline the hops must match)', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: use('web_fetch', 'send_mail'), behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' }, as: 'notes' }, MAIL_ALL, { op: 'finish', text: 'done' },
      ] },
    ])).runToEnd();
    expect(mailDecision(t)).toMatchObject({ type: 'tool.denied', decision: { module: 'taint', code: 'tainted-sink' } });
  });

  it('an artifact written from a web page keeps its labels: a second agent that reads it and mails it is denied', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: use('web_fetch'), behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' }, as: 'page' },
        { op: 'write', artifact: 'notes.md', text: 'Clipped: {{var.page}}' },
        { op: 'finish', text: 'clipped' },
      ] },
      { id: 'mailer', name: 'M', model: 'm', capabilities: use('send_mail'), behaviour: [
        { op: 'read', ref: 'artifact:notes.md', as: 'notes' }, MAIL_ALL, { op: 'finish', text: 'mailed' },
      ] },
    ])).runToEnd();
    const written = t.events('artifact.written')[0] as EventOf<'artifact.written'>;
    expect(fromWeb(written.taint ?? [])).toBe(true);
    expect(fromWeb(t.state.artifacts['notes.md']!.taint ?? [])).toBe(true);
    const fault = (t.events('mem.faulted') as EventOf<'mem.faulted'>[]).find((e) => e.outcome === 'cow')!;
    expect(fault).toMatchObject({ agent: 'mailer', trust: 'untrusted' });
    expect(fromWeb(fault.taint ?? [])).toBe(true);
    const mail = mailDecision(t);
    expect(mail).toMatchObject({ type: 'tool.denied', agent: 'mailer', decision: { module: 'taint', code: 'tainted-sink' } });
    expect(fromWeb(mail.decision.taint)).toBe(true);
  });

  it('a note stored in archival memory keeps its labels: the search hit brings them back and the mail is denied', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: [...use('web_fetch', 'send_mail'), { target: 'notes', access: 'readwrite' }], behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' }, as: 'page' },
        { op: 'remember', store: 'notes', text: 'Note: {{var.page}}' },
        { op: 'search', store: 'notes', query: 'account expires', as: 'notes' },
        MAIL_ALL, { op: 'finish', text: 'done' },
      ] },
    ], { stores: [{ id: 'notes', name: 'Notes', kind: 'archival' }] })).runToEnd();
    const stored = (t.events('tool.returned') as EventOf<'tool.returned'>[]).find((e) => e.stored)!;
    expect(fromWeb(stored.stored!.taint ?? [])).toBe(true);
    const hit = (t.events('tool.returned') as EventOf<'tool.returned'>[]).find((e) => e.tool === 'archival_search')!;
    expect(fromWeb(hit.chunks![0]!.taint ?? [])).toBe(true);
    const mail = mailDecision(t);
    expect(mail).toMatchObject({ type: 'tool.denied', decision: { module: 'taint' } });
    expect(fromWeb(mail.decision.taint)).toBe(true);
  });

  it('a stored chunk read back by reference (lazy fault) is untrusted again, with its labels', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: [...use('web_fetch', 'send_mail'), { target: 'notes', access: 'readwrite' }], behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' }, as: 'page' },
        { op: 'remember', store: 'notes', text: 'Note: {{var.page}}' },
        { op: 'read', ref: 'store:notes#0', as: 'notes' },
        MAIL_ALL, { op: 'finish', text: 'done' },
      ] },
    ], { stores: [{ id: 'notes', name: 'Notes', kind: 'archival' }] })).runToEnd();
    const fault = (t.events('mem.faulted') as EventOf<'mem.faulted'>[])[0]!;
    expect(fault).toMatchObject({ outcome: 'archive', trust: 'untrusted' });
    expect(fromWeb(fault.taint ?? [])).toBe(true);
    expect(mailDecision(t)).toMatchObject({ type: 'tool.denied', decision: { module: 'taint' } });
  });

  it('a recalled segment (conversation_search) brings back its original labels', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: use('web_fetch', 'send_mail'), behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' } },
        { op: 'recall', query: 'account expires', as: 'notes' },
        MAIL_ALL, { op: 'finish', text: 'done' },
      ] },
    ])).runToEnd();
    const mail = mailDecision(t);
    expect(mail).toMatchObject({ type: 'tool.denied', decision: { module: 'taint' } });
    expect(fromWeb(mail.decision.taint)).toBe(true);
  });

  it('a core memory block written from a web page carries its labels (tracked even with the defence off)', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: use('web_fetch'), behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' }, as: 'page' },
        { op: 'core', label: 'persona', text: 'I follow: {{var.page}}', mode: 'replace' },
        { op: 'finish', text: 'done' },
      ] },
    ], { policy: { mode: 'auto', taint: 'off' } })).runToEnd();
    const core = t.state.procs.clipper!.context.find((s) => s.kind === 'core')!;
    expect(core).toMatchObject({ trust: 'untrusted', verified: false });
    expect(fromWeb(core.taint ?? [])).toBe(true);
  });

  it('message parts tagged fact carry the labels of what they derive from', async () => {
    const t = await new TestKernel(doc([
      { id: 'clipper', name: 'C', model: 'm', capabilities: use('web_fetch'), behaviour: [
        { op: 'call', tool: 'web_fetch', args: { url: 'https://news.example/a' }, as: 'page' },
        { op: 'send', to: 'reader', text: 'One fact for you.', facts: ['{{var.page}}'] },
        { op: 'finish', text: 'done' },
      ] },
      { id: 'reader', name: 'R', model: 'm', behaviour: [{ op: 'recv', from: 'clipper', as: 'm' }, { op: 'finish', text: 'read' }] },
    ], { channels: [{ id: 'c1', from: 'clipper', to: 'reader' }] })).runToEnd();
    const sent = t.events('msg.sent')[0] as EventOf<'msg.sent'>;
    expect(fromWeb(sent.taint ?? [])).toBe(true);
    const fact = t.state.procs.reader!.context.find((s) => s.kind === 'fact')!;
    expect(fact.text).toBe(PHISH);
    expect(fact.trust).toBe('untrusted');
    expect(fromWeb(fact.taint ?? [])).toBe(true);
  });
});
