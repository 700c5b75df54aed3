import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, loadEncodingsFor, parseHarness } from '..';
import { evaluateExpr, parseExpr } from '../trace/watchExpr';
import { watchScope } from './watchScope';

async function contention(): Promise<Kernel> {
  const parsed = parseHarness(JSON.parse(readFileSync('public/examples/contention.json', 'utf8')));
  if (!parsed.ok) throw new Error('example invalid');
  await loadEncodingsFor(parsed.spec);
  const k = Kernel.create(parsed.spec, { runId: 'w', seed: 1 });
  await k.runUntil();
  return k;
}

const watch = (k: Kernel, seq: number, src: string) => {
  const p = parseExpr(src);
  if (!p.ok) throw new Error(p.error.message);
  return evaluateExpr(p.expr, { names: watchScope(k.stateAt(seq), k.document.limits), strict: true });
};

describe('watchScope: the names watch expressions read at the cursor', () => {
  it('gives an agent’s live scheduling numbers and a group’s budget left, changing as the cursor moves', async () => {
    const k = await contention();
    const fair = k.document.agents.find((a) => a.sched.class === 'fair')!;
    const group = k.document.groups.find((g) => g.tokens !== undefined)!;
    const values = new Set<unknown>();
    const left = new Set<unknown>();
    for (let seq = 0; seq <= k.head; seq += 7) {
      const lag = watch(k, seq, `agents["${fair.id}"].sched.lag`);
      if (lag.ok && lag.value !== undefined) values.add(lag.value);
      const l = watch(k, seq, `groups["${group.id}"].tokensLeft`);
      expect(l.ok).toBe(true);
      if (l.ok) left.add(l.value);
    }
    expect(values.size).toBeGreaterThan(1);
    expect(left.size).toBeGreaterThan(1);
    // tokensLeft is the quota minus what the group used (no more than its ancestors leave).
    const s = k.stateAt(k.head);
    const g = s.groups[group.id]!;
    const r = watch(k, k.head, `groups["${group.id}"].tokensLeft <= ${g.tokens! - g.usedTokens}`);
    expect(r).toEqual({ ok: true, value: true });
  });

  it('names what is unknown, with what is known', async () => {
    const k = await contention();
    const r = watch(k, 10, 'agnts');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('known: agents, groups, harness, goals, artifacts, inflight, now, seq');
  });
});
