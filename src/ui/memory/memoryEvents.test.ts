import { describe, expect, it } from 'vitest';
import { asRunId, type KernelEvent, type KernelEventBody } from '../../kernel';
import { busiestMemoryAgent, memoryEntries } from './memoryEvents';

const trace = (bodies: (KernelEventBody & { agent?: string })[]): KernelEvent[] =>
  bodies.map((b, seq) => ({ seq, t: seq * 100, run: asRunId('r'), ...b }) as KernelEvent);

describe('memory events', () => {
  const events = trace([
    { type: 'mem.pressure', agent: 'a', level: 'warn', tokens: 800, window: 1000, share: 0.8, threshold: 0.75 },
    { type: 'mem.pressure', agent: 'b', level: 'warn', tokens: 800, window: 1000, share: 0.8, threshold: 0.75 },
    { type: 'mem.evicted', agent: 'a', policy: 'lru', segments: [{ id: 's3', kind: 'message', tokens: 200 }], freed: 200, tokens: 600 },
    { type: 'mem.faulted', agent: 'a', mode: 'lazy', ref: 'kb#2', outcome: 'archive', text: 'x', tokens: 40, trust: 'trusted', valid: true, detail: '' },
    { type: 'mem.compacted', agent: 'a', summarized: [{ id: 's4', kind: 'message', tokens: 300 }], keptFacts: 1, freed: 250, summary: { id: 's9', text: 'sum', tokens: 50 }, tokens: 390 },
  ]);

  it("keeps the agent's memory events up to the cursor", () => {
    const entries = memoryEntries(events, 'a', 3);
    expect(entries.map((e) => [e.seq, e.type, e.tone, e.tokens])).toEqual([
      [0, 'mem.pressure', 'warn', 800],
      [2, 'mem.evicted', 'evicted', 600],
      [3, 'mem.faulted', 'faulted', -1],
    ]);
    expect(entries[1]!.text).toBe('lru took 1 · freed 200 · s3');
  });

  it('describes a compaction', () => {
    expect(memoryEntries(events, 'a', 99).at(-1)!.text).toBe('1 → s9 (50 tok) · kept 1 facts · freed 250');
  });

  it('opens on the agent with the most memory events, not the first listed', () => {
    expect(busiestMemoryAgent(events, ['b', 'a'])).toBe('a');
    expect(busiestMemoryAgent(events.slice(0, 2), ['b', 'a'])).toBe('b'); // a tie: document order
    expect(busiestMemoryAgent([], ['b', 'a'])).toBeNull();
  });
});

describe('memory events of a run that grows', () => {
  it('read as the trace grows in place give what a read of the whole trace gives, at every cursor', async () => {
    const { readFileSync } = await import('node:fs');
    const { Kernel, parseHarness } = await import('../../kernel');
    const parsed = parseHarness(JSON.parse(readFileSync(new URL('../../../public/examples/paging.json', import.meta.url), 'utf8')));
    if (!parsed.ok) throw new Error('paging example invalid');
    const k = Kernel.create(parsed.spec, { runId: asRunId('grow'), seed: 1 });
    await k.runUntil();
    const all = [...k.events];
    const growing: KernelEvent[] = [];
    const agents = [...new Set(all.map((e) => e.agent).filter((a): a is string => a !== undefined))];
    for (let i = 0; i < all.length; i += 37) {
      growing.push(...all.slice(i, i + 37));
      const whole = growing.slice();
      for (const agent of [null, ...agents]) expect(memoryEntries(growing, agent, i)).toEqual(memoryEntries(whole, agent, i));
      expect(busiestMemoryAgent(growing, agents)).toBe(busiestMemoryAgent(whole, agents));
    }
    expect(memoryEntries(growing, null, all.length).length).toBeGreaterThan(0);
  });
});
