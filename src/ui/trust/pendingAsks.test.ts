import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, parseHarness, Projection, type HarnessSpec } from '../../kernel';
import { argsText } from './pendingAsks';

function example(name: string, edit: (doc: Record<string, any>) => void = () => {}): HarnessSpec {
  const doc = JSON.parse(readFileSync(`public/examples/${name}.json`, 'utf8')) as Record<string, any>;
  edit(doc);
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  return parsed.spec;
}

describe('the open asks the prompt shows are the kernel’s', () => {
  it('the projection of the streamed events holds the same asks as the kernel, with arguments and the decision that asked', async () => {
    const k = Kernel.create(example('approvals'), { runId: 'r', seed: 1 });
    const projection = new Projection();
    expect((await k.runUntil()).reason).toBe('waiting');
    projection.append(k.events);
    expect(projection.openAsks()).toEqual(k.openAsks());
    expect(projection.openAsks()).toEqual([{
      agent: 'writer', callId: expect.any(String), tool: 'fs_write', args: expect.objectContaining({ path: '/workspace/report.md' }),
      seq: k.events.findIndex((e) => e.type === 'tool.asked'),
      decision: expect.objectContaining({ effect: 'ask', rule: 'mode:ask', module: 'mode', ask: 'approve', answers: null }),
    }]);
    // Remembered: the writer's second write is allowed by the session rule, and the run completes.
    k.submit({ kind: 'approve', callId: k.openAsks()[0]!.callId, remember: true });
    await k.runUntil();
    projection.append(k.events);
    expect(k.state.stopped).toMatchObject({ reason: 'completed' });
    expect(projection.openAsks()).toEqual([]);
  });

  it('a declassify ask carries the labels of the values it would let through', async () => {
    const k = Kernel.create(example('injection', (d) => { d.policy = { ...d.policy, taint: 'ask' }; }), { runId: 'r', seed: 1 });
    await k.runUntil();
    const projection = new Projection();
    projection.append(k.events);
    const [ask] = projection.openAsks();
    expect(ask).toMatchObject({ agent: 'assistant', tool: 'send_mail', decision: { module: 'taint', ask: 'declassify', taint: [expect.stringMatching(/^tool:web_fetch#/)] } });
  });

  it('a stopped run takes no answer: nothing is open', async () => {
    const k = Kernel.create(example('approvals'), { runId: 'r', seed: 1 });
    await k.runUntil();
    k.submit({ kind: 'stop', detail: 'nobody answers' });
    await k.runUntil();
    const projection = new Projection();
    projection.append(k.events);
    expect(projection.openAsks()).toEqual([]);
  });

  it('shows arguments as JSON text, markup and all', () => {
    expect(argsText({ body: '<img src=x onerror=alert(1)>' })).toBe('{\n  "body": "<img src=x onerror=alert(1)>"\n}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(argsText(cyclic)).toBe('?');
  });
});
