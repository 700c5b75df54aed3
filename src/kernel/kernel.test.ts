import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness } from './spec';
import { harness, TestKernel } from './test/TestKernel';
import { traceHash } from './trace/hash';
import { Projection } from './trace/projection';
import { fromJsonl, toJsonl } from './trace/jsonl';
import type { EventOf } from './trace/events';

const example = (() => {
  const r = parseHarness(readFileSync(new URL('../../public/examples/research-team.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('example invalid');
  return r.spec;
})();

const pair = harness({
  agents: [
    { id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'send', to: 'b', text: 'ping' }, { op: 'finish', text: 'sent' }] },
    { id: 'b', name: 'B', model: 'm', behaviour: [{ op: 'recv', from: 'a', as: 'got' }, { op: 'write', artifact: 'out', text: 'got {{var.got}}' }, { op: 'finish' }] },
  ],
  channels: [{ id: 'ab', from: 'a', to: 'b' }],
  goals: [{ id: 'g', name: 'out has ping', when: { kind: 'artifact', name: 'out', contains: 'ping' } }],
});

describe('the example research team', () => {
  it('runs to completion offline with its goal met and real token counts', async () => {
    const t = await new TestKernel(example).runToEnd();
    const stop = t.events('run.stopped')[0];
    expect(stop).toMatchObject({ type: 'run.stopped', reason: 'completed', goals: { 'report-written': true } });
    expect(t.state.artifacts.report?.text).toContain('MemGPT');
    expect(t.state.tokensIn).toBeGreaterThan(500);
    expect(t.state.cost).toBeGreaterThan(0);
    // seq has no gaps and virtual time never goes back
    t.events().forEach((e, i) => {
      expect(e.seq).toBe(i);
      if (i > 0) expect(e.t).toBeGreaterThanOrEqual(t.events()[i - 1]!.t);
    });
  });
});

describe('determinism', () => {
  it('gives the same trace and hash for the same document and seed', async () => {
    const a = await new TestKernel(example, { seed: 7, runId: 'one' }).runToEnd();
    const b = await new TestKernel(example, { seed: 7, runId: 'two' }).runToEnd();
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.events().map((e) => ({ ...e, run: '' }))).toEqual(b.events().map((e) => ({ ...e, run: '' })));
  });

  it('gives another trace for another seed when temperature > 0', async () => {
    const hashes = new Set<string>();
    for (const seed of [1, 2, 3, 4]) hashes.add((await new TestKernel(example, { seed }).runToEnd()).traceHash());
    expect(hashes.size).toBeGreaterThan(1);
  });

  it('at temperature 0 only the recorded seed differs between seeds', async () => {
    const a = await new TestKernel(pair, { seed: 1 }).runToEnd();
    const b = await new TestKernel(pair, { seed: 99 }).runToEnd();
    expect(a.events()[0]).toMatchObject({ seed: 1 });
    expect(b.events()[0]).toMatchObject({ seed: 99 });
    expect(traceHash(a.events().slice(1))).toBe(traceHash(b.events().slice(1)));
  });
});

describe('seek and fork', () => {
  it('the state at k reached by seek equals the state reached by running to k', async () => {
    const full = await new TestKernel(example, { seed: 3, snapshotEvery: 16 }).runToEnd();
    // creation emits run.started, one job event per agent and their capability grants before any step
    const created = new TestKernel(example, { seed: 3 }).head;
    for (const k of [created, created + 2, 16, 17, 40, full.head]) {
      const stepped = new TestKernel(example, { seed: 3, snapshotEvery: 16 });
      await stepped.step(k - stepped.head);
      expect(stepped.head).toBe(k);
      expect(full.stateAt(k)).toEqual(stepped.state);
    }
  });

  it('the UI projection agrees with the kernel at every event', async () => {
    const t = await new TestKernel(example, { seed: 5 }).runToEnd();
    const p = new Projection(10);
    p.append(t.events().slice(0, 30));
    p.append(t.events().slice(30));
    for (let k = 0; k <= t.head; k += 1) expect(p.stateAt(k)).toEqual(t.stateAt(k));
  });

  it('a fork without edits continues exactly as the original did', async () => {
    const original = await new TestKernel(example, { seed: 11 }).runToEnd();
    const k = 30;
    const fork = await original.fork(k).expectEvent('run.forked', { seq: k + 1, parent: { run: 'test-run', seq: k }, edited: false });
    expect(fork.events().every((e) => e.run === 'fork')).toBe(true);
    await fork.runToEnd();
    const tail = (evs: readonly { seq: number }[], from: number) => evs.slice(from).map((e) => ({ ...e, seq: 0, run: '', cause: 0 }));
    expect(tail(fork.events(), k + 2)).toEqual(tail(original.events(), k + 1));
  });

  it('a fork with an edited document records the edit and follows the new document', async () => {
    const original = await new TestKernel(pair).runToEnd();
    const edited = harness({
      ...pair,
      agents: pair.agents.map((a) => (a.id === 'b' ? { ...a, behaviour: [{ op: 'recv' as const, from: 'a', as: 'got' }, { op: 'write' as const, artifact: 'out', text: 'edited {{var.got}}' }, { op: 'finish' as const, text: '' }] } : a)),
    });
    await original.fork(8, { spec: edited, runId: 'f' }).runToEnd().expectEvent('run.forked', { seq: 9, edited: true }).expectArtifact('out', 'edited ping');
  });

  it('restore continues an interrupted run to the same trace', async () => {
    const whole = await new TestKernel(example, { seed: 2, runId: 'r' }).runToEnd();
    const part = await new TestKernel(example, { seed: 2, runId: 'r', snapshotEvery: 10 }).step(25);
    await part.restore({ fromSnapshot: true }).runToEnd().expectSameTrace(whole);
  });
});

describe('the job pipeline', () => {
  it('unwinds a failed job and leaves nothing behind', () => {
    const spec = harness({
      stores: [{ id: 'kb', name: 'KB', kind: 'knowledge' }],
      agents: [
        { id: 'ok1', name: 'Ok', model: 'm' },
        { id: 'bad', name: 'Bad', model: 'm', capabilities: [{ target: 'kb', access: 'write' }] },
        { id: 'ok2', name: 'Ok2', model: 'm' },
      ],
    });
    const t = new TestKernel(spec);
    const failed = t.events('job.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ agent: 'bad', stage: 'guards', unwound: ['allocate', 'validate'] });
    expect(Object.keys(t.state.procs)).toEqual(['ok1', 'ok2']);
    // the pid reserved at allocate was released: the next job got it
    expect(t.state.procs.ok2!.pid).toBe(2);
    expect([...t.kernel.reservedPids().values()]).toEqual(['ok1', 'ok2']);
  });

  it('fails at allocate when the system prompt does not fit the window', async () => {
    const spec = harness({ agents: [{ id: 'big', name: 'Big', model: 'm', systemPrompt: 'word '.repeat(400), memory: { window: 256 } }] });
    await new TestKernel(spec).expectEvents('job.failed', [{ agent: 'big', stage: 'allocate', unwound: ['validate'], reason: /need \d+ tokens; the context window holds 256/ }]);
  });

  it('fails at validate when the provider has no CPU', async () => {
    const spec = harness({ models: [{ id: 'gpt', name: 'GPT', provider: 'openai' }], agents: [{ id: 'a', name: 'A', model: 'gpt' }] });
    const t = await new TestKernel(spec).expectEvents('job.failed', [{ agent: 'a', stage: 'validate', unwound: [] }]);
    expect(t.state.procs).toEqual({});
  });
});

describe('system calls and messages', () => {
  it('denies a tool call without a capability, naming the rule', async () => {
    const spec = harness({
      tools: [{ id: 'mail', name: 'mail.send', impl: { kind: 'sim', result: 'sent' } }],
      agents: [{ id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'call', tool: 'mail', args: { to: 'x' } }, { op: 'finish' }] }],
    });
    const t = await new TestKernel(spec).runToEnd();
    expect(t.events('tool.denied')[0]).toMatchObject({ tool: 'mail', decision: { effect: 'deny', hook: 'tool.call', module: 'capability', rule: 'capability:a->mail', scope: 'agent', code: 'no-handle', reason: 'a holds no capability on mail' } });
    expect(t.events('tool.returned')).toHaveLength(0);
  });

  it('allows a granted call and returns its result after its latency', async () => {
    const spec = harness({
      tools: [{ id: 'echo', name: 'echo', impl: { kind: 'sim', result: 'echo {{args.x}}', latencyMs: 250 } }],
      agents: [{ id: 'a', name: 'A', model: 'm', capabilities: [{ target: 'echo' }], behaviour: [{ op: 'call', tool: 'echo', args: { x: 'hi' }, as: 'r' }, { op: 'write', artifact: 'o', text: '{{var.r}}' }, { op: 'finish' }] }],
    });
    const t = await new TestKernel(spec).runToEnd();
    const allowed = t.events('tool.allowed')[0]!;
    const returned = t.events('tool.returned')[0]!;
    // The authority is the mode (no rule matched); the grant is the handle issued at job start.
    const handle = (t.events('cap.granted')[0] as EventOf<'cap.granted'>).handles[0]!;
    expect(allowed).toMatchObject({ decision: { effect: 'allow', rule: 'mode:auto', scope: 'mode', module: 'mode', grant: handle.id } });
    expect(handle).toMatchObject({ target: 'echo', kind: 'shared', lease: 'job' });
    expect(returned.t - allowed.t).toBe(250);
    expect(t.state.artifacts.o?.text).toBe('echo hi');
  });

  it('denies a message with no channel and detects a deadlock', async () => {
    const spec = harness({
      agents: [
        { id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'send', to: 'b', text: 'hi' }, { op: 'recv', from: 'b' }] },
        { id: 'b', name: 'B', model: 'm', behaviour: [{ op: 'recv', from: 'a' }] },
      ],
    });
    await new TestKernel(spec).runToStop().expectEvents('msg.denied', [{ decision: { effect: 'deny', hook: 'msg.send', module: 'channel', reason: 'no channel from a to b' } }]).expectStop('deadlock');
  });

  it('stops at the step limit', async () => {
    const spec = harness({ limits: { maxSteps: 3 }, agents: [{ id: 'a', name: 'A', model: 'm', behaviour: Array.from({ length: 10 }, () => ({ op: 'think' as const, text: 'hmm' })) }] });
    await new TestKernel(spec).runToStop().expectStop('max-steps').expectState({ steps: 3 });
  });

  it('never lets two agents hold one slot', async () => {
    const t = new TestKernel(example, { seed: 9 });
    const slots = 2;
    while (!t.kernel.stopped) {
      await t.step();
      const held = Object.values(t.state.slots).flat().filter((x) => x !== null);
      expect(held.length).toBeLessThanOrEqual(slots);
      expect(new Set(held).size).toBe(held.length);
      expect(Object.values(t.state.procs).filter((p) => p.state === 'running').length).toBe(held.length);
    }
  });
});

describe('trace format', () => {
  it('round-trips through JSONL with the same hash', async () => {
    const t = await new TestKernel(example).runToEnd();
    const back = fromJsonl(toJsonl(t.events()));
    expect(back.ok && traceHash(back.events)).toBe(t.traceHash());
  });

  it('reports the line of a bad record', () => {
    expect(fromJsonl('{"seq":0,"type":"run.started"}\n{oops')).toMatchObject({ ok: false, line: 2 });
  });
});
