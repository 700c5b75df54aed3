import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../spec';
import { Kernel } from '../kernel';
import { harness, TestKernel } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { coreBlocksOf, editDigest } from './editState';
import { promptAt } from './contextPrompt';
import type { StateEdit } from '../trace/editEvent';

function example(name: string): HarnessSpec {
  const r = parseHarness(readFileSync(new URL(`../../../public/examples/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`${name} invalid`);
  return r.spec;
}

const research = example('research-team');
const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

/** The researcher's web_search result in a run of the research team. */
async function researchRun(seed = 1): Promise<{ original: TestKernel; returned: EventOf<'tool.returned'> }> {
  const original = await new TestKernel(research, { seed }).runToEnd();
  const returned = of(original.events(), 'tool.returned').find((e) => e.agent === 'researcher' && e.tool === 'web_search')!;
  return { original, returned };
}

const EDITED = 'EDITED FINDING: the context window is a cache of the archive.';

describe('a tool result edited, then forked', () => {
  it('the fork records the edit, its next decision reads the edited result, and the original is unchanged', async () => {
    const { original, returned } = await researchRun();
    const before = original.traceHash();
    const k = returned.seq;
    const fork = await original.fork(k, { edits: [{ kind: 'tool-result.edit', callId: returned.callId, text: EDITED }] });
    const edited = fork.events()[k + 2] as EventOf<'human.edited'>;
    expect(fork.events()[k + 1]!.type).toBe('run.forked');
    expect(edited).toMatchObject({ type: 'human.edited', agent: 'researcher', before: editDigest(returned.result), after: editDigest(EDITED), edit: { kind: 'tool-result.edited', callId: returned.callId, bind: 'hits', last: true, text: EDITED } });
    expect(fork.state.procs.researcher!.vars.hits).toBe(EDITED);
    expect(fork.state.procs.researcher!.context.some((x) => x.text === EDITED)).toBe(true);
    await fork.runToEnd();
    // The researcher's next decision (remember the findings) carries the edited text.
    const next = of(fork.events().slice(k + 3), 'infer.completed').find((e) => e.agent === 'researcher')!;
    expect(JSON.stringify(next.action)).toContain('EDITED FINDING');
    expect(fork.state.artifacts.report?.text).toContain('EDITED FINDING');
    // The original run is untouched.
    expect(original.traceHash()).toBe(before);
    expect(original.state.artifacts.report?.text).not.toContain('EDITED FINDING');
  });

  it('replays exactly: the same fork again, and the fork restored from its own events, give the same trace hash', async () => {
    const { original, returned } = await researchRun(2);
    const edits = [{ kind: 'tool-result.edit' as const, callId: returned.callId, text: EDITED }];
    const a = await original.fork(returned.seq, { edits }).runToEnd();
    const b = await original.fork(returned.seq, { edits }).runToEnd();
    expect(a.traceHash()).toBe(b.traceHash());
    // Rebuilt from its events up to the edit (as the studio does after a reload) and continued.
    await a.restore({ upTo: returned.seq + 2 }).runToEnd().expectSameTrace(a);
    // Every state of the fork reached by a seek equals the one the live run had.
    const k = new TestKernel(Kernel.restore(a.events(), research, { runId: 'fork', seed: 2 }));
    expect(k.stateAt(returned.seq + 2)).toEqual(a.stateAt(returned.seq + 2));
  });
});

describe('each kind of edit', () => {
  const pair = harness({
    agents: [
      { id: 'a', name: 'A', model: 'm', memory: { coreBlocks: [{ label: 'persona', value: 'I am A.' }] }, behaviour: [{ op: 'think', text: 'hm' }, { op: 'send', to: 'b', text: 'ping' }, { op: 'write', artifact: 'draft', text: 'first draft' }, { op: 'finish', text: 'sent' }] },
      { id: 'b', name: 'B', model: 'm', capabilities: [{ target: 'kb', access: 'read' }], behaviour: [{ op: 'recv', from: 'a', as: 'got' }, { op: 'search', store: 'kb', query: 'alpha', as: 'hit' }, { op: 'write', artifact: 'out', text: 'got {{var.got}} / {{var.hit}}' }, { op: 'finish' }] },
    ],
    channels: [{ id: 'ab', from: 'a', to: 'b', latencyMs: 5000 }],
    stores: [{ id: 'kb', name: 'KB', kind: 'knowledge', documents: [{ text: 'alpha is the first letter', tags: [] }] }],
    tools: [],
  });

  const at = async (type: KernelEvent['type'], pred: (e: KernelEvent) => boolean = () => true) => {
    const t = await new TestKernel(pair).runToEnd();
    const e = t.events().find((x) => x.type === type && pred(x))!;
    return { t, k: e.seq };
  };

  it('removes, edits and adds window segments', async () => {
    const { t, k } = await at('infer.completed', (e) => e.agent === 'a');
    const s = t.stateAt(k).procs.a!;
    const think = s.context.find((x) => x.kind !== 'system' && x.kind !== 'core')!;
    const removed = await t.fork(k, { edits: [{ kind: 'segment.remove', agent: 'a', segment: think.id }] });
    expect(removed.state.procs.a!.context.some((x) => x.id === think.id)).toBe(false);
    expect(removed.state.procs.a!.contextTokens).toBe(s.contextTokens - think.tokens);
    const edited = await t.fork(k, { edits: [{ kind: 'segment.edit', agent: 'a', segment: think.id, text: 'a longer thought than before' }] });
    const seg = edited.state.procs.a!.context.find((x) => x.id === think.id)!;
    expect(seg.text).toBe('a longer thought than before');
    expect(edited.state.procs.a!.contextTokens).toBe(s.contextTokens - think.tokens + seg.tokens);
    const added = await t.fork(k, { edits: [{ kind: 'segment.add', agent: 'a', text: 'remember: be brief', fact: true }] });
    expect(added.state.procs.a!.context.at(-1)).toMatchObject({ text: 'remember: be brief', kind: 'fact', fact: true, source: 'human', id: `s${t.stateAt(k).nextSeg}` });
  });

  it('edits a core-memory block, an archival chunk, a message in flight and an artifact', async () => {
    const { t, k } = await at('msg.sent');
    const msg = t.events()[k] as EventOf<'msg.sent'>;
    const fork = await t.fork(k, {
      edits: [
        { kind: 'core.edit', agent: 'a', label: 'persona', text: 'I am A, edited.' },
        { kind: 'chunk.edit', store: 'kb', id: 'kb#0', text: 'alpha was edited by a person' },
        { kind: 'message.edit', msgId: msg.msgId, text: 'pong' },
      ],
    });
    expect(fork.state.procs.a!.context[0]!.text).toContain('<persona>\nI am A, edited.\n</persona>');
    expect(fork.state.stores.kb![0]!.text).toBe('alpha was edited by a person');
    expect(fork.state.inflight[0]!.text).toBe('pong');
    // b received the edited message and found the edited chunk in the archive; the original did not.
    await fork.runToEnd().expectArtifact('out', 'got pong / [1] alpha was edited by a person');
    expect(t.state.artifacts.out?.text).toBe('got ping / [1] alpha is the first letter');
    const w = t.events().find((e) => e.type === 'artifact.written' && e.name === 'draft')!.seq;
    const art = await t.fork(w, { edits: [{ kind: 'artifact.edit', name: 'draft', text: 'second draft' }] });
    expect(art.state.artifacts.draft).toMatchObject({ text: 'second draft', seq: w + 2 });
  });

  it('refuses an edit that names nothing at that point, saying what and where', async () => {
    const { t, returned } = await (async () => {
      const r = await researchRun();
      return { t: r.original, returned: r.returned };
    })();
    const called = of(t.events(), 'tool.called').find((e) => e.callId === returned.callId)!;
    const fork = (seq: number, edits: StateEdit[]) => () => Kernel.fork(t.kernel.events, research, { runId: 'f', seed: 1, parent: { run: 'test-run', seq }, edits });
    expect(fork(called.seq, [{ kind: 'tool-result.edit', callId: returned.callId, text: 'x' }])).toThrow(`edit 1 of 1: call ${returned.callId} (web_search) has not returned at event ${called.seq}: there is no result to edit yet`);
    expect(fork(returned.seq, [{ kind: 'tool-result.edit', callId: 'c999', text: 'x' }])).toThrow('there is no tool call "c999"');
    expect(fork(returned.seq, [{ kind: 'segment.remove', agent: 'researcher', segment: 's9999' }])).toThrow(`researcher's window has no segment "s9999" at event ${returned.seq}`);
    expect(fork(returned.seq, [{ kind: 'segment.edit', agent: 'ghost', segment: 's1', text: 'x' }])).toThrow('there is no agent "ghost"');
    expect(fork(returned.seq, [{ kind: 'core.edit', agent: 'researcher', label: 'persona', text: 'x' }])).toThrow('researcher has no core-memory block "persona"');
    expect(fork(returned.seq, [{ kind: 'chunk.edit', store: 'corpus', id: 'corpus#99', text: 'x' }])).toThrow('store "corpus" has no chunk "corpus#99"');
    expect(fork(returned.seq, [{ kind: 'artifact.edit', name: 'report', text: 'x' }])).toThrow('there is no artifact "report"');
    expect(fork(returned.seq, [{ kind: 'message.edit', msgId: 'm404', text: 'x' }])).toThrow('there is no message "m404"');
    const system = t.stateAt(returned.seq).procs.researcher!.context[0]!;
    expect(fork(returned.seq, [{ kind: 'segment.edit', agent: 'researcher', segment: system.id, text: 'x' }])).toThrow('system prompt');
    expect(fork(returned.seq, [{ kind: 'nope' } as never])).toThrow('unknown edit kind "nope"');
  });

  it('a live run takes an edit as a human input and records it next', async () => {
    const t = await new TestKernel(research).runUntil('tool.returned', { agent: 'researcher' });
    const r = t.events().at(-1) as EventOf<'tool.returned'>;
    expect(t.kernel.submit({ kind: 'edit', edit: { kind: 'tool-result.edit', callId: 'c404', text: 'x' } })).toEqual({ ok: false, error: `there is no tool call "c404" at event ${r.seq}` });
    expect(t.kernel.submit({ kind: 'edit', edit: { kind: 'tool-result.edit', callId: r.callId, text: EDITED } })).toEqual({ ok: true });
    await t.step(1).expectEvent('human.edited', { seq: r.seq + 1, edit: { kind: 'tool-result.edited' } }).runToEnd();
    expect(t.state.artifacts.report?.text).toContain('EDITED FINDING');
  });

  it('lists the core blocks (declared and written) core.edit finds; a paused run takes a core edit in place, the next turn sees it, the trace replays', async () => {
    const t = await new TestKernel(pair).runUntil('infer.completed', { agent: 'a' });
    const blocks = coreBlocksOf(t.state.procs.a!);
    expect(blocks).toEqual([{ label: 'persona', text: 'I am A.', segment: t.state.procs.a!.context[0]!.id, declared: true }]);
    expect(coreBlocksOf({ context: [{ ...t.state.procs.a!.context[0]!, kind: 'core', source: 'core:notes', text: 'n1', id: 's9' }] })).toEqual([{ label: 'notes', text: 'n1', segment: 's9', declared: false }]);
    expect(t.kernel.submit({ kind: 'edit', edit: { kind: 'core.edit', agent: 'a', label: 'persona', text: 'I am A, edited while paused.' } })).toEqual({ ok: true });
    const at = t.events().length;
    await t.step(1).expectEvent('human.edited', { seq: at, agent: 'a', target: 'a\'s core block "persona"' });
    expect(coreBlocksOf(t.state.procs.a!)[0]!.text).toBe('I am A, edited while paused.');
    await t.runToEnd();
    const next = t.events().find((e) => e.seq > at && e.type === 'infer.started' && e.agent === 'a')!;
    expect(promptAt(pair, 1, t.events(), next.seq, 'a')!.segments.map((x) => x.text).join('\n')).toContain('<persona>\nI am A, edited while paused.\n</persona>');
    await t.restore({ upTo: at }).runToEnd().expectSameTrace(t);
  });
});
