import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, loadEncodingsFor, parseHarness, type EventOf, type HarnessSpec, type KernelEvent } from '../../kernel';
import { edgeDecision, policyGraph } from './policyGraph';

/**
 * The Policy view's answer is the run's decision: for every shipped example, every tool call
 * the run decides in its start state (no session rule, nothing declassified, no lease over) is
 * looked up on the view's own model with the view's own function, for that call's arguments
 * and taint, and must equal the decision record the kernel emitted.
 */

type Decided = EventOf<'tool.allowed' | 'tool.denied' | 'tool.asked'>;
const DECIDED = new Set(['tool.allowed', 'tool.denied', 'tool.asked']);

const examples = (JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as { file: string }[]).map((x) => x.file);

/** The run to its stop, approving every ask (as `--approve all` does), so every call is decided. */
async function run(spec: HarnessSpec): Promise<Kernel> {
  await loadEncodingsFor(spec);
  const k = Kernel.create(spec, { runId: 'policy-check', seed: 1 });
  for (let round = 0; round < 100 && !k.stopped; round++) {
    const r = await k.runUntil({ maxEvents: 20_000 });
    if (r.reason !== 'waiting') break;
    for (const ask of k.openAsks()) k.submit({ kind: 'approve', callId: ask.callId, remember: false });
  }
  return k;
}

describe('the Policy view answers what the run decides', () => {
  const compared: string[] = [];
  for (const file of examples) {
    it(`${file}: each call decided at the run's start equals its capability edge`, async () => {
      const doc = JSON.parse(readFileSync(`public/examples/${file}`, 'utf8')) as unknown;
      const parsed = parseHarness(doc);
      if (!parsed.ok) throw new Error(`${file}: ${parsed.issues.map((i) => i.message).join('; ')}`);
      const graph = policyGraph(doc, parsed.spec);
      const k = await run(parsed.spec);
      let here = 0;
      for (const e of k.events as readonly KernelEvent[]) {
        if (!DECIDED.has(e.type)) continue;
        const before = k.stateAt(e.seq - 1);
        const startState = before.sessionRules.length === 0 && before.declassified.length === 0
          && Object.values(before.handles).every((h) => h.ended === null && (h.expiresAt === null || before.now < h.expiresAt));
        if (!startState) continue;
        const d = e as Decided;
        const call = before.procs[d.agent]!.call!;
        // The edge the call goes through: the tool's, or the store's for a built-in archival call.
        const store = typeof call.args.store === 'string' ? call.args.store : null;
        const shown = edgeDecision(graph, d.agent, d.tool, { tool: call.tool, args: call.args, taint: call.taint ?? [] })
          ?? (store === null ? null : edgeDecision(graph, d.agent, store, { tool: call.tool, args: call.args, taint: call.taint ?? [] }));
        if (shown === null) continue; // own memory (core_memory_*, conversation_search) has no edge
        expect({ seq: e.seq, ...shown }).toEqual({ seq: e.seq, decision: d.decision, undecided: null });
        here += 1;
      }
      if (here > 0) compared.push(file);
    }, 60_000);
  }
  it('compared real decisions, a taint deny and a mode ask among them', () => {
    expect(compared).toEqual(expect.arrayContaining(['research-team.json', 'paging.json', 'injection.json', 'approvals.json']));
  });
});
