import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, loadEncodingsFor, parseHarness, type Cpu, type InferRequest } from '..';
import { SimCpu } from '../cpu/sim';
import { promptAt } from './contextPrompt';

/** research-team at seed 1, with the sim CPU wrapped to keep every request the kernel sent it. */
async function recorded(): Promise<{ k: Kernel; sent: { agent: string; turn: number; req: InferRequest }[] }> {
  const parsed = parseHarness(JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')));
  if (!parsed.ok) throw new Error('example invalid');
  await loadEncodingsFor(parsed.spec);
  const sim = new SimCpu();
  const sent: { agent: string; turn: number; req: InferRequest }[] = [];
  const spy: Cpu = {
    provider: sim.provider,
    precision: (req) => sim.precision(req),
    infer: (req) => {
      sent.push({ agent: req.agent.id, turn: req.turn, req: { ...req, context: req.context.map((s) => ({ ...s })), system: req.system } as InferRequest });
      return sim.infer(req);
    },
  };
  const k = Kernel.create(parsed.spec, { runId: 'cx', seed: 1, cpus: { sim: spy } });
  await k.runUntil();
  return { k, sent };
}

describe('promptAt: the context the way the model saw it', () => {
  it('is, for every turn, exactly the window and system prompt the CPU was sent', async () => {
    const { k, sent } = await recorded();
    expect(sent.length).toBeGreaterThan(5);
    const starts = k.events.filter((e) => e.type === 'infer.started' && e.done === 0);
    expect(starts.length).toBe(sent.length);
    for (const start of starts) {
      const view = promptAt(k.document, 1, k.events, start.seq + 2, start.agent!)!;
      const asked = sent.find((s) => s.agent === start.agent && s.turn === view.turn)!;
      expect(view.sentAt).toBe(start.seq);
      expect(view.system).toBe(asked.req.system);
      expect(view.segments.map((s) => [s.id, s.text, s.tokens])).toEqual(asked.req.context.map((s) => [s.id, s.text, s.tokens]));
      expect(view.tokensIn).toBe(asked.req.estimatedTokensIn);
    }
  });

  it('names the event that put each segment in the window', async () => {
    const { k } = await recorded();
    const last = [...k.events].reverse().find((e) => e.type === 'infer.started' && e.agent === 'writer')!;
    const view = promptAt(k.document, 1, k.events, last.seq, 'writer')!;
    expect(view.segments.every((s) => s.origin !== null && s.origin.seq < last.seq)).toBe(true);
    const fromMsg = view.segments.find((s) => s.source.startsWith('msg:'));
    expect(fromMsg?.origin?.type).toBe('agent.woke');
    const own = view.segments.find((s) => s.source === 'agent:writer');
    expect(own?.origin?.type).toBe('infer.completed');
    const system = view.segments.find((s) => s.kind === 'system');
    expect(system?.origin?.type).toBe('job.published');
  });

  it('before an agent’s first turn, shows what its first turn would be sent', async () => {
    const { k } = await recorded();
    const view = promptAt(k.document, 1, k.events, 4, 'writer')!;
    expect(view.sentAt).toBeNull();
    expect(view.turn).toBe(0);
    expect(promptAt(k.document, 1, k.events, 4, 'nobody')).toBeNull();
  });
});
