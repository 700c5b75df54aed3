/**
 * Harness documents for the worker's tests. `longDoc` makes a run of a few thousand events:
 * enough for several event blocks, kernel snapshots and many frames of batches.
 */

/** Two sim agents on one slot: `a` thinks `turns` times, calls a tool and messages `b`; `b` waits, thinks, writes. */
export function longDoc(turns: number, name = 'long run'): Record<string, unknown> {
  const thinks = (who: string) => Array.from({ length: turns }, (_, i) => ({ op: 'think', text: `${who} step ${i}: weighing the next part of the plan.` }));
  return {
    version: 1,
    name,
    models: [{ id: 'm', name: 'Sim', provider: 'sim', slots: 1, tokensPerSecond: 200, contextWindow: 1_000_000 }],
    tools: [{ id: 'lookup', name: 'lookup', impl: { kind: 'sim', result: 'found {{args.q}}', latencyMs: 50 } }],
    agents: [
      {
        id: 'a', name: 'A', model: 'm', capabilities: [{ target: 'lookup' }],
        behaviour: [...thinks('a'), { op: 'call', tool: 'lookup', args: { q: 'paging' } }, { op: 'send', to: 'b', text: 'done: {{last}}' }, { op: 'finish', text: 'sent' }],
      },
      {
        id: 'b', name: 'B', model: 'm',
        behaviour: [{ op: 'recv', from: 'a', as: 'got' }, ...thinks('b'), { op: 'write', artifact: 'out', text: 'report: {{var.got}}' }, { op: 'finish' }],
      },
    ],
    channels: [{ id: 'ab', from: 'a', to: 'b' }],
    goals: [{ id: 'out', name: 'out is written', when: { kind: 'artifact', name: 'out', contains: 'found' } }],
    limits: { maxSteps: turns * 4 + 20 },
  };
}
